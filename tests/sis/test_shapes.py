"""The simulator answers as Apogée does: its WSDL declares the element trees of AMUE's own WSDL
(kept in ``data/apogee-schema.md``), its real answers follow them element by element, and zeep reads
them in strict mode."""
import pytest
import zeep
from lxml import etree

from app.sis.apogee.settings import binding_name
from simulators.apogee.operations import OPERATIONS_BY_KEY
from simulators.apogee.schema import SERVICE_NAMESPACES
from tests.sis.conftest import YEAR
from tests.sis.reference import SAME, conformance_errors, read_reference, zeep_tree

REFERENCE = read_reference()
ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def test_the_reference_holds_the_nine_operations_conpere_calls():
    assert sorted(REFERENCE) == sorted([
        "recupererComposante_v2", "recupererSE_v4", "recupererListeEtudiants", "recupererInfosAdmEtu_v4",
        "recupererAdressesEtudiant_v2", "recupererIAEtapes_v3", "recupererContratPedagogiqueResultatElpEpr_v6",
        "recupererProfilEtudiantWS", "recupererRegimeInscription",
    ])
    composante = REFERENCE["recupererComposante_v2"].response[0]
    assert composante[:5] == ("recupererComposante_v2Return", "ComposanteDTO3", 1, "n", False)
    assert composante[5][-1][5][0][5] == (SAME, "ComposanteDTO3")


@pytest.fixture(scope="module")
def clients(simulator):
    """A zeep client of each service, from the simulator's own WSDL (strict, as the application's)."""
    settings = zeep.Settings(strict=True, raw_response=True)
    found = {}
    for service in SERVICE_NAMESPACES:
        client = zeep.Client(simulator.base_url + service + "?wsdl", settings=settings)
        found[service] = (client, client.create_service(binding_name(service), simulator.base_url + service))
    return found


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_wsdl_declares_the_reference_trees(clients, name):
    reference = REFERENCE[name]
    operation = OPERATIONS_BY_KEY[(reference.service, name)]
    client, _ = clients[reference.service]
    namespace = SERVICE_NAMESPACES[reference.service]
    assert zeep_tree(client, namespace, name) == reference.request
    assert zeep_tree(client, namespace, operation.response_element) == reference.response


def test_a_difference_from_the_reference_is_noticed(clients):
    client, _ = clients["EtudiantMetier"]
    tree = zeep_tree(client, SERVICE_NAMESPACES["EtudiantMetier"], "recupererListeEtudiantsResponse")
    reordered = ((tree[0][:5] + (tree[0][5][::-1],)),)
    assert tree == REFERENCE["recupererListeEtudiants"].response != reordered


def calls(sim):
    """One request per operation of the reference, as the application makes them, on data that fills
    every list the answers may hold."""
    number = next(n for n in sim.dataset.all_numbers() if len(sim.dataset.student(n).registrations_of(YEAR)) > 1)
    registration = sim.dataset.student(number).registrations_of(YEAR)[0]
    skip = zeep.xsd.SkipValue
    return {
        "recupererComposante_v2": dict(_codCmp=skip, _sens=skip),
        "recupererSE_v4": dict(_seCritere={"codAnu": str(YEAR), "codDip": "tous", "codVrsVdi": "tous", "codEtp": "tous",
                                           "codVrsVet": "tous", "codElp": "tous", "codTypDip": "L"}),
        "recupererListeEtudiants": dict(_parametres={"annee": str(YEAR), "listEtapes": {"item": [
            {"code": registration.step_code, "listVersion": [registration.version]}]}}),
        "recupererInfosAdmEtu_v4": dict(_codEtu=number),
        "recupererAdressesEtudiant_v2": dict(_codEtu=number, _annee=str(YEAR), _recupAnnuaire="O"),
        "recupererIAEtapes_v3": dict(_codEtu=number, _annee=str(YEAR), _etatIAA="ARE", _etatIAE="ARE"),
        "recupererContratPedagogiqueResultatElpEpr_v6": dict(
            _codEtu=number, _codAnu=str(YEAR), _codEtp=registration.step_code, _codVrsVet=registration.version,
            _sourceRes="Apogee", _etatDelib="AET", _codSes="toutes", _typeRes="tous", _codEtaIae="E"),
        "recupererProfilEtudiantWS": dict(_codPru=skip, _temoinEnService="O", _temoinAD=skip),
        "recupererRegimeInscription": dict(_codRegIns=skip, _temoinEnService="O"),
    }


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_real_answers_follow_the_reference_and_zeep_reads_them_strictly(sim, clients, name):
    sim.dataset.faculties["LET"].children = ["SCI"]  # a sub-faculty: a list inside the structure
    reference = REFERENCE[name]
    client, proxy = clients[reference.service]
    response = getattr(proxy, name)(**calls(sim)[name])
    assert response.status_code == 200, response.content[:300]
    body = etree.fromstring(response.content).find(f"{{{ENV}}}Body")
    wrapper = body[0]
    assert etree.QName(wrapper).localname == OPERATIONS_BY_KEY[(reference.service, name)].response_element
    assert conformance_errors(wrapper, reference.response) == []
    binding = proxy._binding
    parsed = binding.process_reply(client, binding.get(name), response)  # strict: raises on any difference
    assert parsed


def test_nils_and_types_as_apogee_sends_them(sim, clients):
    client, proxy = clients["OffreFormationMetier"]
    response = proxy.recupererSE_v4(_seCritere=calls(sim)["recupererSE_v4"]["_seCritere"])
    answer = etree.fromstring(response.content)
    first = answer.find(f"{{{ENV}}}Body")[0][0]
    assert first.find("typeDiplome/codTypDip").text == "L"  # a structure, not a string
    assert first.find("listGroupeDiplome").get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    version = first.find("listVersionDiplome/item")
    assert version.find("codVrsVdi").text == "101" and version.find("credits").text == "180"


def test_an_answer_of_another_shape_does_not_conform(sim, clients):
    def drop_usual_name(envelope):
        for returned in envelope.iter("recupererInfosAdmEtu_v4Return"):
            returned.remove(returned.find("nomUsuel"))

    sim.behaviour.doctors["recupererInfosAdmEtu_v4"] = drop_usual_name
    _, proxy = clients["EtudiantMetier"]
    response = proxy.recupererInfosAdmEtu_v4(**calls(sim)["recupererInfosAdmEtu_v4"])
    wrapper = etree.fromstring(response.content).find(f"{{{ENV}}}Body")[0]
    errors = conformance_errors(wrapper, REFERENCE["recupererInfosAdmEtu_v4"].response)
    assert errors and "nomUsuel: 0 found, [1..1] expected" in errors[0]
