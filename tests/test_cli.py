"""The `learnclub` command line, through Flask's CLI runner and as a real console script."""
import os
import re
import subprocess
import sys
from pathlib import Path

from learnclub.models import Cohort, Membership, OutboxMessage, User
from tests.factories import make_user

SCRIPT = Path(sys.executable).with_name("learnclub")


def test_help_lists_every_command():
    result = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, check=True,
                            env={**os.environ, "LEARNCLUB_SECRET_KEY": "x"})

    commands = re.findall(r"^  (\S+)", result.stdout.split("Commands:")[1], re.M)
    assert commands == ["backup", "content", "db", "demo", "jobs", "participation", "restore",
                        "routes", "run",
                        "scheduler", "serve",
                        "setup-link", "shell", "user"]


def test_setup_link_prints_a_working_link_while_empty(runner, client):
    result = runner.invoke(args=["setup-link"])

    path = re.search(r"http://localhost(/setup/\S+)", result.output).group(1)
    assert result.exit_code == 0
    assert client.get(path).status_code == 200


def test_setup_link_when_accounts_exist_prints_none(runner):
    make_user()

    result = runner.invoke(args=["setup-link"])

    assert "/setup/" not in result.output
    assert "Setup is done" in result.output


def test_demo_fills_an_empty_database_and_refuses_twice(runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    cohort = Cohort.get(Cohort.slug == "community-lab")
    assert Membership.active_learners(cohort).count() == 30
    assert "host@" in first.output
    assert second.exit_code == 1
    assert "only fills an empty one" in second.output


def test_jobs_run_due_sends_queued_mail(runner):
    from learnclub.domain.reach.outbox import enqueue_mail
    from tests.factories import T0
    enqueue_mail("test:1", to_addr="a@example.org", subject="你好", body="正文", now=T0)

    result = runner.invoke(args=["jobs", "run-due", "--now", "2026-11-22T20:00+08:00"])

    assert result.exit_code == 0, result.output
    assert "send_outbox: (1, 0)" in result.output
    assert OutboxMessage.get(OutboxMessage.key == "test:1").sent_at is not None


def test_jobs_run_due_rejects_a_bad_time(runner):
    result = runner.invoke(args=["jobs", "run-due", "--now", "next tuesday"])

    assert result.exit_code == 2
    assert "use an ISO time" in result.output


def test_grant_host_lets_an_account_create_cohorts(runner):
    user = make_user(email="future-host@example.org")

    ok = runner.invoke(args=["user", "grant-host", "Future-Host@example.org"])
    missing = runner.invoke(args=["user", "grant-host", "nobody@example.org"])

    assert ok.exit_code == 0
    assert User.get_by_id(user.id).can_host is True
    assert missing.exit_code == 1
