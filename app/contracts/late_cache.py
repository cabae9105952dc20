"""Answers a page may show up to a minute late: the staff list's search choices and default year.

Each web process keeps them for ``TTL`` seconds, per user and roles, so a list page does not ask the
database for its form's choices each time (a statement costing about what a light page's rows cost).
Nothing here decides access: the rows always come through ``app.policy`` at each request, so a
stale choice never shows a contract. Staleness is bounded two ways:

- in the process that writes what they derive from (programmes, faculties, needs, assignments,
  contracts, registrations), every cache is dropped at the flush or bulk statement (``drop_on_change``);
- in the other processes (gunicorn workers, other web nodes), by the time to live: a programme
  assigned to a DETU shows in their programme filter within ``TTL`` seconds.
"""
import threading
import time
import weakref

from sqlalchemy import event
from sqlalchemy.orm import Session

TTL = 60.0
MAX_ENTRIES = 5000  # users × role sets at once: past it, the oldest half goes
_LIVE = weakref.WeakSet()  # every cache of the process, for drop_on_change


class LateCache:
    def __init__(self, ttl=TTL, max_entries=MAX_ENTRIES, clock=time.monotonic):
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._entries = {}  # key -> (expires at, value)
        self._lock = threading.Lock()
        _LIVE.add(self)

    def get(self, key, compute):
        """The value kept for ``key``, or ``compute()``'s, kept for ``ttl`` seconds."""
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                oldest = sorted(self._entries.items(), key=lambda item: item[1][0])[: self.max_entries // 2]
                for stale, _ in oldest:
                    self._entries.pop(stale, None)
            self._entries[key] = (now + self.ttl, value)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()


def drop_on_change(models):
    """Clear every cache of the process whenever a flush writes a row of one of ``models``."""
    models = tuple(models)

    @event.listens_for(Session, "after_flush")
    def _flushed(session, _context):
        if any(isinstance(row, models) for rows in (session.new, session.dirty, session.deleted) for row in rows):
            _clear_all()

    @event.listens_for(Session, "do_orm_execute")
    def _bulk(state):  # update(Model)… and delete(Model)… run through the session but skip the flush
        if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None \
                and issubclass(state.bind_mapper.class_, models):
            _clear_all()


def _clear_all():
    for cache in list(_LIVE):
        cache.clear()


def of_app(app, name):
    """The application's cache called ``name`` (each application, each test's one included, has its own)."""
    caches = app.extensions.setdefault("late_caches", {})
    if name not in caches:
        caches[name] = LateCache()
    return caches[name]
