"""The simulator speaks Apogée's wire conventions (reference/apogee-ws.md §2, §3, §8)."""
import requests
from lxml import etree

from simulators.apogee import generate
from simulators.apogee.operations import OPERATIONS
from simulators.apogee.schema import SERVICE_NAMESPACES
from tests.sis.conftest import YEAR

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ADM = "gouv.education.apogee.commun.servicesmetiers.AdministratifMetier"


def get_xml(url, **kwargs):
    response = requests.get(url, timeout=5, **kwargs)
    assert response.status_code == 200
    return etree.fromstring(response.content)


def test_the_concrete_wsdl_names_and_namespaces(sim):
    for service, namespace in SERVICE_NAMESPACES.items():
        doc = get_xml(sim.base_url + service + "?wsdl")
        assert doc.get("targetNamespace") == namespace + "-impl"
        svc = doc.find(f"{{{WSDL}}}service")
        assert svc.get("name") == f"{service}ServiceInterfaceService"
        port = svc.find(f"{{{WSDL}}}port")
        assert port.get("name") == service and port.get("binding").endswith(f":{service}SoapBinding")
        assert port.find(f"{{{SOAP}}}address").get("location") == sim.base_url + service
        binding = doc.find(f"{{{WSDL}}}binding")
        assert binding.get("name") == f"{service}SoapBinding"
        assert binding.get("type").endswith(f":{service}ServiceInterface")
        soap_binding = binding.find(f"{{{SOAP}}}binding")
        assert (soap_binding.get("style"), soap_binding.get("transport")) == (
            "document", "http://schemas.xmlsoap.org/soap/http")
        for operation in binding.findall(f"{{{WSDL}}}operation"):
            assert operation.find(f"{{{SOAP}}}operation").get("soapAction") == ""
            assert operation.find(f"{{{WSDL}}}input/{{{SOAP}}}body").get("use") == "literal"
        assert doc.find(f"{{{WSDL}}}import").get("namespace") == namespace


def test_the_abstract_wsdl_parameters_and_response_elements(sim):
    for operation in OPERATIONS:
        doc = get_xml(sim.base_url + operation.service + "?wsdl=abstract")
        assert doc.get("targetNamespace") == operation.namespace
        schemas = doc.findall(f"{{{WSDL}}}types/{{{XSD}}}schema")
        assert all(s.get("elementFormDefault") == "unqualified" for s in schemas)
        main = next(s for s in schemas if s.get("targetNamespace") == operation.namespace)
        request = main.find(f"{{{XSD}}}element[@name='{operation.name}']")
        names = [e.get("name") for e in request.iter(f"{{{XSD}}}element")][1:]
        assert names == [param.name for param in operation.params]
        assert all(name.startswith("_") for name in names)
        response = main.find(f"{{{XSD}}}element[@name='{operation.response_element}']")
        returned = response.find(f".//{{{XSD}}}element")
        assert returned.get("name") == operation.return_name
        assert returned.get("maxOccurs") == ("unbounded" if operation.many else None)
        port_type = doc.find(f"{{{WSDL}}}portType")
        assert port_type.get("name") == f"{operation.service}ServiceInterface"
        op = port_type.find(f"{{{WSDL}}}operation[@name='{operation.name}']")
        assert op.find(f"{{{WSDL}}}fault").get("name") == "WebBaseException"


def test_irregular_names_are_reproduced():
    by_name = {op.name: op for op in OPERATIONS}
    assert by_name["recupererIAAnnuelles_v2"].response_element == "recupererIAAnnuellesResponse_v2"
    assert by_name["recupererIAAnnuelles_v2"].return_name == "recupererIAAnnuellesReturn_v2"
    assert by_name["recupererAdressesEtudiant_v2"].return_name == "recupererAdressesEtudiantReturn"
    assert by_name["recupererListeEtudiants"].return_name == "etudiant"


def soap(sim, service, body, **kwargs):
    envelope = f'<soapenv:Envelope xmlns:soapenv="{ENV}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'
    return requests.post(sim.base_url + service, data=envelope.encode(), timeout=5,
                         headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}, **kwargs)


