"""Gunicorn settings for ConPeRe (``gunicorn -c gunicorn.conf.py run:app``), see docs/deployment.md.

Every value can be overridden by an environment variable (GUNICORN_*) or on the command line.
A web node shares nothing but the PostgreSQL database (sessions, login counters, scheduler lock)
and, optionally, Redis (``RATELIMIT_STORAGE_URI=redis://…``): run as many nodes as needed behind
the reverse proxy, and exactly one ``flask --app run scheduler`` process in the whole installation.
"""
import gc
import multiprocessing
import os

from config import check_production, config_from_env


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # the reverse proxy talks to this address
# Processes: a page costs about 20 ms of the application's CPU (docs/benchmarks.md, « Load test »):
# on 2 cores shared with PostgreSQL and the load generator, about 30 pages a second whatever the
# split. With 2, 3 and 5 processes of 4 threads the CPU per request was the same (21–26 ms) and
# response times moved more between runs of one setting than between settings. 2 × cores + 1 keeps
# a process free while others hold long requests (extractions, the registration panel waiting for
# Apogée). Each process holds its own pool of database connections (SQLAlchemy's default, 5 + 10
# overflow): size PostgreSQL's max_connections for workers × nodes × 15.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
# Threads per process: a page waiting for Apogée (the registration panel) or the database does not
# hold the whole process.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A request still running after this many seconds is killed and logged. Long work (bulk PDFs,
# all-years extractions) streams or runs in the scheduler; 60 s leaves room for a slow page.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # finishing requests at a restart
keepalive = 5
# Workers are replaced after this many requests (with jitter): memory stays bounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The X-Forwarded-* headers are trusted by the application alone, TRUSTED_PROXIES hops deep
# (Werkzeug's ProxyFix): Gunicorn trusts none itself, so there is one setting to get right.
forwarded_allow_ips = ""
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def on_starting(server):
    """An unsafe production configuration stops the server with one line, before any worker."""
    settings = config_from_env()
    check_production({name: getattr(settings, name) for name in dir(settings) if name.isupper()})


def post_worker_init(worker):
    """The application is loaded: its objects (routes, templates, mappers, translations: about 270,000)
    live as long as the worker, so the garbage collector stops scanning them. Otherwise every
    full collection walks them all (tens of milliseconds, landing on whichever request is running)."""
    gc.freeze()
