"""GET /healthz: is the app up and can it reach its database?"""
from flask import jsonify
from peewee import PeeweeException

from learnclub import schema
from learnclub.db import connection, db


def init_app(app):
    @app.get("/healthz")
    def healthz():
        try:
            with connection():
                db.execute_sql("SELECT 1")
                behind = len(schema.pending())
        except (PeeweeException, OSError) as exc:
            return jsonify({"status": "error", "database": "unreachable",
                            "detail": type(exc).__name__}), 503
        if behind:
            return jsonify({"status": "error", "database": "ok",
                            "pending_migrations": behind}), 503
        return jsonify({"status": "ok", "database": "ok", "pending_migrations": 0})

    healthz.opens_own_connection = True  # so a dead database gives 503 here, not an error page
