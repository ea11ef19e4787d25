"""gunicorn's settings for production: `gunicorn -c python:safercity.gunicorn safercity.wsgi`.
Every value can be changed from the environment (see README, Deploying)."""

import multiprocessing
import os

bind = os.environ.get("SAFERCITY_BIND", "127.0.0.1:8000")
# gunicorn's own rule of thumb; WEB_CONCURRENCY overrides it, as gunicorn documents.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("SAFERCITY_THREADS", "1"))
timeout = int(os.environ.get("SAFERCITY_TIMEOUT_S", "60"))
max_requests = 5000  # recycle workers now and then: no slow leak can build up
max_requests_jitter = 500
accesslog = os.environ.get("SAFERCITY_ACCESS_LOG", "-")
# No address, user agent or header of anyone on the public tip line (see core.accesslog).
logger_class = "safercity.core.accesslog.AnonymousPathsLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
