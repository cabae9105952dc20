"""The shapes of the Apogée web services the simulator serves, written for this project.

Facts from ``reference/apogee-ws.md`` (names, namespaces, parameter order, wrapper and return
element names, field order): no AMUE file was copied. Only the DTO fields the application uses
are declared, in their schema order, plus ``handicap`` so tests can prove it is never imported.
The WSDL documents (``wsdl.py``) and the responses (``server.py``) are both built from this one
description, so they cannot disagree.
"""
from dataclasses import dataclass, field

SERVICE_NS_ROOT = "gouv.education.apogee.commun.servicesmetiers."
EXCEPTION_NS = "exception.transverse.commun.apogee.education.gouv"

SERVICE_NAMESPACES = {
    "EtudiantMetier": SERVICE_NS_ROOT + "EtudiantMetier",
    "AdministratifMetier": SERVICE_NS_ROOT + "AdministratifMetier",
    "PedagogiqueMetier": SERVICE_NS_ROOT + "PedagogiqueMetier",
    "OffreFormationMetier": SERVICE_NS_ROOT + "OffreFormationMetier",
    "ReferentielMetier": SERVICE_NS_ROOT + "ReferentielMetier_21062012",
    "InfosEtuMetier": SERVICE_NS_ROOT + "InfosEtuMetier_01062007",
}
SERVICES = tuple(SERVICE_NAMESPACES)
SIMPLE = {"string", "int", "dateTime", "decimal"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"  # a SIMPLE type or the name of a complex type
    many: bool = False  # plain repeated element (maxOccurs="unbounded")


@dataclass
class ComplexType:
    name: str
    namespace: str
    fields: list = field(default_factory=list)


TYPES = {}


def dto(name, domain, *fields):
    TYPES[name] = ComplexType(name, f"{name}.{domain}.dto.transverse.commun.apogee.education.gouv", list(fields))


def tableau(name, domain, item_type, item_name="item"):
    """A list wrapper type: ``<listeX><item>…</item><item>…</item></listeX>``."""
    dto(name, domain, Field(item_name, item_type, many=True))


def f(name, type="string", many=False):
    return Field(name, type, many)


# --- DTOs, grouped by service ------------------------------------------------------------------

# Faults.
TYPES["TableauString"] = ComplexType("TableauString", EXCEPTION_NS, [f("item", many=True)])
TYPES["WebBaseException"] = ComplexType(
    "WebBaseException",
    EXCEPTION_NS,
    [f("domaine"), f("element"), f("messages", "TableauString"), f("nature"), f("type"), f("lastErrorMsg")],
)

# EtudiantMetier.
dto("IdentifiantsEtudiantDTO2", "etudiant", f("codEtu", "int"), f("codInd", "int"), f("emailAnnuaire"),
    f("loginAnnuaire"), f("numBoursier"), f("numeroINE"))
dto("InfoAdmEtuDTO4", "etudiant", f("anneePremiereInscUniv"), f("dateNaissance", "dateTime"), f("handicap"),
    f("nomPatronymique"), f("nomUsuel"), f("numEtu", "int"), f("numeroINE"), f("prenom1"), f("prenomEtatCivil"))
dto("CoordonneesDTO2", "etudiant", f("email"), f("emailAnnuaire"), f("loginAnnuaire"), f("annee"))
dto("EtudiantCritereListeDTO", "etudiant", f("code"), f("listVersion", many=True))
tableau("TableauDiplomes", "etudiant", "EtudiantCritereListeDTO")
tableau("TableauEtapes", "etudiant", "EtudiantCritereListeDTO")
dto("EtudiantCritereDTO", "etudiant", f("annee"), f("listDiplomes", "TableauDiplomes"),
    f("listEtapes", "TableauEtapes"), f("listComposante", many=True))
dto("EtudiantDTO2", "etudiant", f("codEtu"), f("nom"), f("prenom"), f("dateNaissance"), f("numeroIne"))

# AdministratifMetier.
dto("EtatIaaDTO", "administratif", f("codeEtatIAA"), f("libEtatIAA"), f("temDosIAA"))
dto("EtatIaeDTO", "administratif", f("codeEtatIAE"), f("libEtatIAE"))
dto("RegimeInsDTO", "administratif", f("codRgi"), f("libRgi"))
dto("ProfilEtudiantDTO", "administratif", f("code"), f("libelle"), f("libelleWeb"))
dto("StatutDTO", "administratif", f("code"), f("libelle"), f("libelleWeb"))
dto("ComposanteDTO", "administratif", f("codComposante"), f("libComposante"))
dto("DiplomeDTO", "administratif", f("codeDiplome"), f("libLongDiplome"), f("libVdi"), f("libWebVdi"),
    f("versionDiplome"))
dto("EtapeDTO", "administratif", f("codeEtp"), f("libLongEtp"), f("libWebVet"), f("versionEtp"))
dto("CatOuiSiDTO2", "administratif", f("codCat"), f("libCat"), f("mtfCat"))
dto("CursusAmgDTO", "administratif", f("codCurAmg"), f("libCurAmg"))
dto("InsAdmAnuDTO2", "administratif", f("anneeIAA"), f("dateIAA", "dateTime"), f("etatIaa", "EtatIaaDTO"),
    f("profil", "ProfilEtudiantDTO"), f("regimeIns", "RegimeInsDTO"), f("statut", "StatutDTO"),
    f("temRgmAmgEtuIAA"))
dto("InsAdmEtpDTO3", "administratif", f("anneeIAE"), f("composante", "ComposanteDTO"), f("dateIAE", "dateTime"),
    f("diplome", "DiplomeDTO"), f("etape", "EtapeDTO"), f("etapePremiere"), f("etatIaa", "EtatIaaDTO"),
    f("etatIae", "EtatIaeDTO"), f("regimeIns", "RegimeInsDTO"), f("codeInscriptionPayee"),
    f("inscriptionPayee"), f("nbrInscriptionCycle"), f("nbrInscriptionDiplome"), f("nbrInscriptionEtape"),
    f("profilEtudiant", "ProfilEtudiantDTO"), f("catOuiSi", "CatOuiSiDTO2"), f("cursusAmg", "CursusAmgDTO"))

# PedagogiqueMetier.
dto("EtatDelibDTO", "pedagogique", f("codEtaAvc"), f("libEtaAvc"))
dto("MentionDTO", "pedagogique", f("codMen"), f("libMen"))
dto("NatureResultatDTO", "pedagogique", f("codAdm"), f("libAdm"))
dto("SessionDTO", "pedagogique", f("codSes"), f("libSes"))
dto("TypResultatDTO", "pedagogique", f("codNegTre"), f("codTre"), f("libTre"))
for _level in ("Vet", "Vdi"):
    dto(f"Resultat{_level}DTO", "pedagogique", f("etatDelib", "EtatDelibDTO"), f("mention", "MentionDTO"),
        f("natureResultat", "NatureResultatDTO"), f(f"nbrCrd{_level}", "decimal"), f(f"not{_level}"),
        f("session", "SessionDTO"), f("typResultat", "TypResultatDTO"))
    tableau(f"TableauResultat{_level}DTO", "pedagogique", f"Resultat{_level}DTO")
dto("DiplomeResDTO", "pedagogique", f("codDip"), f("codVrsVdi", "int"), f("libDip"), f("libWebVdi"))
dto("EtapeResDTO", "pedagogique", f("codEtp"), f("codVrsVet", "int"), f("libEtp"), f("libWebVet"),
    f("temDipVet"), f("libEtatIae"))
dto("EtapeResVdiVetDTO2", "pedagogique", f("codAnu"), f("codTypIpe"), f("libTypIpe"), f("etape", "EtapeResDTO"),
    f("resultatVet", "TableauResultatVetDTO"))
tableau("TableauEtapeResVdiVetDTO2", "pedagogique", "EtapeResVdiVetDTO2")
dto("ContratPedagogiqueResultatVdiVetDTO2", "pedagogique", f("annee"), f("diplome", "DiplomeResDTO"),
    f("etapes", "TableauEtapeResVdiVetDTO2"), f("resultatVdi", "TableauResultatVdiDTO"))
dto("NatureElpDTO", "pedagogique", f("codNel"), f("libNel"), f("temFictif"), f("temSemestre"), f("temUe"))
dto("ElementPedagogiDTO5", "pedagogique", f("codElp"), f("libElp"), f("natureElp", "NatureElpDTO"),
    f("nbrCrdElp", "decimal"))
dto("ResultatElpDTO3", "pedagogique", f("codAnu"), f("etatDelib", "EtatDelibDTO"), f("mention", "MentionDTO"),
    f("natureResultat", "NatureResultatDTO"), f("nbrCrdElp", "decimal"), f("notElp"), f("session", "SessionDTO"),
    f("typResultat", "TypResultatDTO"))
tableau("TableauResultatElpDTO3", "pedagogique", "ResultatElpDTO3")
dto("ContratPedagogiqueResultatElpEprDTO5", "pedagogique", f("codAnu"), f("codElpSup"), f("libEtatIae"),
    f("codTypIpe"), f("elp", "ElementPedagogiDTO5"), f("resultatsElp", "TableauResultatElpDTO3"),
    f("rngElp", "int"))

# OffreFormationMetier.
dto("SECritereDTO2", "offreformation", f("codAnu"), f("codComposanteVdi"), f("codDip"), f("codElp"), f("codEtp"),
    f("codNatureDip"), f("codNatureElp"), f("codTypDip"), f("codVrsVdi"), f("codVrsVet"),
    f("temOuvertRecrutement"))
dto("ElementPedagogiDTO3", "offreformation", f("codElp"), f("libElp"), f("codNatureElp"), f("credits"),
    f("codPeriode"))
tableau("TableauElementPedagogiDTO3", "offreformation", "ElementPedagogiDTO3")
dto("ListeElementPedagogiDTO3", "offreformation", f("codListElp"), f("libListElp"), f("typListElp"),
    f("listElementPedagogi", "TableauElementPedagogiDTO3"))
tableau("TableauListeElementPedagogiDTO3", "offreformation", "ListeElementPedagogiDTO3")
dto("VersionEtapeDTO4", "offreformation", f("codVrsVet", "int"), f("libWebVet"),
    f("listListeElementPedagogi", "TableauListeElementPedagogiDTO3"))
tableau("TableauVersionEtapeDTO4", "offreformation", "VersionEtapeDTO4")
dto("ComposanteCentreGestionDTO", "offreformation", f("codComposante"), f("libComposante"), f("codCentreGestion"))
tableau("TableauComposanteCentreGestionDTO", "offreformation", "ComposanteCentreGestionDTO")
dto("EtapeDTO4", "offreformation", f("codEtp"), f("libEtp"), f("libCourtEtp"),
    f("listComposanteCentreGestion", "TableauComposanteCentreGestionDTO"),
    f("listVersionEtape", "TableauVersionEtapeDTO4"))
tableau("TableauEtapeDTO4", "offreformation", "EtapeDTO4")
dto("OffreFormationDTO4", "offreformation", f("codMention"), f("libMention"), f("listEtape", "TableauEtapeDTO4"))
dto("VersionDiplomeDTO4", "offreformation", f("codVrsVdi", "int"), f("libWebVdi"),
    f("offreFormation", "OffreFormationDTO4"))
tableau("TableauVersionDiplomeDTO4", "offreformation", "VersionDiplomeDTO4")
dto("DiplomeDTO4", "offreformation", f("codDip"), f("libDip"), f("natureDiplome"), f("typeDiplome"),
    f("listVersionDiplome", "TableauVersionDiplomeDTO4"))

# ReferentielMetier.
TYPES["ComposanteDTO3"] = ComplexType(
    "ComposanteDTO3",
    "ComposanteDTO3.referentiel.dto.transverse.commun.apogee.education.gouv",
    [f("codCmp"), f("libCmp"), f("libWebCmp"), f("temEnSveCmp"),
     f("listeComposanteFils", "TableauComposanteDTO3"), f("listeComposantePere", "TableauComposanteDTO3")],
)
tableau("TableauComposanteDTO3", "referentiel", "ComposanteDTO3", item_name="composante")
dto("RegimeInscDTO", "referentiel", f("codRegIns"), f("libRegIns"), f("licRegIns"), f("temEnSve"))

# InfosEtuMetier.
dto("ProfilEtuDTO", "infosetu", f("code"), f("libPru"), f("libelle"), f("temEnSvePru"), f("temMinPru"))


# --- Operations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    service: str
    name: str
    params: tuple  # (name, type) in order
    returns: str  # type of the return element
    many: bool = True
    response: str = ""  # response wrapper element, "<name>Response" unless irregular
    return_element: str = ""  # "<name>Return" unless irregular

    @property
    def response_element(self):
        return self.response or f"{self.name}Response"

    @property
    def return_name(self):
        return self.return_element or f"{self.name}Return"

    @property
    def namespace(self):
        return SERVICE_NAMESPACES[self.service]


def _strings(*names):
    return tuple((n, "string") for n in names)


OPERATIONS = [
    Operation("EtudiantMetier", "recupererIdentifiantsEtudiant_v2",
              _strings("_codEtu", "_codInd", "_numINE", "_numBoursier", "_codOPI", "_nom", "_prenom",
                       "_dateNaiss", "_temoinRecupAnnu"), "IdentifiantsEtudiantDTO2", many=False),
    Operation("EtudiantMetier", "recupererInfosAdmEtu_v4", _strings("_codEtu"), "InfoAdmEtuDTO4", many=False),
    Operation("EtudiantMetier", "recupererAdressesEtudiant_v2", _strings("_codEtu", "_annee", "_recupAnnuaire"),
              "CoordonneesDTO2", many=False, return_element="recupererAdressesEtudiantReturn"),
    Operation("EtudiantMetier", "recupererListeEtudiants", (("_parametres", "EtudiantCritereDTO"),),
              "EtudiantDTO2", return_element="etudiant"),
    Operation("AdministratifMetier", "recupererAnneesIa", _strings("_codEtu", "_etatInscriptionIA"), "string"),
    Operation("AdministratifMetier", "recupererIAAnnuelles_v2", _strings("_codEtu", "_annee", "_etatIAA"),
              "InsAdmAnuDTO2", response="recupererIAAnnuellesResponse_v2",
              return_element="recupererIAAnnuellesReturn_v2"),
    Operation("AdministratifMetier", "recupererIAEtapes_v3", _strings("_codEtu", "_annee", "_etatIAA", "_etatIAE"),
              "InsAdmEtpDTO3"),
    Operation("PedagogiqueMetier", "recupererContratPedagogiqueResultatVdiVet_v2",
              _strings("_codEtu", "_codAnu", "_sourceRes", "_etatDelib", "_codSes", "_typeRes", "_codEtaIae"),
              "ContratPedagogiqueResultatVdiVetDTO2"),
    Operation("PedagogiqueMetier", "recupererContratPedagogiqueResultatElpEpr_v6",
              _strings("_codEtu", "_codAnu", "_codEtp", "_codVrsVet", "_sourceRes", "_etatDelib", "_codSes",
                       "_typeRes", "_codEtaIae"), "ContratPedagogiqueResultatElpEprDTO5"),
    Operation("OffreFormationMetier", "recupererSE_v4", (("_seCritere", "SECritereDTO2"),), "DiplomeDTO4"),
    Operation("ReferentielMetier", "recupererComposante_v2", _strings("_codCmp", "_sens"), "ComposanteDTO3"),
    Operation("ReferentielMetier", "recupererRegimeInscription", _strings("_codRegIns", "_temoinEnService"),
              "RegimeInscDTO"),
    Operation("InfosEtuMetier", "recupererProfilEtudiantWS", _strings("_codPru", "_temoinEnService", "_temoinAD"),
              "ProfilEtuDTO"),
]
OPERATIONS_BY_KEY = {(op.service, op.name): op for op in OPERATIONS}


def operations_of(service):
    return [op for op in OPERATIONS if op.service == service]


def types_reachable(type_names):
    """Every complex type used, transitively, by these ones (for one service's WSDL)."""
    seen, stack = [], list(type_names)
    while stack:
        name = stack.pop()
        if name in SIMPLE or name in seen:
            continue
        seen.append(name)
        stack.extend(fld.type for fld in TYPES[name].fields)
    return seen
