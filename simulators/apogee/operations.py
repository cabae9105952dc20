"""The operations the simulator serves: parameters in order, returned type, wrapper and return names
(irregular ones included, as Apogée has them)."""
from simulators.apogee import dtos  # noqa: F401 - declares the types the operations name
from simulators.apogee.schema import Field, Operation, params


def _dto(name, key):
    return (Field(name, key, nillable=False),)


OPERATIONS = [
    Operation("EtudiantMetier", "recupererIdentifiantsEtudiant_v2",
              params("_codEtu", "_codInd", "_numINE", "_numBoursier", "_codOPI", "_nom", "_prenom", "_dateNaiss",
                     "_temoinRecupAnnu"), "etudiant:IdentifiantsEtudiantDTO2", many=False),
    Operation("EtudiantMetier", "recupererInfosAdmEtu_v4", params("_codEtu"), "etudiant:InfoAdmEtuDTO4", many=False),
    Operation("EtudiantMetier", "recupererAdressesEtudiant_v2", params("_codEtu", "_annee", "_recupAnnuaire"),
              "etudiant:CoordonneesDTO2", many=False, return_element="recupererAdressesEtudiantReturn"),
    Operation("EtudiantMetier", "recupererListeEtudiants", _dto("_parametres", "etudiant:EtudiantCritereDTO"),
              "etudiant:EtudiantDTO2", return_element="etudiant"),
    Operation("AdministratifMetier", "recupererAnneesIa", params("_codEtu", "_etatInscriptionIA"), "string"),
    Operation("AdministratifMetier", "recupererIAAnnuelles_v2", params("_codEtu", "_annee", "_etatIAA"),
              "administratif:InsAdmAnuDTO2", response="recupererIAAnnuellesResponse_v2",
              return_element="recupererIAAnnuellesReturn_v2"),
    Operation("AdministratifMetier", "recupererIAEtapes_v3", params("_codEtu", "_annee", "_etatIAA", "_etatIAE"),
              "administratif:InsAdmEtpDTO3"),
    Operation("PedagogiqueMetier", "recupererContratPedagogiqueResultatVdiVet_v2",
              params("_codEtu", "_codAnu", "_sourceRes", "_etatDelib", "_codSes", "_typeRes", "_codEtaIae"),
              "pedagogique:ContratPedagogiqueResultatVdiVetDTO2"),
    Operation("PedagogiqueMetier", "recupererContratPedagogiqueResultatElpEpr_v6",
              params("_codEtu", "_codAnu", "_codEtp", "_codVrsVet", "_sourceRes", "_etatDelib", "_codSes",
                     "_typeRes", "_codEtaIae"), "pedagogique:ContratPedagogiqueResultatElpEprDTO5"),
    Operation("OffreFormationMetier", "recupererSE_v4", _dto("_seCritere", "offreformation:SECritereDTO2"),
              "offreformation:DiplomeDTO4"),
    Operation("ReferentielMetier", "recupererComposante_v2", params("_codCmp", "_sens"), "referentiel:ComposanteDTO3"),
    Operation("ReferentielMetier", "recupererRegimeInscription", params("_codRegIns", "_temoinEnService"),
              "referentiel:RegimeInscDTO"),
    Operation("InfosEtuMetier", "recupererProfilEtudiantWS", params("_codPru", "_temoinEnService", "_temoinAD"),
              "infosetu:ProfilEtuDTO"),
]
OPERATIONS_BY_KEY = {(op.service, op.name): op for op in OPERATIONS}
