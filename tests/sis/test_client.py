"""The zeep client against the simulated Apogée over real HTTP: each operation and its mapping."""
from app.sis.apogee.client import SKIP
from simulators.apogee.data import SimFaculty
from tests.sis.conftest import YEAR


def first_student(sim, **wanted):
    """A generated student matching a predicate on their registrations of YEAR."""
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
    assert raw.handicap.codeHandicap == "O"  # Apogée sends it…
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
    profiles = sis.client.call("InfosEtuMetier", "recupererProfilEtudiantWS", _codPru=SKIP, _temoinEnService="O",
                               _temoinAD=SKIP)
    assert {p.code for p in profiles} >= {"RO", "XX"}
    regimes = sis.client.call("ReferentielMetier", "recupererRegimeInscription", _codRegIns=SKIP,
                              _temoinEnService="O")
    assert {r.codRegIns for r in regimes} == {"1", "2", "3"}


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
