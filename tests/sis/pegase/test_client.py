"""ConPeRe's Pégase client against the simulated Pégase over real HTTP: the service account's JWT,
what is retried and what is not, every failure as the seam's own error."""
import pytest

from app.sis.interface import SisBadAnswer, SisFault, SisNotConfigured, SisUnavailable
from app.sis.pegase import PegaseSystem
from app.sis.pegase.settings import PegaseSettings
from simulators.pegase import Behaviour
from tests.sis.pegase.harness import YEAR, PegaseHarness, generated

NUMBER = "30000003"


@pytest.fixture(scope="module")
def pegase():
    system = PegaseHarness(generated())
    yield system
    system.stop()


@pytest.fixture
def sim(pegase):
    pegase.reset(generated())
    return pegase


def test_one_token_serves_every_call_until_it_nears_its_expiry(sim):
    sis = sim.system()
    now = [1_000_000_000.0]
    sis.client.tokens.clock = lambda: now[0]
    sim.sim.token_seconds = 3600
    for _ in range(3):
        sis.student(NUMBER, YEAR)
    assert sim.sim.tickets == 1
    # The token's own "exp" says when: the clock above is far in the past, so it is valid an hour
    # from the real now; renewed once within the margin before it.
    first = sis.client.tokens.token()
    now[0] = sis.client.tokens._expires - sis.settings.token_margin - 1
    assert sis.client.tokens.token() == first and sim.sim.tickets == 1
    now[0] += 2
    assert sis.client.tokens.token() != first and sim.sim.tickets == 2


def test_a_token_the_api_refuses_is_replaced_and_the_call_made_again(sim):
    sis = sim.system()
    sis.student(NUMBER, YEAR)
    sim.sim.key = b"another signing key: every token issued so far is refused (403)"
    snapshot = sis.student(NUMBER, YEAR)
    assert snapshot.identity is not None and sim.sim.tickets == 2


def test_wrong_credentials_say_which_settings_to_check(sim):
    sis = sim.system(password="wrong")
    with pytest.raises(SisUnavailable) as raised:
        sis.student(NUMBER, YEAR)
    assert raised.value.code == "http-401" and "PEGASE_PASSWORD" in raised.value.message
    assert not raised.value.transient


def test_server_errors_are_not_retried_transport_errors_are(sim):
    sis = sim.system(retries=2, read_timeout=0.5)
    sim.sim.behaviour.fail_next(1, "http", 503, operation="lireInscriptions")
    with pytest.raises(SisUnavailable) as raised:
        sis.student(NUMBER, YEAR)
    assert (raised.value.code, raised.value.transient, raised.value.operation) == ("http-503", True, "lireInscriptions")
    sim.sim.behaviour.fail_next(1, "hang", 2.0, operation="lireInscriptions")
    assert sis.student(NUMBER, YEAR).identity is not None  # timed out once, asked again


def test_timeouts_without_retries_are_unavailable(sim):
    sis = sim.system(retries=0, read_timeout=0.3)
    sim.sim.behaviour.fail_next(1, "hang", 1.0)
    with pytest.raises(SisUnavailable) as raised:
        sis.student(NUMBER, YEAR)
    assert (raised.value.code, raised.value.transient) == ("timeout", True)


def test_unreadable_and_refused_answers(sim):
    sis = sim.system()
    sim.sim.behaviour.fail_next(1, "garbage", operation="lireInscriptions")
    with pytest.raises(SisBadAnswer) as raised:
        sis.student(NUMBER, YEAR)
    assert raised.value.code == "not-json"
    sim.sim.behaviour.fail_next(1, "raw", {"resultats": "not a list"}, operation="listerFluxInscriptionsPagine")
    with pytest.raises(SisBadAnswer):
        sis.programmes(YEAR, ["L"])
    sim.sim.behaviour.fail_next(1, "http", 400, operation="lireCursusApprenant")
    with pytest.raises(SisFault) as raised:
        sis.course_registrations(NUMBER, YEAR, "L1MATH", "101")
    assert raised.value.code == "http-400"


