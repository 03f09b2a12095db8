"""GET /healthz: is the app up, can it reach its database, and is the scheduler alive?

The scheduler part says who holds the scheduler lease and when each job last ran (no error
texts: this page is public; the admin page shows them). The answer is 503 once a scheduler
has run on this database and nobody has renewed its lease for 5 minutes (leader.SILENT_AFTER):
the scheduler died and no standby took over, or was stopped. A database no scheduler ever
ran on is healthy (a fresh install, a web box whose scheduler is not started yet); the dev
server (`learnclub serve`) runs its embedded scheduler under the same lease, so it reports a
live heartbeat too.
"""
from flask import jsonify
from peewee import PeeweeException

from learnclub import clock, leader, schema
from learnclub.db import connection, db


def init_app(app):
    @app.get("/healthz")
    def healthz():
        try:
            with connection():
                db.execute_sql("SELECT 1")
                behind = len(schema.pending())
                silent, scheduler = (False, None) if behind else leader.health(now=clock.now())
        except (PeeweeException, OSError) as exc:
            return jsonify({"status": "error", "database": "unreachable",
                            "detail": type(exc).__name__}), 503
        if behind:
            return jsonify({"status": "error", "database": "ok",
                            "pending_migrations": behind}), 503
        body = {"status": "error" if silent else "ok", "database": "ok",
                "pending_migrations": 0, "scheduler": scheduler}
        return jsonify(body), 503 if silent else 200

    healthz.opens_own_connection = True  # so a dead database gives 503 here, not an error page
