"""gunicorn settings for learnclub: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every number can be changed without editing this file: gunicorn's own WEB_CONCURRENCY sets
the workers, GUNICORN_THREADS the threads per worker, and GUNICORN_CMD_ARGS (e.g.
"--bind 0.0.0.0:8000", as the Dockerfile sets) overrides anything here. docs/deploy.md says
how to size them (workers × threads per host, PostgreSQL connections, SQLite's one writer).
"""
import os

#: loopback: nginx (deploy/nginx.conf) on the same box is the only one that talks to gunicorn
bind = ["127.0.0.1:8000"]

#: processes; the scheduler never runs in them (`learnclub scheduler` is its own process)
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
#: threads per worker: requests mostly wait for the database, so a few threads each help
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

#: a request still running after this many seconds has its worker killed and replaced; the
#: heaviest page (the tracking heatmap, docs/benchmarks.md) takes well under a second
timeout = 60
#: on SIGTERM / SIGHUP, requests in flight get this long to finish
graceful_timeout = 30
#: nginx keeps connections to the upstream open this long between requests
keepalive = 5
#: a worker is replaced after this many requests (plus jitter, so not all at once)
max_requests = 5000
max_requests_jitter = 500

#: one access-log line per request on stdout (systemd's journal, `docker logs`), with the
#: request id learnclub logs under (docs: README "Logs") and the time taken in milliseconds
accesslog = "-"
access_log_format = ('%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s '
                     '"%(a)s"')
#: gunicorn's own messages (worker boots, timeouts) on stderr, beside the app's log lines
errorlog = "-"
loglevel = "info"
#: the X-Forwarded-* headers are read by the app itself (LEARNCLUB_TRUST_PROXY=1)
forwarded_allow_ips = "127.0.0.1,::1"
