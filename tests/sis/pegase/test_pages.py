"""ConPeRe configured with ``SIS=pegase``, against the simulated Pégase serving the demo university:
the contract page's panel names Pégase, shows what only Pégase gives and says what it cannot; a new
contract has the needs of the student's special arrangements ticked « issu de Pégase », through the
catalogue's mapping of codes."""
import pytest
from sqlalchemy import select

from app.catalog.models import Accommodation
from app.contracts import workflow
from app.contracts.models import INITIAL, Contract
from app.extensions import db
from app.people.models import Registration, Student
from app.sis.models import OK
from app.sis.panel import clear_cache
from app.sis.sync import SyncOptions, run_sync
from simulators.pegase import PegaseExtras
from tests.sis.pegase.harness import YEAR, PegaseHarness, demo

APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}  # the English texts are read; French is tests/test_i18n.py's


def demo_number(index):
    return f"2{YEAR % 100:02d}{index + 1:05d}"


@pytest.fixture(scope="module")
def pegase():
    system = PegaseHarness(demo())
    yield system
    system.stop()


@pytest.fixture
def configured(app, pegase):
    """The app set to SIS=pegase, pointed at the simulator (pages, the sync), then set back."""
    pegase.reset(demo())
    values = dict(pegase.app_config(), PEGASE_RETRIES=0, PEGASE_PAGE_TIMEOUT=30.0, PEGASE_READ_TIMEOUT=30.0)
    saved = {name: app.config.get(name) for name in values}
    app.config.update(values)
    clear_cache()
    yield pegase
    app.config.update(saved)
    clear_cache()


def sync(app):
    with app.app_context():
        run = run_sync(SyncOptions(trigger="test"))
        db.session.remove()
    assert run.status == OK, run.summary
    return run


def contract_id(app, number):
    with app.app_context():
        found = db.session.scalar(select(Contract.id).join(Student).where(
            Student.student_number == number, Contract.year == YEAR, Contract.kind == INITIAL))
        db.session.remove()
    return found


def panel(page):
    start = page.find('id="s-sis-record"')
    assert start > 0, "no panel on the page"
    return page[start:page.find("</section>", start)]


def test_the_panel_names_pegase_and_says_what_it_cannot_give(app, login, configured):
    number = demo_number(0)
    configured.sim.extras[number] = PegaseExtras(arrangements=("RSE07",), parallel_course="CUP002", gap_year="ANNEE")
    sync(app)
    page = login("detu").get(f"/contracts/show/{contract_id(app, number)}").get_data(as_text=True)
    shown = panel(page)
    assert "Pedagogical registrations and results (Pégase)" in shown
    assert "L1MATHS1U11" in shown  # a course of the pedagogical choices, under its UE
    assert "Special arrangements" in shown and "High-level athlete" in shown and "RSE07" in shown
    assert "Parallel course" in shown and "CUP002" in shown
    assert "Gap year (césure)" in shown and "the whole year" in shown
    assert "Pégase gives neither the « oui si » category nor the adjusted path" in shown
    assert configured.sim.calls["lireCursusApprenant"] >= 1


def test_the_panel_shows_the_documents_approved_when_registering(app, login, configured):
    number = demo_number(0)  # the demo's `student`
    configured.sim.extras[number] = PegaseExtras(agreements=(
        ("CHARTE-EXAMENS", True), ("DROIT-IMAGE", False), ("REGLEMENT-INTERIEUR", None)))
    sync(app)
    shown = panel(login("detu").get(f"/contracts/show/{contract_id(app, number)}").get_data(as_text=True))
    primary = " ".join(shown[:shown.index("secondary registration")].split())  # the reorientation's is second
    assert "Documents approved when registering" in primary
    assert (f"Charte des examens <code>CHARTE-EXAMENS</code> — <strong>accepted</strong> on August 23, {YEAR} "
            "<small class=\"text-muted\">(required to register)</small>") in primary
    assert f"<code>DROIT-IMAGE</code> — <strong>refused</strong> on August 22, {YEAR}" in primary
    assert "<code>REGLEMENT-INTERIEUR</code> — not answered" in primary
    assert "<p>Je m'engage à respecter la charte des examens.</p>" in primary  # its text, as rich text
    # The student sees what Pégase showed them, not the documents it kept from them.
    own = panel(login("student").get("/my/contract", follow_redirects=True).get_data(as_text=True))
    assert "Charte des examens" in own and "Droit à l&#39;image" in own and "Règlement intérieur" not in own


def test_when_pegase_is_down_the_page_works_and_says_why(app, login, configured):
    configured.sim.behaviour.fail_next(50, "http", 503, operation="lireCursusApprenant")
    response = login("detu").get(f"/contracts/show/{contract_id(app, demo_number(3))}")
    assert response.status_code == 200
    shown = panel(response.get_data(as_text=True))
    assert "unavailable at the moment" in shown and "Pégase cannot be reached or did not answer in time." in shown


def test_arrangements_tick_the_matching_needs_of_a_new_contract(app, login, configured):
    with app.app_context():
        student = db.session.scalars(
            select(Student).join(Registration).where(Registration.year == YEAR, Registration.is_primary.is_(True),
                                                     ~select(Contract.id).where(Contract.student_id == Student.id,
                                                                                Contract.year == YEAR).exists())
            .order_by(Student.student_number)).first()
        assert student is not None, "the demo has no student without a contract"
        number = student.student_number
        # The referent maps a local code of Pégase to the « student with family » need.
        family = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE02"))
        family.sis_codes = "RSE02, FAM-LOCAL"
        db.session.commit()
        db.session.remove()
    configured.sim.extras[number] = PegaseExtras(arrangements=("RSE04", "FAM-LOCAL", "RSE99"))
    sync(app)
    with app.test_request_context():
        student = db.session.scalar(select(Student).where(Student.student_number == number))
        contract = workflow.start_contract(student, YEAR, INITIAL, actor=None)
        ticked = {item.accommodation.code: item.sis_source for item in contract.accommodations}
        pk = contract.id
        db.session.remove()
    # RSE04 by its own code, FAM-LOCAL through the mapping; RSE99 matches no need and ticks nothing.
    assert ticked == {"RSE04": "Pégase", "RSE02": "Pégase"}
    page = login("referent").get(f"/contracts/show/{pk}").get_data(as_text=True)
    assert page.count("from Pégase") == 2
