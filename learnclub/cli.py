"""The `learnclub` command line: a Flask CLI group. Commands call the same domain functions
as the web pages."""
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from learnclub import backup_commands, clock, create_app, jobs, leader, schema
from learnclub.config import Config
from learnclub.db import DriverMissing, connection
from learnclub.domain.accounts import auth as accounts


def _settings():
    return dict(current_app.config)


def _create_app(config=None):
    """The app, or one line saying what to install when the database's driver is missing."""
    try:
        return create_app(config)
    except DriverMissing as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli():
    """learnclub: run a learning community. Start with `learnclub db upgrade` and
    `learnclub serve`; `learnclub demo` fills an empty database with a living cohort."""


cli.add_command(backup_commands.backup_command)
cli.add_command(backup_commands.restore_command)


def init_app(app):
    """Give the app these commands too: `flask --app learnclub …` and test runners find them."""
    for name, command in cli.commands.items():
        app.cli.add_command(command, name)


@cli.group("db")
def db_group():
    """Database schema: upgrade and status."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply every pending migration in migrations/ (one upgrade at a time per database)."""
    with connection():
        applied = schema.upgrade(on_wait=lambda: click.echo(
            "Another `learnclub db upgrade` is running on this database; waiting for it."))
    click.echo("Applied: " + ", ".join(applied) if applied else "Database is up to date.")


@db_group.command("status")
@with_appcontext
def db_status():
    """List migrations and whether each is applied; exit 1 if any is pending."""
    with connection():
        rows = schema.status()
    for name, applied in rows:
        state = f"applied {applied.isoformat(' ', 'seconds')}" if applied else "pending"
        click.echo(f"{state:28} {name}")
    if any(applied is None for _, applied in rows):
        sys.exit(1)


def _print_setup_link(base_url):
    with connection():
        raw = accounts.issue_setup_token(now=clock.now())
    if raw:
        click.secho("\n  No account exists yet. Create the first host account here (works once):",
                    fg="yellow")
        click.secho(f"  {base_url}/setup/{raw}\n", fg="green", bold=True)


def _explain_waiting_folders(content_dir):
    """Say once, at start, what a content folder without its cohort is for (the sample one)."""
    from learnclub.domain.cases.sync import waiting_folders
    with connection():
        waiting = {name: files for name, files in waiting_folders(content_dir).items() if files}
    for name, files in waiting.items():
        click.echo(f"  {Path(content_dir, name)}/ holds {len(files)} cases for a cohort with "
                   f"the address '{name}'. Create that cohort (or run `learnclub demo` on an "
                   "empty database) and they are imported; until then they wait.")