def test_unknown_learner_is_no_data_not_an_error(sim):
    snapshot = sim.system().student("39999999", YEAR)
    assert snapshot.identity is None and snapshot.registrations == ()


def test_nothing_listening_and_nothing_configured():
    closed = PegaseSystem(PegaseSettings(base_url="http://127.0.0.1:9", user="u", password="p", retries=0))
    with pytest.raises(SisUnavailable) as raised:
        closed.student(NUMBER, YEAR)
    assert (raised.value.code, raised.value.transient) == ("transport", True)
    with pytest.raises(SisNotConfigured) as raised:
        PegaseSystem(PegaseSettings()).student(NUMBER, YEAR)
    assert "PEGASE_BASE_URL" in raised.value.message


def test_the_flux_is_read_page_by_page_at_most_concurrency_at_once(sim):
    sim.sim.behaviour = Behaviour(latency=0.05)
    sis = sim.system(page_size=3, concurrency=2)
    offer = sis.programmes(YEAR, ["L", "LP", "M", "DU"])
    listed = {s.student_number for p in offer for s in sis.students_of(p, YEAR)}
    assert sim.sim.calls["listerFluxInscriptionsPagine"] > 5  # many pages…
    assert 1 < sim.sim.peak_in_flight <= 2  # …never more than the concurrency at once
    assert listed == registered_this_year(sim.dataset)


def registered_this_year(dataset):
    """The students with a valid registration of the year, as the generator made them."""
    def valid(r):
        return r.year == YEAR and r.state == "E" and r.annual_state == "E"

    return {n for n in dataset.all_numbers() if any(valid(r) for r in dataset.student(n).registrations)}


def test_what_pegase_alone_says_of_a_registration(sim):
    from simulators.pegase import PegaseExtras

    sim.sim.extras[NUMBER] = PegaseExtras(arrangements=("RSE07", "RSE01"), parallel_course="CUP002",
                                          gap_year="SEMESTRE")
    primary = next(r for r in sim.system().student(NUMBER, YEAR).registrations if r.is_primary)
    assert (primary.arrangements, primary.parallel_course, primary.gap_year) == (("RSE01", "RSE07"), "CUP002",
                                                                               "SEMESTRE")
    sim.sim.extras[NUMBER] = PegaseExtras()  # no césure: SANS
    primary = next(r for r in sim.system().student(NUMBER, YEAR).registrations if r.is_primary)
    assert (primary.arrangements, primary.parallel_course, primary.gap_year) == ((), None, None)
    assert (primary.oui_si_category, primary.adjusted_path) == (None, None)


def test_the_documents_approved_when_registering(sim):
    from simulators.pegase import PegaseExtras

    sim.sim.extras[NUMBER] = PegaseExtras(agreements=(("CHARTE-EXAMENS", True), ("DROIT-IMAGE", False),
                                                      ("REGLEMENT-INTERIEUR", None)))
    sis = sim.system()
    primary = next(r for r in sis.student(NUMBER, YEAR).registrations if r.is_primary)
    found = sis.agreements(NUMBER, YEAR)
    mine = [a for a in found if a.step_code == primary.programme.step_code]
    # In Pégase's display order, with the student's answer and its date.
    assert [(a.code, a.accepted, a.answered_on and a.answered_on.year) for a in mine] == [
        ("CHARTE-EXAMENS", True, YEAR), ("DROIT-IMAGE", False, YEAR), ("REGLEMENT-INTERIEUR", None, None)]
    charter, image, rules = mine
    assert charter.label == "Charte des examens" and charter.blocking and "charte des examens" in charter.text
    assert not image.blocking and image.visible_to_student
    assert not rules.visible_to_student
    # Every registration of the year has its own (a secondary one: the charter); none of another year.
    assert {a.step_code for a in found} == {r.programme.step_code for r in sis.student(NUMBER, YEAR).registrations}
    assert sis.agreements(NUMBER, YEAR - 5) == [] and sis.agreements("39999999", YEAR) == []
