"""Calls to the student information system, several at a time, handed back as each one ends.

The system answers in tens of milliseconds, or hangs until its timeout: in completion order, a
hung call holds one worker and delays only its own item, while the others go on.
"""
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait


def unordered_map(func, items, workers, on_wait=None):
    """``(item, result, error)`` for each item as its call ends, with at most ``workers`` calls at
    once; an exception raised by ``func`` is handed back, not raised, so one failure does not stop
    the others.

    Only ``2 × workers`` calls are queued ahead, so huge inputs cost little memory and a consumer
    that stops early leaves little work behind. ``on_wait()`` is called before waiting for calls
    that have not ended yet (the caller may do useful work meanwhile, e.g. commit).
    """
    workers = max(1, int(workers))
    queue = _Queue(func, iter(items), ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sis"), 2 * workers)
    try:
        while queue.fill():
            done = queue.done()
            if not done:
                if on_wait is not None:
                    on_wait()
                done, _ = wait(queue.pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = queue.pending.pop(future)
                result, error = future.result()
                yield item, result, error
    finally:
        # A hung call is not waited for: its thread ends with its own timeout.
        queue.pool.shutdown(wait=False, cancel_futures=True)


class _Queue:
    """The calls submitted and not yet handed back, kept at ``size``."""

    def __init__(self, func, iterator, pool, size):
        self.func, self.iterator, self.pool, self.size = func, iterator, pool, size
        self.pending = {}  # future -> item
        self.exhausted = False

    def fill(self):
        """Submit calls up to the size; False when nothing is left to hand back."""
        while not self.exhausted and len(self.pending) < self.size:
            item = next(self.iterator, _END)
            if item is _END:
                self.exhausted = True
            else:
                self.pending[self.pool.submit(_capture, self.func, item)] = item
        return bool(self.pending)

    def done(self):
        return [future for future in self.pending if future.done()]


_END = object()


def _capture(func, item):
    try:
        return func(item), None
    except Exception as exc:  # noqa: BLE001 - handed back to the caller, per item
        return None, exc
