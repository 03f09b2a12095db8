"""learnclub: cases, homework, fair participation rules and weekly guest sharing."""
from flask import Flask

from learnclub.config import Config


def create_app(config=None):
    """Build the app. Reads like a table of contents: each part wires itself in."""
    from learnclub import api, arrival, cli, db, health, jobs, logs, web

    config = config or Config()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static",
                instance_path=str(config.INSTANCE_DIR))
    app.config.from_mapping(config.as_dict())
    logs.init_app(app)  # first: every later part logs with the request's id
    db.init_app(app)
    web.init_app(app)
    api.init_app(app)
    health.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    arrival.init_app(app)  # outermost: stamps a request's arrival before anything else runs
    return app
