"""`learnclub scheduler`, the one production process for timed work, really runs the jobs."""
import os
import subprocess
import sys
import time
from pathlib import Path

from learnclub.db import connection
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.models import OutboxMessage
from tests.test_concurrency import smtp  # noqa: F401 - the real SMTP server fixture

LEARNCLUB = Path(sys.executable).with_name("learnclub")


def test_scheduler_process_sends_queued_mail_then_stops_cleanly(app, database_url, smtp,  # noqa: F811
                                                                tmp_path, clock):
    # The scheduler is a process of its own on the real clock (nothing can move a running
    # server's clock), so the mail is queued at the real present, as a web page would.
    clock.release()
    enqueue_mail("scheduler:test", to_addr="learner@example.org", subject="提醒",
                 body="作业明天截止", now=clock.now())
    env = dict(os.environ, LEARNCLUB_DATABASE_URL=database_url, LEARNCLUB_MAIL_URL=smtp.url,
               LEARNCLUB_INSTANCE_DIR=str(tmp_path), LEARNCLUB_CONTENT_DIR=str(tmp_path / "c"))
    process = subprocess.Popen([str(LEARNCLUB), "scheduler"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not smtp.recipients:
            time.sleep(0.2)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)

    assert smtp.recipients == ["learner@example.org"]
    with connection():
        assert OutboxMessage.get(OutboxMessage.key == "scheduler:test").sent_at is not None
    assert (process.returncode, out.splitlines()) == (
        0, ["Scheduler running; Ctrl-C stops it.", "Scheduler stopped."]), err
