"""How the client reaches Apogée: credentials, headers and endpoints per service, WSDL files shipped
under AMUE's names (APOGEE_WSDL_DIR) or read from ``<endpoint>?wsdl``; only from where it is told."""
import os

import pytest
import requests
from flask import Config
from zeep.exceptions import ExternalReferenceForbidden

from app.sis.apogee.client import ApogeeClient, GuardedTransport
from app.sis.apogee.settings import ApogeeSettings, wsdl_file_name
from app.sis.interface import SisBadAnswer, SisNotConfigured, SisUnavailable
from config import TestConfig
from simulators.apogee.wsdl import write_folder
from tests.sis.conftest import YEAR, make_sis

SERVICES = ("EtudiantMetier", "AdministratifMetier", "PedagogiqueMetier", "OffreFormationMetier",
            "ReferentielMetier", "InfosEtuMetier")


def test_http_basic_auth(sim):
    sim.user, sim.password = "ws-conpere", "s3cret"
    assert make_sis(sim, user="ws-conpere", password="s3cret").faculties()
    wrong = make_sis(sim, user="ws-conpere", password="wrong", retries=3)
    sleeps = []
    wrong.client._sleep = sleeps.append
    with pytest.raises(SisUnavailable) as caught:
        wrong.faculties()
    assert caught.value.code == "http-401" and "APOGEE_PASSWORD" in caught.value.message
    assert sleeps == []  # refused credentials are not retried


def test_extra_header_for_an_api_gateway(sim):
    sim.required_headers = {"X-Gravitee-Api-Key": "k-123"}
    with pytest.raises(SisUnavailable):
        make_sis(sim).faculties()
    assert make_sis(sim, extra_headers={"X-Gravitee-Api-Key": "k-123"}).faculties()


def test_one_key_per_service(sim):
    sim.service_headers = {"ReferentielMetier": {"X-Gravitee-Api-Key": "k-ref"},
                           "OffreFormationMetier": {"X-Gravitee-Api-Key": "k-off"}}
    sis = make_sis(sim, service_headers={"ReferentielMetier": {"X-Gravitee-Api-Key": "k-ref"},
                                         "OffreFormationMetier": {"X-Gravitee-Api-Key": "k-off"}})
    assert sis.faculties() and sis.programmes(YEAR, ["L"])
    crossed = make_sis(sim, service_headers={"ReferentielMetier": {"X-Gravitee-Api-Key": "k-off"}})
    with pytest.raises(SisUnavailable):
        crossed.faculties()


def configured(**values):
    """The application's configuration (config.py, its defaults) with these values."""
    config = Config(os.path.dirname(__file__))
    config.from_object(TestConfig)
    config.update(values)
    return config


def test_settings_from_the_configuration():
    config = configured(APOGEE_BASE_URL="https://apogee.univ.fr/wsapogee/services/",
                        APOGEE_SERVICE_URLS={"EtudiantMetier": "https://gw.univ.fr/etudiantMetier"},
                        APOGEE_EXTRA_HEADER="X-Trace: conpere",
                        APOGEE_SERVICE_HEADERS={"EtudiantMetier": "X-Gravitee-Api-Key: k-etu", "InfosEtuMetier": ""})
    settings = ApogeeSettings.from_config(config)
    assert settings.endpoint("EtudiantMetier") == "https://gw.univ.fr/etudiantMetier"
    assert settings.wsdl("EtudiantMetier") == "https://gw.univ.fr/etudiantMetier?wsdl"
    assert settings.endpoint("AdministratifMetier") == "https://apogee.univ.fr/wsapogee/services/AdministratifMetier"
    assert settings.headers("EtudiantMetier") == {"X-Trace": "conpere", "X-Gravitee-Api-Key": "k-etu"}
    assert settings.headers("InfosEtuMetier") == {"X-Trace": "conpere"}


def test_per_service_address_override(sim):
    dead = "http://127.0.0.1:9/wsapogee/services/"
    sis = make_sis(sim, base_url=dead, retries=0,
                   service_urls={"ReferentielMetier": sim.base_url + "ReferentielMetier"})
    assert sis.faculties()  # ReferentielMetier through its own address
    with pytest.raises(SisUnavailable):
        sis.programmes(YEAR, ["L"])  # OffreFormationMetier still at the dead base


def test_tls_verification_is_on_by_default():
    settings = ApogeeSettings.from_config(configured(APOGEE_BASE_URL="https://apogee.example/services/"))
    assert settings.verify is True
    assert ApogeeClient(settings)._session("EtudiantMetier").verify is True


def test_documents_are_loaded_only_from_the_apogee_hosts():
    transport = GuardedTransport({("http", "apogee.univ.fr")}, session=requests.Session())
    with pytest.raises(ExternalReferenceForbidden):
        transport.load("http://attacker.example/evil.xsd")
    with pytest.raises(ExternalReferenceForbidden):
        transport.load("/etc/passwd")


# --- WSDL files shipped with the application ---------------------------------------------------


def test_wsdl_files_under_amue_names_with_relative_imports(sim, tmp_path):
    sim.documents.clear()
    names = write_folder(str(tmp_path))  # soap:address: AMUE's default, localhost:8080
    assert {wsdl_file_name(s) for s in SERVICES} <= set(names)
    assert "ReferentielMetier_21062012_Impl.wsdl" in names and "InfosEtuMetier_01062007_Impl.wsdl" in names
    sis = make_sis(sim, wsdl_dir=str(tmp_path))
    programme = next(p for p in sis.programmes(YEAR, ["L"]) if sim.dataset.listed([p.key], YEAR))
    assert sis.faculties() and sis.students_of(programme, YEAR)
    number = sim.dataset.all_numbers()[0]
    assert sis.student(number, YEAR).identity.student_number == number
    assert not sim.documents  # no WSDL read from the endpoints


def test_a_missing_wsdl_file_says_which(sim, tmp_path):
    write_folder(str(tmp_path))
    os.remove(tmp_path / "OffreFormationMetier_Impl.wsdl")
    sis = make_sis(sim, wsdl_dir=str(tmp_path))
    assert sis.faculties()
    with pytest.raises(SisNotConfigured, match="OffreFormationMetier_Impl.wsdl"):
        sis.programmes(YEAR, ["L"])


def test_a_broken_wsdl_file_is_a_bad_answer(sim, tmp_path):
    write_folder(str(tmp_path))
    (tmp_path / "ReferentielMetier_21062012_Impl.wsdl").write_text("<definitions>cut in the mid")
    with pytest.raises(SisBadAnswer) as caught:
        make_sis(sim, wsdl_dir=str(tmp_path)).faculties()
    assert caught.value.kind == "bad-answer" and caught.value.code == "not-xml"


def test_an_import_outside_the_folder_is_refused(sim, tmp_path):
    folder = tmp_path / "wsdl"
    write_folder(str(folder))
    impl = folder / "ReferentielMetier_21062012_Impl.wsdl"
    impl.write_text(impl.read_text().replace('location="ReferentielMetier_21062012.wsdl"',
                                             'location="../elsewhere/ReferentielMetier_21062012.wsdl"'))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "ReferentielMetier_21062012.wsdl").write_bytes(
        (folder / "ReferentielMetier_21062012.wsdl").read_bytes())
    with pytest.raises(SisBadAnswer) as caught:
        make_sis(sim, wsdl_dir=str(folder)).faculties()
    assert caught.value.code == "forbidden-import"
