"""gunicorn settings for production: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`
(deploy/dangjian.service starts it so). Each setting can be changed by an environment
variable of the same name in /etc/dangjian/env, without editing this file."""
import multiprocessing
import os

# nginx talks to gunicorn on the loopback only (deploy/nginx-site.conf, upstream dangjian).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads, because a request mostly waits for the database: 2 processes per core, 4 threads
# each. The app keeps no state in a process, so any number of them may serve (with Redis
# for the rate limits: RATELIMIT_STORAGE_URI).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A 5,000-row export or a batch of certificates takes seconds; nothing takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # `systemctl reload` and stop let running requests finish
keepalive = 5  # nginx keeps connections to the upstream open (keepalive 16)

# A worker is replaced after this many requests, so a slow leak cannot grow for weeks.
max_requests = 5000
max_requests_jitter = 500

# The app writes one line per request with its request id (app/ops/request_log.py);
# gunicorn's own access log would be a second, id-less line. Errors go to stderr: journald.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# gunicorn trusts X-Forwarded-Proto only from these addresses (nginx on this host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
