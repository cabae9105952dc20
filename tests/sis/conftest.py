"""A simulated Apogée on a free loopback port, served over real HTTP from a thread."""
from contextlib import contextmanager

import pytest

from app.sis.apogee import ApogeeSystem
from simulators.apogee import Behaviour, Simulator, demo_dataset, generate
from app.sis.apogee.settings import ApogeeSettings
from seeds.catalogue import academic_year

YEAR = academic_year()
SIZE = 40


@contextmanager
def served(dataset):
    """A simulator of this dataset, answering over HTTP on a free loopback port within the block."""
    sim = Simulator(dataset)
    server = sim.start()
    sim.base_url = server.base_url
    try:
        yield sim
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def simulator():
    with served(generate(SIZE, seed=7, year=YEAR)) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The module's simulator with fresh data and nothing going wrong."""
    simulator.dataset = generate(SIZE, seed=7, year=YEAR)
    simulator.behaviour = Behaviour()
    simulator.user = simulator.password = None
    simulator.required_headers, simulator.service_headers = {}, {}
    simulator.calls.clear()
    simulator.documents.clear()
    simulator.peak_in_flight = 0
    return simulator


@pytest.fixture
def demo_sim(sim):
    sim.dataset = demo_dataset(YEAR)
    return sim


def make_sis(sim, **overrides):
    settings = dict(base_url=sim.base_url, retries=1, backoff=0.01, concurrency=4, read_timeout=30.0)
    settings.update(overrides)
    return ApogeeSystem(ApogeeSettings(**settings))


def scheduler_turn(app):
    """What the scheduler process does every minute (the real process is tested in test_processes)."""
    from app.jobs.registry import registered_jobs
    from app.jobs.scheduler import run_job

    job = next(j for j in registered_jobs() if j.id == "apogee-sync-requests")
    assert run_job(app, job)


@pytest.fixture
def sis(sim):
    system = make_sis(sim)
    yield system
    system.close()


@pytest.fixture
def point_app_at(app):
    """Point the app's configuration at a simulator for the test (CLI, pages, background runs)."""
    saved = {}

    def point(simulator, **config):
        values = {"APOGEE_BASE_URL": simulator.base_url if simulator else "", "APOGEE_RETRIES": 0,
                  "APOGEE_BACKOFF": 0.01, "APOGEE_CONCURRENCY": 4, "APOGEE_READ_TIMEOUT": 30.0,
                  "APOGEE_PAGE_TIMEOUT": 30.0}
        values.update(config)
        for name, value in values.items():
            saved.setdefault(name, app.config.get(name))
            app.config[name] = value
        from app.sis.panel import clear_cache

        clear_cache()

    yield point
    app.config.update(saved)