@cli.command("setup-link")
@with_appcontext
def setup_link():
    """Print a fresh one-time link to create the first host (only while no account exists)."""
    _print_setup_link(current_app.config["BASE_URL"])
    with connection():
        if not accounts.setup_needed():
            click.echo("Setup is done: accounts exist. Sign in at "
                       f"{current_app.config['BASE_URL']}/login")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Development server with the scheduler embedded (one process). Production: gunicorn
    wsgi:app plus one `learnclub scheduler`."""
    config = Config()
    config.EMBED_SCHEDULER = True
    if not os.environ.get("LEARNCLUB_BASE_URL"):
        config.BASE_URL = f"http://{host}:{port}"
    app = _create_app(config)
    with connection():
        if schema.pending():
            click.secho("The database needs `learnclub db upgrade` first.", fg="red")
            sys.exit(1)
    _print_setup_link(config.BASE_URL)
    _explain_waiting_folders(config.CONTENT_DIR)
    from werkzeug.serving import run_simple
    click.echo(f"Serving on http://{host}:{port} (Ctrl-C stops)")
    run_simple(host, port, app, use_reloader=False, threaded=True)


@cli.command("scheduler")
@click.option("--lease-seconds", type=click.IntRange(3, 600), default=leader.LEASE_SECONDS,
              show_default=True, help="A lease not renewed this long passes to a standby.")
@with_appcontext
def scheduler(lease_seconds):
    """Run the scheduler in the foreground: the one process that does time-driven work. A
    second one on the same database stands by and takes over within a minute if it dies."""
    with connection():
        if schema.pending():
            sys.exit("the database is not migrated: run `learnclub db upgrade`")
    lead = leader.Leader(lease_seconds=lease_seconds, say=lambda text: click.echo(text, err=True))
    click.echo("Scheduler running; Ctrl-C stops it.")
    leader.serve(lead, jobs.build_scheduler(_settings(), background=True, leader=lead))
    click.echo("Scheduler stopped.")


def _parse_instant(value):
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use an ISO time such as 2026-12-03T20:00+08:00") from exc
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@cli.group("jobs")
def jobs_group():
    """Time-driven rules, runnable for any instant."""


@jobs_group.command("run-due")
@click.option("--now", "now_text", help="ISO time (default: the current time); no zone = UTC.")
@with_appcontext
def run_due(now_text):
    """Run everything due at that instant, once."""
    now = _parse_instant(now_text) if now_text else clock.now()
    results = jobs.run_due(_settings(), now=now)
    for name, result in results.items():
        click.echo(f"{name}: {result}")


@cli.group("content")
def content_group():
    """Cases written as Markdown files in content/<cohort-slug>/."""


@content_group.command("sync")
@with_appcontext
def content_sync_command():
    """Import content/<cohort-slug>/*.md: new, changed and removed files; report problems."""
    from learnclub.domain.cases.sync import sync_all
    folder = current_app.config["CONTENT_DIR"]
    with connection():
        reports = sync_all(folder, now=clock.now())
    if not reports:
        click.echo(f"Nothing to import: no folder in {folder} holds case files "
                   "(content/<cohort-slug>/*.md).")
    problems = 0
    for report in reports:
        if report.waiting:
            click.echo(_waiting_line(report))
            continue
        counts = ", ".join(f"{len(getattr(report, k))} {k}" for k in
                           ("created", "updated", "unchanged", "archived", "restored"))
        click.echo(f"{report.cohort}: {counts}")
        for problem in report.problems:
            problems += 1
            click.secho(f"  ! {problem.message}", fg="red", err=True)
    if problems:
        sys.exit(1)


def _waiting_line(report):
    return (f"{report.cohort}/: nothing imported, no cohort has the address '{report.cohort}' "
            f"yet (case files waiting: {len(report.waiting)}). Create that cohort on the web "
            "(or run `learnclub demo` on an empty database) and they are imported.")


@cli.group("participation")
def participation_group():
    """Misses and removals: the rule that keeps the group small and alive."""


@participation_group.command("sweep")
@click.option("--dry-run", is_flag=True, help="Print what would happen; change nothing.")
@click.option("--now", "now_text", help="ISO time (default: the current time); no zone = UTC.")
@with_appcontext
def participation_sweep(dry_run, now_text):
    """Record misses whose grace has ended and remove learners at the strike limit."""
    from learnclub.domain.participation.sweep import sweep_all
    now = _parse_instant(now_text) if now_text else clock.now()
    with connection():
        plans = sweep_all(now=now, base_url=current_app.config["BASE_URL"], dry_run=dry_run)
        verb = "would" if dry_run else "did"
        for plan in plans:
            removing = (f"{verb} hold {len(plan.removals)} removals (over the safety stop; "
                        "a host confirms)" if plan.held else
                        f"{verb} remove {len(plan.removals)}")
            click.echo(f"{plan.cohort.slug}: {verb} record {len(plan.new_misses)} misses, "
                       f"{removing}" + (" (removals paused)" if plan.paused else ""))
            for membership, slot in plan.new_misses:
                click.echo(f"  miss     {membership.user.display_name} · {slot.case.title}")
            for membership, titles in plan.removals:
                click.echo(f"  {'hold  ' if plan.held else 'remove'}   "
                           f"{membership.user.display_name} · {', '.join(titles)}")
                _echo_why(plan, membership)
    if not plans:
        click.echo("No cohort has a case whose homework window has closed.")


def _echo_why(plan, membership):
    """The cases that counted against a learner the sweep would remove (due times in the
    cohort's zone) and why the other closed cases did not (the plan's words, in English)."""
    from zoneinfo import ZoneInfo

    from learnclub.domain.participation.counting import reason_words
    cohort = plan.cohort
    for case in plan.counted[membership.id]:
        due = (f"due {case.due_at.astimezone(ZoneInfo(cohort.timezone)):%Y-%m-%d %H:%M} "
               f"{cohort.timezone}") if case.due_at else "due time unknown"
        click.echo(f"           counted: {case.title} ({due})")
    rows = plan.not_counted[membership.id]
    total = sum(num for _reason, num in rows)
    if not total:
        return
    why = "; ".join(f"{reason_words(reason, min_hours=cohort.min_window_hours)}: {num}"
                    for reason, num in rows)
    click.echo(f"           did not count: {total} other closed cases" + (f" ({why})" if why
                                                                            else ""))


@cli.group("user")
def user_group():
    """Accounts."""


@user_group.command("grant-host")
@click.argument("email")
@with_appcontext
def grant_host(email):
    """Let an existing account create cohorts of its own."""
    with connection():
        granted = accounts.grant_host(email)
    if not granted:
        raise click.ClickException(f"No account with the address {email}.")
    click.echo(f"{email} may now create cohorts.")


@cli.command("demo")
@with_appcontext
def demo():
    """Fill an empty database with a demo cohort and print the logins."""
    from learnclub.demo import community as demo_data
    with connection():
        if not accounts.setup_needed():
            raise click.ClickException("The database already has accounts; `learnclub demo` "
                                       "only fills an empty one.")
        logins = demo_data.create_demo(now=clock.now(),
                                          base_url=current_app.config["BASE_URL"],
                                          content_dir=current_app.config["CONTENT_DIR"])
    base = current_app.config["BASE_URL"]
    click.echo(f"Demo cohort ready: {base}/c/{logins['cohort']}")
    click.echo(f"Sign in at {base}/login\n")
    for role, email, password in logins["accounts"]:
        click.echo(f"  {role:10} {email:40} {password}")
