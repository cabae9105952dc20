"""The zeep client against the simulated Apogée over real HTTP: operations, faults, transport."""
import pytest
import requests
from zeep.exceptions import ExternalReferenceForbidden

from app.sis.interface import SisUnavailable
from app.sis.simulator.data import SimStudent
from app.sis.soap import SKIP, ApogeeFault, ApogeeSettings, GuardedTransport
from tests.sis.conftest import YEAR, make_sis


def first_student(sim, **wanted):
    """A generated student number matching a predicate on their registrations of YEAR."""
    for number in sim.dataset.all_numbers():
        student = sim.dataset.student(number)
        regs = student.registrations_of(YEAR)
        if wanted.get("secondary") and not any(not r.primary for r in regs):
            continue
        if wanted.get("licence") and not any(r.step_code.startswith("L1") or r.step_code.startswith("L2") for r in regs):
            continue
        return student
    raise AssertionError(f"no generated student with {wanted}")


# --- each operation ----------------------------------------------------------------------------


def test_faculties_come_from_the_referential_in_service_only(sim, sis):
    sim.dataset.faculties["LET"].children = ["ARC"]
    from app.sis.simulator.data import SimFaculty

    sim.dataset.faculties["ARC"] = SimFaculty("ARC", "Département d'archéologie")
    sim.dataset.faculties["OLD"] = SimFaculty("OLD", "Ancienne UFR", in_service=False)
    codes = {f.code for f in sis.faculties()}
    assert {"SCI", "LET", "ARC"} <= codes  # sub-faculties are walked
    assert "OLD" not in codes
    assert sim.calls["recupererComposante_v2"] == 1


def test_programmes_of_the_configured_diploma_types(sim, sis):
    licences = sis.programmes(YEAR, ["L"])
    assert licences and all(p.diploma_type == "L" for p in licences)
    l1math = next(p for p in licences if p.step_code == "L1MATH")
    assert (l1math.step_version, l1math.faculty_code, l1math.diploma_code, l1math.diploma_version) == (
        "101", "SCI", "LMATH", "101")
    both = sis.programmes(YEAR, ["L", "LP"])
    assert {p.diploma_type for p in both} == {"L", "LP"}
    assert sis.programmes(YEAR, ["ZZ"]) == []  # nullretrieve.recupererse: nothing, not an error


def test_students_of_a_programme(sim, sis):
    student = first_student(sim, licence=True)
    main = next(r for r in student.registrations_of(YEAR) if r.primary)
    programme = next(p for p in sis.programmes(YEAR, ["L"]) if p.key == main.key)
    listed = sis.students_of(programme, YEAR)
    assert student.number in {s.student_number for s in listed}
    expected = sorted(sim.dataset.listed([main.key], YEAR))
    assert sorted(s.student_number for s in listed) == expected


def test_a_student_identity_contact_and_registrations(sim, sis):
    student = first_student(sim, secondary=True)
    snapshot = sis.student(student.number, YEAR)
    assert snapshot.identity.last_name == student.last_name
    assert snapshot.identity.first_name == student.first_name
    assert snapshot.identity.birth_date == student.birth_date
    assert snapshot.identity.ine == student.ine
    assert snapshot.contact.email == student.directory_email  # the directory's address first
    assert snapshot.contact.directory_login == student.directory_login
    primaries = [r for r in snapshot.registrations if r.is_primary]
    seconds = [r for r in snapshot.registrations if not r.is_primary]
    assert len(primaries) == 1 and seconds
    expected = {(r.step_code, r.primary, r.state != "E") for r in student.registrations_of(YEAR)}
    assert {(r.programme.step_code, r.is_primary, r.is_cancelled) for r in snapshot.registrations} == expected


