"""Cases (案例): writing them in the editor or as Markdown files, their images, the cadence."""
