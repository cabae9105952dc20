"""The simulators' HTTP: a threaded werkzeug server for their commands (foreground), or one started
in a daemon thread for tests and benchmarks."""
import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as an application server behind a gateway

    def log_request(self, *args, **kwargs):
        pass


def serve(app, host="127.0.0.1", port=0):
    """A threaded HTTP server (not started): ``server.serve_forever()``; ``server.port``."""
    return make_server(host, port, app, threaded=True, request_handler=QuietHandler)


def start(app, host, port, path, name):
    """Serve in a daemon thread; returns the running server (``base_url`` = the root + ``path``,
    ``shutdown()``)."""
    server = serve(app, host, port)
    server.base_url = f"http://{host}:{server.port}{path}"
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    server.thread = thread
    return server
