"""Reads kept for the rest of a request: the parts of one page (the form, the policy's checks, the
privacy notice, the navbar) ask for the same settings, campaign, help texts, assignments and
counters, each a statement of its own otherwise."""
from flask import g, has_request_context
from sqlalchemy import inspect


def once_per_request(key, read):
    """``read()`` once per request and ``key``. Outside a request (jobs, commands) every call reads.
    A row is kept only while the request's session holds it: a streamed download closes the session
    between its parts."""
    if not has_request_context():
        return read()
    reads = g.setdefault("_request_reads", {})
    if key not in reads or _detached(reads[key]):
        reads[key] = read()
    return reads[key]


def _detached(value):
    state = inspect(value, raiseerr=False)
    return state is not None and state.detached
