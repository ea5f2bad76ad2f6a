"""gunicorn configuration of a spro server (README, « Mise en production »): `gunicorn -c gunicorn.conf.py`.

Every value may be set from the environment. Defaults are for a 2-core machine: one process per core,
each with threads, since a request mostly waits on the database. Nothing is kept in process memory that
another process would need (sessions, rate limits and locks are in the database or the cache), so
several servers may stand behind a load balancer.
"""

import multiprocessing
import os

wsgi_app = "spro.wsgi:application"
bind = os.environ.get("SPRO_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("SPRO_THREADS", "4"))
# A worker that gives no sign of life for this long is frozen and replaced. (With threads, a slow request
# does not stop the worker's heartbeat: pages are built in milliseconds and full exports aside, from files.)
timeout = int(os.environ.get("SPRO_TIMEOUT", "30"))
graceful_timeout = 20
# Idle keep-alive connections are kept this long. Behind a load balancer that reuses its connections,
# make it longer than the balancer's own idle timeout, or it may send a request on a closing connection.
keepalive = int(os.environ.get("SPRO_KEEPALIVE", "5"))
# The application is loaded once, by the master, before the workers are forked: a worker started or
# renewed serves at once, instead of spending a second loading Django while its share of the
# connections waits (the load test's p99 of about 1 s was those renewals), and the workers share the
# start-up's memory, which spro.wsgi has moved out of the garbage collector's sight (gc.freeze).
# Loading opens no database connection and starts no thread (the connections are made per thread, on
# the first request). A code update therefore needs a restart of the master, not a HUP.
preload_app = True
# Workers are renewed after a number of requests, staggered, so that memory never creeps (it stays at
# about 110 MB per process under load: `rss_mb_max` of var/bench/load.json).
max_requests = int(os.environ.get("SPRO_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
# Request lines come from spro itself (logger spro.requests, with duration and request id, without
# personal data); gunicorn's access log would repeat them with the client's IP address.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn 27 opens a control socket (gunicornc) at one path per user, which two servers on a machine
# would take from each other: off, unless SPRO_CONTROL_SOCKET gives this server a path of its own.
if os.environ.get("SPRO_CONTROL_SOCKET"):
    control_socket = os.environ["SPRO_CONTROL_SOCKET"]
else:
    control_socket_disable = True
# Behind a reverse proxy that terminates TLS on the same machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