def test_the_minimal_request_of_the_reference_answers_unqualified_children(sim):
    number = sim.dataset.all_numbers()[0]
    response = soap(sim, "AdministratifMetier", (
        f'<a:recupererIAEtapes_v3 xmlns:a="{ADM}"><_codEtu>{number}</_codEtu><_annee>{YEAR}</_annee>'
        "<_etatIAA>E</_etatIAA><_etatIAE>E</_etatIAE></a:recupererIAEtapes_v3>"
    ))
    assert response.status_code == 200
    body = etree.fromstring(response.content).find(f"{{{ENV}}}Body")
    wrapper = body[0]
    assert wrapper.tag == f"{{{ADM}}}recupererIAEtapes_v3Response"
    returns = wrapper.findall("recupererIAEtapes_v3Return")
    assert returns and all(child.tag == etree.QName(child).localname for r in returns for child in r.iter())


def test_omitted_and_empty_parameters_are_alike(sim):
    number = sim.dataset.all_numbers()[0]
    omitted = soap(sim, "AdministratifMetier", f'<a:recupererIAEtapes_v3 xmlns:a="{ADM}"><_codEtu>{number}</_codEtu>'
                                               f"<_annee>{YEAR}</_annee></a:recupererIAEtapes_v3>")
    empty = soap(sim, "AdministratifMetier", f'<a:recupererIAEtapes_v3 xmlns:a="{ADM}"><_codEtu>{number}</_codEtu>'
                                             f"<_annee>{YEAR}</_annee><_etatIAA></_etatIAA><_etatIAE/></a:recupererIAEtapes_v3>")
    assert omitted.content == empty.content


def test_no_data_is_a_soap_fault_with_the_exact_code(sim):
    response = soap(sim, "AdministratifMetier", f'<a:recupererIAEtapes_v3 xmlns:a="{ADM}"><_codEtu>39999999</_codEtu>'
                                                f"<_annee>{YEAR}</_annee></a:recupererIAEtapes_v3>")
    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(f"{{{ENV}}}Body/{{{ENV}}}Fault")
    assert fault.findtext("faultstring") == "technical.data.nullretrieve.findIAE"
    detail = fault.find(f"detail/{{{ADM}}}fault")
    assert detail.findtext("lastErrorMsg")


def test_a_dtd_in_a_request_is_refused(sim):
    body = f'<a:recupererAnneesIa xmlns:a="{ADM}"><_codEtu>&x;</_codEtu></a:recupererAnneesIa>'
    envelope = (f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
                f'<soapenv:Envelope xmlns:soapenv="{ENV}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>')
    response = requests.post(sim.base_url + "AdministratifMetier", data=envelope.encode(), timeout=5)
    assert response.status_code == 400
    assert b"hostname" not in response.content.split(b"faultstring")[0]


def test_basic_auth_when_configured(sim):
    sim.user, sim.password = "ws", "pw"
    assert requests.get(sim.base_url + "EtudiantMetier?wsdl", timeout=5).status_code == 401
    assert requests.get(sim.base_url + "EtudiantMetier?wsdl", auth=("ws", "pw"), timeout=5).status_code == 200


def test_the_generator_is_deterministic_and_covers_the_cases():
    first, again = generate(400, seed=3, year=YEAR), generate(400, seed=3, year=YEAR)
    numbers = first.all_numbers()
    assert [first.student(n) for n in numbers[:50]] == [again.student(n) for n in numbers[:50]]
    assert generate(400, seed=4, year=YEAR).student(numbers[0]) != first.student(numbers[0])
    students = [first.student(n) for n in numbers]
    regs = [r for s in students for r in s.registrations_of(YEAR)]
    assert any(len([r for r in s.registrations_of(YEAR) if r.primary]) == 1
               and any(not r.primary for r in s.registrations_of(YEAR)) for s in students)  # première + seconde
    assert any(r.enrolments > 1 for r in regs)  # repeaters
    assert any(r.state == "A" for r in regs)  # cancelled IA
    assert any(r.profile and r.profile[0] == "RO" and not r.primary for r in regs)  # reorientation
    assert any(not r.paid for r in regs)  # unpaid
    assert any(r.oui_si for r in regs) and any(r.adjusted for r in regs)
    assert any(not s.has_address for s in students)  # findIAA on addresses
    assert any(s.registrations_of(YEAR - 1) for s in students)  # history
    assert {p.diploma_type for p in first.programmes.values()} >= {"L", "LP", "M", "DU"}