def test_registration_details_repeating_regime_oui_si_cancelled(sim, sis):
    student = sim.dataset.edit(sim.dataset.all_numbers()[0])
    reg = student.registrations_of(YEAR)[0]
    reg.enrolments, reg.regime_code, reg.regime_label = 2, "2", "Formation continue"
    reg.oui_si, reg.adjusted, reg.paid = ("OS1", "Oui si – méthodologie"), ("CAS", "Cursus aménagé sportif"), False
    reg.profile = ("SHN", "Sportif de haut niveau")
    record = next(r for r in sis.student(student.number, YEAR).registrations if r.programme.key == reg.key)
    assert record.enrolment_count == 2 and record.is_repeating
    assert (record.regime_code, record.regime_label) == ("2", "Formation continue")
    assert record.oui_si_category == "Oui si – méthodologie"
    assert record.adjusted_path == "Cursus aménagé sportif"
    assert record.profile_code == "SHN" and record.is_paid is False
    sim.dataset.cancel(student.number, reg.step_code, YEAR)
    record = next(r for r in sis.student(student.number, YEAR).registrations if r.programme.key == reg.key)
    assert record.is_cancelled


def test_unknown_student_and_student_without_address(sim, sis):
    unknown = sis.student("39999999", YEAR)
    assert unknown.identity is None and unknown.registrations == ()
    student = sim.dataset.edit(sim.dataset.all_numbers()[1])
    student.has_address = False
    snapshot = sis.student(student.number, YEAR)
    assert snapshot.identity is not None and snapshot.contact is None  # findIAA: no contact, go on


def test_health_data_is_served_but_never_read(sim, sis):
    number = sim.dataset.all_numbers()[0]
    sim.dataset.edit(number).handicap = "O"
    raw = sis.client.call("EtudiantMetier", "recupererInfosAdmEtu_v4", _codEtu=number)
    assert raw.handicap == "O"  # Apogée sends it…
    snapshot = sis.student(number, YEAR)
    assert "O" not in {getattr(snapshot.identity, f) for f in snapshot.identity.__dataclass_fields__}
    assert not any("handicap" in f for f in snapshot.identity.__dataclass_fields__)  # …we keep nothing of it


def test_pedagogical_registration_with_nested_courses_and_results(sim, sis):
    student = first_student(sim, licence=True)
    reg = next(r for r in student.registrations_of(YEAR) if r.primary)
    courses = sis.course_registrations(student.number, YEAR, reg.step_code, reg.version)
    by_code = {c.code: c for c in courses}
    assert {c.depth for c in courses} == {1, 2, 3}
    for course in courses:
        if course.depth > 1:
            assert by_code[course.parent_code].depth == course.depth - 1
    graded = [c for c in courses if c.results]
    assert graded and all(not r.final for c in graded for r in c.results)  # this year: provisional
    assert sis.course_registrations(student.number, YEAR, "L9NONE", "101") == []  # no IP: empty


def test_referentials_profiles_and_regimes(sim, sis):
    profiles = {p.code for p in sis.profiles()}
    assert "RO" in profiles and "XX" not in profiles  # "NE PLUS UTILISER" filtered out
    assert {r.code for r in sis.regimes()} == {"1", "2", "3"}


def test_the_other_operations(sim, sis):
    student = first_student(sim, licence=True)
    ids = sis.client.call("EtudiantMetier", "recupererIdentifiantsEtudiant_v2", _codEtu=student.number,
                          _codInd=SKIP, _numINE=SKIP, _numBoursier=SKIP, _codOPI=SKIP, _nom=SKIP, _prenom=SKIP,
                          _dateNaiss=SKIP, _temoinRecupAnnu="O")
    assert (str(ids.codEtu), ids.numeroINE, ids.loginAnnuaire) == (student.number, student.ine, student.directory_login)
    by_ine = sis.client.call("EtudiantMetier", "recupererIdentifiantsEtudiant_v2", _codEtu=SKIP, _codInd=SKIP,
                             _numINE=student.ine, _numBoursier=SKIP, _codOPI=SKIP, _nom=SKIP, _prenom=SKIP,
                             _dateNaiss=SKIP, _temoinRecupAnnu="N")
    assert str(by_ine.codEtu) == student.number and by_ine.loginAnnuaire is None
    years = sis.client.call("AdministratifMetier", "recupererAnneesIa", _codEtu=student.number, _etatInscriptionIA="E")
    assert years == sorted({str(r.year) for r in student.registrations})
    annual = sis.client.call("AdministratifMetier", "recupererIAAnnuelles_v2", _codEtu=student.number,
                             _annee=str(YEAR), _etatIAA="E")
    assert [a.anneeIAA for a in annual] == [str(YEAR)] and annual[0].regimeIns.codRgi
    results = sis.client.call("PedagogiqueMetier", "recupererContratPedagogiqueResultatVdiVet_v2",
                              _codEtu=student.number, _codAnu="toutes", _sourceRes="Apogee", _etatDelib="T",
                              _codSes="toutes", _typeRes="tous", _codEtaIae="E")
    assert {r.annee for r in results} == {str(r.year) for r in student.registrations if r.state == "E"}
    assert sis.client.call("PedagogiqueMetier", "recupererContratPedagogiqueResultatVdiVet_v2",
                           _codEtu=student.number, _codAnu="1990", _sourceRes="Apogee", _etatDelib="T",
                           _codSes="toutes", _typeRes="tous", _codEtaIae="E") is None  # nullretrieve.codAnu


