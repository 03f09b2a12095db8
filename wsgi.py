"""Production entry point: `gunicorn wsgi:app`."""
from learnclub import create_app

app = create_app()
