"""Calls to Apogée several at a time, handed back as each one ends (real HTTP to the simulator)."""
from app.sis.pipeline import unordered_map
from tests.sis.conftest import YEAR, make_sis


def wait_until_idle(sim, seconds=5):
    import time

    deadline = time.monotonic() + seconds
    while sim.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)


def test_calls_run_concurrently_within_the_bound_and_one_failure_stops_nothing(sim):
    sis = make_sis(sim, concurrency=3)
    sis.faculties()
    sim.behaviour.latency = 0.05
    numbers = sim.dataset.all_numbers()[:12]
    sim.behaviour.student_faults[numbers[4]] = "technical.data.invaliduser.user"
    wait_until_idle(sim)  # hung calls of earlier tests are still being answered
    sim.peak_in_flight = 0
    results = list(unordered_map(lambda n: sis.student(n, YEAR), numbers, sis.concurrency))
    assert sorted(item for item, _, _ in results) == numbers  # each one, once
    assert 2 <= sim.peak_in_flight <= 3
    failed = [item for item, _, error in results if error is not None]
    assert failed == [numbers[4]]  # one failure, the others answered
    assert all(result.identity for item, result, error in results if error is None)


def test_a_hung_call_delays_only_its_own_item(sim):
    import threading

    sis = make_sis(sim, concurrency=2, read_timeout=60.0)
    sis.faculties()
    numbers = sim.dataset.all_numbers()[:10]
    # The call about numbers[1] hangs until every other item has been handed back: an ordered
    # pipeline would wait for it after numbers[0] and only get it when the hang gives up.
    released = threading.Event()
    sim.behaviour.student_hangs[numbers[1]] = released
    order = []
    try:
        for item, _, error in unordered_map(lambda n: sis.student(n, YEAR), numbers, 2):
            order.append(item)
            if len(order) == len(numbers) - 1:
                released.set()
    finally:
        released.set()
    assert order[-1] == numbers[1]  # the others went on past it
    assert sorted(order) == numbers


def test_waiting_gives_the_caller_a_turn():
    import threading

    gate = threading.Event()
    turns = []

    def on_wait():
        turns.append(1)
        gate.set()

    results = list(unordered_map(lambda n: gate.wait(5) and n, range(3), 2, on_wait=on_wait))
    assert turns and sorted(item for item, _, _ in results) == [0, 1, 2]
