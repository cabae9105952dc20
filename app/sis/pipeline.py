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
    iterator = iter(items)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sis")
    pending = {}
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * workers:
                item = next(iterator, _END)
                if item is _END:
                    exhausted = True
                else:
                    pending[pool.submit(_capture, func, item)] = item
            if not pending:
                return
            done = [future for future in pending if future.done()]
            if not done:
                if on_wait is not None:
                    on_wait()
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                result, error = future.result()
                yield item, result, error
    finally:
        # A hung call is not waited for: its thread ends with its own timeout.
        pool.shutdown(wait=False, cancel_futures=True)


_END = object()


def _capture(func, item):
    try:
        return func(item), None
    except Exception as exc:  # noqa: BLE001 - handed back to the caller, per item
        return None, exc
