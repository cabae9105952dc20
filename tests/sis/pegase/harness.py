"""Both simulated systems behind one face, so that one suite runs against each: the same generated
(or demo) university, the same ways of breaking, each system's own errors and limits."""
import time

from app.sis.apogee import ApogeeSystem
from app.sis.apogee.settings import ApogeeSettings
from app.sis.pegase import PegaseSystem
from app.sis.pegase.settings import PegaseSettings
from seeds.catalogue import academic_year
from simulators.apogee import Behaviour, Simulator, demo_dataset, generate
from simulators.pegase import Behaviour as PegaseBehaviour
from simulators.pegase import PegaseSimulator

YEAR = academic_year()
SIZE = 40
KINDS = ("apogee", "pegase")


class ApogeeHarness:
    kind, name = "apogee", "Apogée"
    transient_code = "technical.data.transaction.connexion"  # Apogée offline
    gives_oui_si = True  # the « oui si » category and the adjusted path
    gives_directory_login = True

    def __init__(self, dataset):
        self.sim = Simulator(dataset)
        self.server = self.sim.start()

    @property
    def dataset(self):
        return self.sim.dataset

    def reset(self, dataset):
        sim = self.sim
        _drain(sim)
        sim.dataset, sim.behaviour = dataset, Behaviour()
        sim.user = sim.password = None
        sim.required_headers, sim.service_headers = {}, {}
        sim.calls.clear()
        sim.peak_in_flight = 0

    def fail_student(self, number):
        self.sim.behaviour.student_faults[number] = self.transient_code

    def clear_failures(self):
        self.sim.behaviour.student_faults.clear()
        self.sim.behaviour.operation_faults.clear()

    def fail_every_student(self):
        self.sim.behaviour.operation_faults["recupererInfosAdmEtu_v4"] = self.transient_code

    def misbehave(self, fault_rate, timeout_rate, hang_seconds):
        behaviour = self.sim.behaviour
        behaviour.fault_rate, behaviour.timeout_rate, behaviour.hang_seconds = fault_rate, timeout_rate, hang_seconds

    def system(self, **overrides):
        settings = dict(base_url=self.server.base_url, retries=1, backoff=0.01, concurrency=4, read_timeout=30.0)
        settings.update(overrides)
        return ApogeeSystem(ApogeeSettings(**settings))

    def app_config(self):
        return {"SIS_BACKEND": "apogee", "APOGEE_BASE_URL": self.server.base_url}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class PegaseHarness(ApogeeHarness):
    kind, name = "pegase", "Pégase"
    transient_code = "http-503"
    gives_oui_si = False
    gives_directory_login = False
    VERSION = "101"  # programmes keyed as the demo database's (a university that kept its codes)

    def __init__(self, dataset):
        # Extras (arrangements…) are drawn for generated students; the demo's have none unless given.
        self.sim = PegaseSimulator(dataset, draw_extras=dataset.materialised_count() == 0)
        self.server = self.sim.start()

    def reset(self, dataset):
        sim = self.sim
        _drain(sim)
        sim.dataset, sim.behaviour = dataset, PegaseBehaviour()
        sim.extras.clear()
        sim.draw_extras = dataset.materialised_count() == 0
        sim.calls.clear()
        sim.token_seconds, sim.tickets = 3600, 0
        sim.peak_in_flight = 0

    def fail_student(self, number):
        self.sim.behaviour.student_errors[number] = 503

    def clear_failures(self):
        self.sim.behaviour.student_errors.clear()
        self.sim.behaviour.operation_errors.clear()

    def fail_every_student(self):
        self.sim.behaviour.operation_errors["lireInscriptions"] = 503

    def misbehave(self, fault_rate, timeout_rate, hang_seconds):
        behaviour = self.sim.behaviour
        behaviour.error_rate, behaviour.timeout_rate, behaviour.hang_seconds = fault_rate, timeout_rate, hang_seconds

    def system(self, **overrides):
        settings = dict(base_url=self.server.base_url, user=self.sim.user, password=self.sim.password, retries=1,
                        backoff=0.01, concurrency=4, read_timeout=30.0, programme_version=self.VERSION)
        settings.update(overrides)
        return PegaseSystem(PegaseSettings(**settings))

    def app_config(self):
        return {"SIS_BACKEND": "pegase", "PEGASE_BASE_URL": self.server.base_url, "PEGASE_USER": self.sim.user,
                "PEGASE_PASSWORD": self.sim.password, "PEGASE_PROGRAMME_VERSION": self.VERSION}


def _drain(sim, seconds=30.0):
    """Wait for the requests a previous test left hanging (its client gave up on them), so that
    they do not count in the next test's peak of requests in flight."""
    deadline = time.monotonic() + seconds
    while sim.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)


HARNESSES = {"apogee": ApogeeHarness, "pegase": PegaseHarness}


def start(kind):
    return HARNESSES[kind](generate(SIZE, seed=7, year=YEAR))


def generated():
    return generate(SIZE, seed=7, year=YEAR)


def demo():
    return demo_dataset(YEAR)
