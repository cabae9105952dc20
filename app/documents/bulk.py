"""Many contracts' PDFs as one ZIP: rendered in parallel processes, streamed as the ZIP is built.

The HTML of each contract is rendered here (it needs the database and the templates); WeasyPrint,
the expensive part, runs in a pool of processes — one per core — started from a clean fork server
(never a fork of a web worker with open connections). At most two documents per process wait at a
time, so memory stays flat and the first bytes leave before the last PDF is rendered.
"""
import logging
import multiprocessing
import os
import sys
import time
import types
import zipfile
from collections import deque
from contextlib import contextmanager

from app.documents.pdf_engine import render_entry

log = logging.getLogger(__name__)
_fork_server = None
PDF_TIMEOUT = 300  # seconds for one PDF: a stuck renderer ends the download instead of hanging it


def worker_count(configured=0):
    if configured and configured > 0:
        return configured
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


def _context():
    global _fork_server
    if _fork_server is None:
        methods = multiprocessing.get_all_start_methods()
        _fork_server = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            _fork_server.set_forkserver_preload(["app.documents.pdf_engine"])
    return _fork_server


@contextmanager
def _bare_main():
    """New processes re-run the main *script* (``python run.py`` would build a whole app in each):
    while the pool starts, they see an empty main module; they only need ``pdf_engine``."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield  # run as ``python -m …`` or interactively: nothing is re-run
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def rendered(entries, workers):
    """(name, pdf) for each (name, html) of ``entries``, in order; in parallel when workers > 1."""
    if workers <= 1:
        for entry in entries:
            yield render_entry(entry)
        return
    with _bare_main():
        pool = _context().Pool(processes=workers)
    pending = deque()
    finished = False
    try:
        for entry in entries:
            pending.append(pool.apply_async(render_entry, (entry,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get(timeout=PDF_TIMEOUT)
        while pending:
            yield pending.popleft().get(timeout=PDF_TIMEOUT)
        finished = True
    finally:
        if finished:
            pool.close()
        else:  # a download abandoned half-way stops what is left instead of rendering it for no one
            pool.terminate()
        pool.join()


class _Sink:
    """A write-only file: the ZIP is written into it, and its bytes are handed out as they come."""

    def __init__(self):
        self._chunks = []

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(entries, workers=1, total=None, label="bulk PDFs"):
    """Yield the bytes of a ZIP holding one PDF per (name, html) entry."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED)
    stamp = time.localtime()[:6]
    started, done = time.monotonic(), 0
    for name, pdf in rendered(entries, workers):
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.external_attr = 0o644 << 16
        archive.writestr(info, pdf)
        done += 1
        if total and total >= 50 and done % max(total // 10, 1) == 0:
            log.info("%s: %s/%s PDFs in %.1fs", label, done, total, time.monotonic() - started)
        yield sink.take()
    archive.close()
    yield sink.take()
