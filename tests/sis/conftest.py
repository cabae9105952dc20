"""A simulated Apogée on a free loopback port, served over real HTTP from a thread."""
import pytest

from app.sis.apogee import ApogeeSystem
from simulators.apogee import Behaviour, Simulator, demo_dataset, generate
from app.sis.apogee.settings import ApogeeSettings
from seeds.catalogue import academic_year

YEAR = academic_year()
SIZE = 40


@pytest.fixture(scope="module")
def simulator():
    sim = Simulator(generate(SIZE, seed=7, year=YEAR))
    server = sim.start()
    sim.base_url = server.base_url
    yield sim
    server.shutdown()
    server.server_close()


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
