"""What every simulator shares: an HTTP server that keeps connections open (foreground for the
commands, a daemon thread for tests and benchmarks), the commands' checks and serve loop, and fault
injection (``Behaviour``: latency, failures and hangs at a rate or for the next requests).

The server is the standard library's, one thread per connection as a hung call needs, with
HTTP/1.1 keep-alive: werkzeug's development server closes every connection after one answer, so
each call paid a new TCP connection and a new thread on both sides, several times the cost of the
answer itself. A client keeps its connections as it would to a real system behind a gateway.
"""
import io
import logging
import random
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from socketserver import TCPServer, ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import click

log = logging.getLogger(__name__)


class KeepAliveHandler(WSGIRequestHandler):
    """One connection: its requests one after another, each read whole (so the next one starts
    where it ends), its answer sent with its length in one write."""

    protocol_version = "HTTP/1.1"
    wbufsize = -1  # buffered: headers and body leave together (no Nagle delay between them)
    timeout = 300  # an idle connection is closed after this many seconds
    handle = BaseHTTPRequestHandler.handle  # the loop over the connection's requests (wsgiref answers one)

    def log_message(self, *args):
        pass

    def run_wsgi(self):
        if self.headers.get("Transfer-Encoding"):  # the simulators' clients send lengths
            self.send_error(411, "A Content-Length is required")
            return
        try:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return
        environ = self.get_environ()
        environ.update({"wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
                        "wsgi.url_scheme": "http", "wsgi.multithread": True, "wsgi.multiprocess": False,
                        "wsgi.run_once": False})
        try:
            status, headers, data = _call(self.server.get_app(), environ)
        except Exception:  # noqa: BLE001 - as any server: a 500, the traceback in the log
            log.exception("%s %s failed", self.command, self.path)
            status, headers, data = "500 Internal Server Error", [("Content-Type", "text/plain")], b"Internal error"
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = run_wsgi


def _call(app, environ):
    """(status, headers, body) of a WSGI application's answer, read whole."""
    answer, chunks = {}, []

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], b"".join(chunks)


class Server(ThreadingMixIn, WSGIServer):
    """A thread per connection; closing the server also closes the connections still open (a
    stopped simulator must stop answering, even on connections a client keeps)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address, app):
        super().__init__(address, KeepAliveHandler)
        self.app = app  # what is served: a test may wrap it (as werkzeug's server, ``server.app``)
        self.port = self.server_address[1]
        self._open = set()
        self._open_lock = threading.Lock()

    def get_app(self):
        return self.app

    def server_bind(self):
        # HTTPServer.server_bind asks the DNS for the host's full name (socket.getfqdn): not needed
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]
        self.setup_environ()

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self):
        super().server_close()
        with self._open_lock:
            still_open, self._open = list(self._open), set()
        for connection in still_open:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


def serve(app, host="127.0.0.1", port=0):
    """A threaded HTTP server (not started): ``server.serve_forever()``; ``server.port``."""
    return Server((host, port), app)


def start(app, host, port, path, name):
    """Serve in a daemon thread; returns the running server (``base_url`` = the root + ``path``,
    ``shutdown()``)."""
    server = serve(app, host, port)
    server.base_url = f"http://{host}:{server.port}{path}"
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    server.thread = thread
    return server


# --- the commands ------------------------------------------------------------------------------


def check_options(students, **rates):
    """One error line for a negative size or a rate (``--name-with-dashes``) outside 0…1."""
    if students < 0:
        raise click.ClickException("--students must be zero or more.")
    for name, rate in rates.items():
        if not 0 <= rate <= 1:
            raise click.ClickException(f"--{name.replace('_', '-')} must be between 0 and 1.")


def check_free(host, port):
    """One error line when the port is taken (werkzeug would print its own lines and exit)."""
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        probe.close()


def serve_until_interrupted(server, banner):
    """Say what is served, then serve in the foreground until Ctrl-C (or SIGTERM's default)."""
    click.echo(banner)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# --- fault injection ---------------------------------------------------------------------------


class Behaviour:
    """What goes wrong, and how slowly. Rates draw from a seeded generator (reproducible runs).

    Each simulator says what a failure drawn at ``failure_rate`` answers (``failure``), the status
    of its scripted HTTP failures (``http_status``) and adds its own per-student and per-operation
    tables (``tables()``, emptied by ``clear()``)."""

    failure = ("http", 503)
    http_status = 503

    def __init__(self, latency=0.0, failure_rate=0.0, timeout_rate=0.0, hang_seconds=30.0, seed=0):
        self.latency = latency
        self.failure_rate = failure_rate
        self.timeout_rate = timeout_rate  # share of calls that hang
        self.hang_seconds = hang_seconds
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._next = deque()  # scripted incidents for the next requests
        # student -> seconds every call about them waits, or an event (threading.Event) they wait
        # for, at most hang_seconds: a test then decides when the call ends
        self.student_hangs = {}
        # operation -> function editing the answer before it is sent, as another version would differ
        self.doctors = {}

    def tables(self):
        return [self.student_hangs, self.doctors]

    def fail_next(self, count, kind="http", value=None, operation=None):
        """The next ``count`` requests (for ``operation`` only, when given) fail: kind "http" (status
        ``value``, by default ``http_status``), "hang" (``value`` seconds, then the answer),
        "garbage" (an answer that cannot be read, as from a broken proxy), "raw" (``value`` as the
        body of a 200 answer), or the simulator's own kinds (Apogée: "fault", code ``value``)."""
        if value is None and kind == "http":
            value = self.http_status
        with self._lock:
            self._next.extend([(kind, value, operation)] * count)

    def clear(self):
        with self._lock:
            self._next.clear()
        for table in self.tables():
            table.clear()
        self.failure_rate = self.timeout_rate = self.latency = 0.0

    def incident(self, operation):
        """What goes wrong with this request: (kind, value) or None."""
        with self._lock:
            for index, (kind, value, only) in enumerate(self._next):
                if only in (None, operation):
                    del self._next[index]
                    return kind, value
            if self.timeout_rate and self._random.random() < self.timeout_rate:
                return ("hang", self.hang_seconds)
            if self.failure_rate and self._random.random() < self.failure_rate:
                return self.failure
        return None

    def wait_for(self, student):
        """A call about ``student`` waits as the test asked (seconds, or an event)."""
        hang = self.student_hangs.get(student)
        if hasattr(hang, "wait"):
            hang.wait(self.hang_seconds)
        elif hang:
            time.sleep(hang)


def rate_alias(name):
    """``fault_rate`` / ``error_rate``: each simulator's own name for ``failure_rate`` (its option)."""
    return property(lambda self: self.failure_rate, lambda self, value: setattr(self, "failure_rate", value),
                    doc=f"{name}: the share of calls that fail")


def injected(incident, answer):
    """The answer to an incident (``answer(kind, value)``), or None when there is none or it was a
    hang, which has now waited: the normal answer follows."""
    if not incident:
        return None
    kind, value = incident
    if kind == "hang":
        time.sleep(value)
        return None
    return answer(kind, value)