# --- faults ------------------------------------------------------------------------------------

NO_DATA = [
    "technical.data.nullretrieve.etudiant",
    "technical.data.nullretrieve.findIAA",
    "technical.data.nullretrieve.findIAE",
    "technical.data.nullretrieve.codAnu",
    "technical.data.nullretrieve.DossierEtudiantIP",
    "technical.data.nullretrieve.recupererse",
    "technical.parameter.nullretrieve.listeEtudiants",
    "technical.data.nullretrieve.etudiant ",  # some codes carry a trailing space
]
ERRORS = [
    "technical.parameter.noncoherentinput.codEtu",
    "technical.parameter.noncoherentinput.invalidUser",
    "technical.security.invaliduser.user",
    "technical.data.transaction.connexion",
    "technical.parameter.nonpresentinput",
    "technical.data.remoteerror.unexpected",
    "technical.parameter.noncoherentinput.codePostal ",
]


@pytest.mark.parametrize("code", NO_DATA)
def test_no_data_faults_are_empty_answers(sim, sis, code):
    sim.behaviour.operation_faults["recupererIAEtapes_v3"] = code
    number = sim.dataset.all_numbers()[0]
    assert sis.student(number, YEAR).registrations == ()
    assert sis.client.call("AdministratifMetier", "recupererIAEtapes_v3", _codEtu=number, _annee=str(YEAR),
                           _etatIAA="E", _etatIAE="E") is None


@pytest.mark.parametrize("code", ERRORS)
def test_other_faults_are_one_typed_error_with_the_code_and_are_not_retried(sim, code):
    sis = make_sis(sim, retries=3)
    sis.faculties()  # WSDL loaded
    sim.behaviour.operation_faults["recupererIAEtapes_v3"] = code
    posts = sim.posts
    with pytest.raises(ApogeeFault) as caught:
        sis.student(sim.dataset.all_numbers()[0], YEAR)
    assert caught.value.code == code.strip()
    assert sim.posts - posts == 3  # identity, address, then the failing call: once


def test_malformed_student_number_is_a_fault_from_the_server(sim, sis):
    with pytest.raises(ApogeeFault) as caught:
        sis.student("12AB", YEAR)
    assert caught.value.code == "technical.parameter.noncoherentinput.codEtu"
    assert "incohérent" in caught.value.message


# --- transport ---------------------------------------------------------------------------------


def recorded_sleeps(sis):
    sleeps = []
    sis.client._sleep = sleeps.append
    return sleeps


@pytest.mark.parametrize("kind,value", [("http", 502), ("http", 503), ("garbage", None)])
def test_transport_errors_are_retried_with_backoff(sim, kind, value):
    sis = make_sis(sim, retries=2, backoff=0.25)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(2, kind, value)
    posts = sim.posts
    assert sis.regimes()
    assert sim.posts - posts == 3
    assert sleeps == [0.25, 0.5]


def test_transport_errors_beyond_the_retries_make_apogee_unavailable(sim):
    sis = make_sis(sim, retries=1, backoff=0.1)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(5, "http", 502)
    with pytest.raises(SisUnavailable) as caught:
        sis.regimes()
    assert caught.value.code == "http-502"
    assert sleeps == [0.1]


