"""`learnclub backup PATH` and `learnclub restore PATH` (registered in cli.py); the work is
in backup.py."""
import click
from flask import current_app
from flask.cli import with_appcontext

from learnclub import backup as backups
from learnclub import clock, schema
from learnclub.db import connection


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--with-secret-key", is_flag=True,
              help="Copy the secret key into PATH.json too (keep that file private).")
@with_appcontext
def backup_command(path, with_secret_key):
    """Write a consistent snapshot of the database to PATH (a new file) while the app runs,
    and PATH.json beside it (what it holds; the secret key only with --with-secret-key)."""
    try:
        manifest = backups.backup(dict(current_app.config), path, now=clock.now(),
                                  with_secret_key=with_secret_key)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(manifest["rows"].values())
    click.echo(f"Backed up {manifest['backend']} ({total} rows in {len(manifest['rows'])} "
               f"tables) to {path}; manifest {backups.manifest_path(path)}")
    if with_secret_key:
        click.secho(f"Warning: {backups.manifest_path(path)} holds the secret key: whoever "
                    "reads it can sign in as anyone. Keep it as private as the key.",
                    fg="yellow", err=True)
    else:
        click.echo(f"The secret key is {backups.KEY_NOTE}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--with-secret-key", is_flag=True,
              help="Also write the secret key kept in PATH.json to instance/secret_key.")
@with_appcontext
def restore_command(path, with_secret_key):
    """Restore the backup at PATH into the configured database, which must be empty (new)."""
    settings = dict(current_app.config)
    try:
        manifest = backups.restore(settings, path, with_secret_key=with_secret_key)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = backups.rows_in_use()
    click.echo(f"Restored {path} ({sum(counts.values())} rows in {len(counts)} tables).")
    expected = manifest.get("rows")
    if expected is not None and {t: n for t, n in expected.items() if n} != counts:
        raise click.ClickException(f"The restored rows differ from {path}.json: {counts}")
    with connection():
        pending = schema.pending()
    if pending:
        click.echo(f"Run `learnclub db upgrade` next: {len(pending)} migrations are newer than "
                   "the backup.")
    if with_secret_key:
        click.echo(f"Secret key written to {settings['INSTANCE_DIR']}/secret_key "
                   "(LEARNCLUB_SECRET_KEY, if set, still wins).")
    elif manifest.get("secret_key") != backups.KEY_NOTE and manifest.get("secret_key"):
        click.echo(f"{backups.manifest_path(path)} holds the secret key: --with-secret-key "
                   "writes it to instance/secret_key.")
    else:
        click.echo("Use the old server's secret key (LEARNCLUB_SECRET_KEY or "
                   "instance/secret_key), or everyone signs in again.")
