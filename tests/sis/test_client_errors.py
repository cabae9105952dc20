"""Everything that goes wrong between the client and Apogée becomes one of the seam's errors, with a
kind, a code and the operation; transient failures are retried; another version of Apogée's
answers is still read (doctored answers of the simulator, over real HTTP)."""
import logging

import pytest
from lxml import etree

from app.sis.apogee.errors import ApogeeFault
from app.sis.interface import SisBadAnswer, SisUnavailable
from tests.sis.conftest import YEAR, make_sis

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
    "technical.parameter.nonpresentinput",
    "technical.data.remoteerror.unexpected",
    "technical.parameter.noncoherentinput.codePostal ",
]
OFFLINE = "technical.data.transaction.connexion"
IA_STEPS = "AdministratifMetier.recupererIAEtapes_v3"


def recorded_sleeps(sis):
    sleeps = []
    sis.client._sleep = sleeps.append
    return sleeps


# --- faults ------------------------------------------------------------------------------------


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
    error = caught.value
    assert (error.kind, error.code, error.operation, error.transient) == ("fault", code.strip(), IA_STEPS, False)
    assert sim.posts - posts == 3  # identity, address, then the failing call: once


def test_apogee_offline_is_retried_with_backoff(sim):
    sis = make_sis(sim, retries=2, backoff=0.25)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(2, "fault", OFFLINE, operation="recupererIAEtapes_v3")
    assert sis.student(sim.dataset.all_numbers()[0], YEAR).registrations  # the third attempt answered
    assert sleeps == [0.25, 0.5]
    sim.behaviour.operation_faults["recupererIAEtapes_v3"] = OFFLINE
    with pytest.raises(ApogeeFault) as caught:
        sis.student(sim.dataset.all_numbers()[0], YEAR)
    assert (caught.value.code, caught.value.transient) == (OFFLINE, True)


def test_malformed_student_number_is_a_fault_from_the_server(sim, sis):
    with pytest.raises(ApogeeFault) as caught:
        sis.student("12AB", YEAR)
    assert caught.value.code == "technical.parameter.noncoherentinput.codEtu"
    assert "incohérent" in caught.value.message


# --- transport ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,value", [("http", 502), ("http", 503), ("garbage", None)])
def test_transport_errors_are_retried_with_backoff(sim, kind, value):
    sis = make_sis(sim, retries=2, backoff=0.25)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(2, kind, value)
    posts = sim.posts
    offer = sis.programmes(YEAR, ["L"])
    assert offer and sim.posts - posts == 3  # two failures, then an answer
    assert sleeps == [0.25, 0.5]


def test_transport_errors_beyond_the_retries_make_apogee_unavailable(sim):
    sis = make_sis(sim, retries=1, backoff=0.1)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(5, "http", 502)
    with pytest.raises(SisUnavailable) as caught:
        sis.programmes(YEAR, ["L"])
    error = caught.value
    assert (error.kind, error.code, error.operation) == ("unavailable", "http-502", "OffreFormationMetier.recupererSE_v4")
    assert error.transient and sleeps == [0.1]


def test_read_timeout(sim):
    sis = make_sis(sim, retries=0, read_timeout=0.3)
    sis.faculties()
    sim.behaviour.fail_next(1, "hang", 1.5)
    with pytest.raises(SisUnavailable) as caught:
        sis.faculties()
    assert (caught.value.code, caught.value.operation) == ("timeout", "ReferentielMetier.recupererComposante_v2")


def test_a_timeout_is_retried(sim):
    sis = make_sis(sim, retries=1, read_timeout=0.3)
    sis.faculties()
    sleeps = recorded_sleeps(sis)
    sim.behaviour.fail_next(1, "hang", 1.5)
    assert sis.faculties()
    assert len(sleeps) == 1


def test_unreachable_address():
    sis = make_sis(type("S", (), {"base_url": "http://127.0.0.1:9/services/"}), retries=1, backoff=0.01)
    with pytest.raises(SisUnavailable) as caught:
        sis.faculties()
    assert caught.value.code == "transport"
    assert "127.0.0.1:9" in caught.value.message


# --- answers that cannot be read ---------------------------------------------------------------

ELP_EPR = "recupererContratPedagogiqueResultatElpEpr_v6"


def courses(sis, sim):
    number = sim.dataset.all_numbers()[0]
    registration = sim.dataset.student(number).registrations_of(YEAR)[0]
    return sis.course_registrations(number, YEAR, registration.step_code, registration.version)


@pytest.mark.parametrize("body,code", [
    (b"this is not XML", "not-xml"),
    (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
     b'<x:recupererAutreChose xmlns:x="urn:other"/></soapenv:Body></soapenv:Envelope>', "bad-answer"),
    (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/>'
     b'</soapenv:Envelope>', "bad-answer"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>',
     "xml-refused"),
])
def test_an_unreadable_answer_is_a_bad_answer_naming_the_operation(sim, sis, body, code):
    sis.faculties()
    sim.behaviour.fail_next(3, "raw", body, operation=ELP_EPR)
    with pytest.raises(SisBadAnswer) as caught:
        courses(sis, sim)
    error = caught.value
    assert (error.kind, error.code, error.operation) == ("bad-answer", code, f"PedagogiqueMetier.{ELP_EPR}")


# --- another version of Apogée ------------------------------------------------------------------


def doctor(operation, edit):
    """A doctor for the simulator: ``edit(element)`` on each ``<operation>Return`` of the answer."""
    def apply(envelope):
        for returned in envelope.iter(f"{operation}Return"):
            edit(returned)
    return apply


def add_at_end(element):
    etree.SubElement(element, "champAjouteEn670").text = "nouveau"


def remove(name):
    def edit(element):
        element.remove(element.find(name))
    return edit


def insert_after(name):
    def edit(element):
        found = element.find(name)
        extra = etree.Element("temoinAjoute")
        extra.text = "O"
        found.addnext(extra)
    return edit


@pytest.mark.parametrize("operation,edit", [
    ("recupererInfosAdmEtu_v4", add_at_end),  # an element added at the end of a structure
    ("recupererInfosAdmEtu_v4", remove("nomUsuel")),  # an optional one missing
    ("recupererInfosAdmEtu_v4", remove("anneePremiereInscEnsSup")),  # the first one missing
    ("recupererIAEtapes_v3", insert_after("etapePremiere")),  # one added in the middle
    ("recupererIAEtapes_v3", remove("inscriptionTeleEnseignement")),
])
def test_a_drift_of_the_answers_is_read_by_names_and_logged(sim, operation, edit, caplog):
    number = next(n for n in sim.dataset.all_numbers() if len(sim.dataset.student(n).registrations_of(YEAR)) > 1)
    expected = make_sis(sim).student(number, YEAR)
    sim.behaviour.doctors[operation] = doctor(operation, edit)
    sis = make_sis(sim)
    with caplog.at_level(logging.WARNING, logger="app.sis.apogee.client"):
        assert sis.student(number, YEAR) == expected
        assert sis.student(number, YEAR) == expected
    drifts = [r.getMessage() for r in caplog.records if "differs from its WSDL" in r.getMessage()]
    assert len(drifts) == 1 and operation in drifts[0]  # logged once, naming the operation


def test_the_strict_reading_is_what_notices_the_drift(sim, sis, caplog):
    number = sim.dataset.all_numbers()[0]
    with caplog.at_level(logging.WARNING, logger="app.sis.apogee.client"):
        sis.student(number, YEAR)
    assert not [r for r in caplog.records if "differs from its WSDL" in r.getMessage()]