def test_read_timeout(sim):
    sis = make_sis(sim, retries=0, read_timeout=0.3)
    sis.faculties()
    sim.behaviour.fail_next(1, "hang", 1.5)
    with pytest.raises(SisUnavailable) as caught:
        sis.regimes()
    assert caught.value.code == "timeout"


def test_a_timeout_is_retried(sim):
    sis = make_sis(sim, retries=1, read_timeout=0.3)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(1, "hang", 1.5)
    assert sis.regimes()
    assert len(sleeps) == 1


def test_unreachable_address():
    sis = make_sis(type("S", (), {"base_url": "http://127.0.0.1:9/services/"}), retries=1, backoff=0.01)
    with pytest.raises(SisUnavailable) as caught:
        sis.faculties()
    assert caught.value.code == "transport"
    assert "127.0.0.1:9" in caught.value.message


def test_http_basic_auth(sim):
    sim.user, sim.password = "ws-conpere", "s3cret"
    assert make_sis(sim, user="ws-conpere", password="s3cret").regimes()
    wrong = make_sis(sim, user="ws-conpere", password="wrong", retries=3)
    sleeps = recorded_sleeps(wrong)
    with pytest.raises(SisUnavailable) as caught:
        wrong.regimes()
    assert caught.value.code == "http-401" and "APOGEE_PASSWORD" in caught.value.message
    assert sleeps == []  # refused credentials are not retried


def test_extra_header_for_an_api_gateway(sim):
    sim.required_headers = {"X-Gravitee-Api-Key": "k-123"}
    try:
        with pytest.raises(SisUnavailable):
            make_sis(sim).regimes()
        assert make_sis(sim, extra_headers={"X-Gravitee-Api-Key": "k-123"}).regimes()
    finally:
        sim.required_headers = {}


def test_per_service_address_override(sim):
    dead = "http://127.0.0.1:9/wsapogee/services/"
    sis = make_sis(sim, base_url=dead, retries=0,
                   service_urls={"ReferentielMetier": sim.base_url + "ReferentielMetier"})
    assert sis.regimes()  # ReferentielMetier through its own address
    with pytest.raises(SisUnavailable):
        sis.profiles()  # InfosEtuMetier still at the dead base


def test_tls_verification_is_on_by_default():
    settings = ApogeeSettings.from_config({"APOGEE_BASE_URL": "https://apogee.example/services/"})
    assert settings.verify is True
    from app.sis.soap import ApogeeClient

    assert ApogeeClient(settings).session.verify is True


def test_a_dtd_in_an_answer_is_refused(sim, sis):
    sis.faculties()
    sim.behaviour.fail_next(1, "raw", (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>'
    ))
    with pytest.raises(SisUnavailable) as caught:
        sis.regimes()
    assert caught.value.code == "xml-refused"


def test_documents_are_loaded_only_from_the_apogee_hosts():
    transport = GuardedTransport({("http", "apogee.univ.fr")}, session=requests.Session())
    with pytest.raises(ExternalReferenceForbidden):
        transport.load("http://attacker.example/evil.xsd")


# --- the thread pool ---------------------------------------------------------------------------


def wait_until_idle(sim, seconds=5):
    import time

    deadline = time.monotonic() + seconds
    while sim.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_pool_runs_calls_concurrently_within_its_bound(sim):
    sis = make_sis(sim, concurrency=3)
    sis.faculties()
    sim.behaviour.latency = 0.05
    numbers = sim.dataset.all_numbers()[:12]
    sim.behaviour.student_faults[numbers[4]] = "technical.data.transaction.connexion"
    wait_until_idle(sim)  # hung calls of earlier tests are still being answered
    sim.peak_in_flight = 0
    results = list(sis.map(lambda n: sis.student(n, YEAR), numbers))
    assert [item for item, _, _ in results] == numbers  # in order
    assert 2 <= sim.peak_in_flight <= 3
    failed = [item for item, _, error in results if error is not None]
    assert failed == [numbers[4]]  # one failure, the others answered
    assert all(result.identity for item, result, error in results if error is None)


def test_dataset_student_type_is_what_tests_edit():
    assert SimStudent.__dataclass_fields__["handicap"]
