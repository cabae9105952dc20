"""A small thread-safe cache with expiry, for answers fetched while rendering pages."""
import threading
import time
from collections import OrderedDict

MISSING = object()


class TTLCache:
    def __init__(self, maxsize=2000, clock=time.monotonic):
        self.maxsize = maxsize
        self._clock = clock
        self._data = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return MISSING
            expires, value = entry
            if expires < self._clock():
                del self._data[key]
                return MISSING
            self._data.move_to_end(key)
            return value

    def set(self, key, value, ttl):
        with self._lock:
            self._data[key] = (self._clock() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()
