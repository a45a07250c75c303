"""Gunicorn settings for the reference app: sync workers, one request at a time per worker.

    DATABASE_URL=postgresql://... gunicorn -c reference/flask/gunicorn.conf.py app:app

GUNICORN_WORKERS (default 2) and GUNICORN_BIND (default 127.0.0.1:8000) set the workers and the
address; -w and -b on the command line win over both. Works from any directory: this file's
directory is put on the Python path, so `app:app` is reference/flask/app.py.
"""

import os

worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
pythonpath = os.path.dirname(os.path.abspath(__file__))

# No access log: one line per request would cost what is being measured.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
