"""The DTOs of the operations the simulator serves, field by field in Apogée's order.

Down to the depth ``reference/apogee-schema.md`` shows, each structure is exactly the reference's;
below it (the offer's étapes, an exam's results) the fields of ``reference/apogee-ws.md`` §4.
Operations ConPeRe does not call (identifiers, years, annual IAs, VDI/VET results) keep the fields
of apogee-ws.md §4 only.
"""
from simulators.apogee.schema import EXCEPTION_NS, TYPES, ComplexType, Domain, repeated, s, strings

TYPES["exception:TableauString"] = ComplexType("TableauString", EXCEPTION_NS, [repeated("item", nillable=False)])
TYPES["exception:WebBaseException"] = ComplexType("WebBaseException", EXCEPTION_NS, [
    s("domaine"), s("element"), s("messages", "exception:TableauString"), s("nature"), s("type"), s("lastErrorMsg"),
])

# --- ReferentielMetier -------------------------------------------------------------------------

ref = Domain("referentiel")
ref.codes("AdresseComposanteDTO", "libAdr1Cmp", "libAdr2Cmp", "libAdr3Cmp", "codPosAdrCmp", "codComAdrCmp")
ref.codes("TypeComposanteDTO", "codTypCmp", "libTypCmp")
ref.dto("ComposanteDTO3", *strings("codCmp", "libCmp", "libWebCmp", "codSig", "codNatCmp", "codRneCmp",
                                   "temElcCmp", "temEnSveCmp"),
        s("adresseComposante", "AdresseComposanteDTO"), s("typeComposante", "TypeComposanteDTO"),
        s("listeComposanteFils", "TableauComposanteDTO3"), s("listeComposantePere", "TableauComposanteDTO3"))
ref.table("TableauComposanteDTO3", "ComposanteDTO3", item="composante")
ref.codes("RegimeInscDTO", "codRegIns", "libRegIns", "licRegIns", "temEnSve")

# --- InfosEtuMetier ----------------------------------------------------------------------------

Domain("infosetu").codes("ProfilEtuDTO", "code", "libPru", "libelle", "temEnSvePru", "temMinPru")

# --- OffreFormationMetier ----------------------------------------------------------------------

off = Domain("offreformation")
off.codes("SECritereDTO2", "codAnu", "codComposanteVdi", "codDip", "codElp", "codEtp", "codNatureDip",
          "codNatureElp", "codTypDip", "codVrsVdi", "codVrsVet", "temOuvertRecrutement")
off.codes("CycleDTO", "codCycle", "libCycle", "temEnSve")
off.codes("GroupeDiplomeDTO", "codGpeDip", "libGpeDip", "temEnSve")
off.table("TableauGroupeDiplomeDTO", "GroupeDiplomeDTO")
off.codes("VersionDiplomeHistoRncpDTO", "daaDebVhr", "daaFinVhr", "codRncpRs")
off.table("TableauVersionDiplomeHistoRncpDTO", "VersionDiplomeHistoRncpDTO")
off.codes("EcoleDoctoraleDTO", "codEcole", "libEcole", "temEnSve")
off.dto("ResponsableVdiDTO", s("codPer", "integer"), *strings("libNomUsuPer", "libPr1Per"))
off.codes("ComueDTO", "codEtb", "libEtb")
off.codes("ChampDisciplinaireDTO", "codChampDis", "libChampDis")
off.table("TableauChampDisciplinaireDTO", "ChampDisciplinaireDTO")
off.codes("HabilitationDTO", "anneeDebHabil", "anneeDebRecrut", "anneeDebValidation", "anneeFinHabil",
          "anneeFinRecrut", "anneeFinValidation", "caractere", "codDossierHabil")
off.codes("DomaineFormationDTO", "codDomaineFormation", "libDomaineFormation")
off.table("TableauDomaineFormationDTO", "DomaineFormationDTO")
off.dto("ReferentielSiseDTO", s("codSisVdi", "integer"), *strings("libTypDis", "libInt1Dis", "libInt2Dis"),
        s("codSisVdiInt", "integer"), *strings("libInt1DisInt", "libInt2DisInt", "libTypDisInt"))
# Below the reference's depth: the fields of apogee-ws.md §4.10 that the sync reads.
off.dto("ElementPedagogiDTO3", *strings("codElp", "libElp", "codNatureElp"), s("credits", "decimal"),
        s("codPeriode"))
off.table("TableauElementPedagogiDTO3", "ElementPedagogiDTO3")
off.dto("ListeElementPedagogiDTO3", *strings("codListElp", "libListElp", "typListElp"),
        s("listElementPedagogi", "TableauElementPedagogiDTO3"))
off.table("TableauListeElementPedagogiDTO3", "ListeElementPedagogiDTO3")
off.codes("RegimeDTO", "codRgi", "libRgi")
off.table("TableauRegimeDTO", "RegimeDTO")
off.dto("VersionEtapeDTO4", s("codVrsVet", "int"), s("libWebVet"), s("credits", "decimal"),
        s("listRegime", "TableauRegimeDTO"), s("listListeElementPedagogi", "TableauListeElementPedagogiDTO3"))
off.table("TableauVersionEtapeDTO4", "VersionEtapeDTO4")
off.codes("ComposanteCentreGestionDTO", "codComposante", "libComposante", "codCentreGestion")
off.table("TableauComposanteCentreGestionDTO", "ComposanteCentreGestionDTO")
off.dto("EtapeDTO4", *strings("codEtp", "libEtp", "libCourtEtp"),
        s("listComposanteCentreGestion", "TableauComposanteCentreGestionDTO"),
        s("listVersionEtape", "TableauVersionEtapeDTO4"))
off.table("TableauEtapeDTO", "EtapeDTO4")
off.dto("OffreFormationDTO4", s("listChampDisciplinaire", "TableauChampDisciplinaireDTO"),
        *strings("codFinalite", "codMention", "codParcoursType", "codSpecialite"),
        s("habilitation", "HabilitationDTO"),
        *strings("libFinalite", "libMention", "libParcoursType", "libSpecialite"),
        s("listDomaineFormation", "TableauDomaineFormationDTO"), s("refSise", "ReferentielSiseDTO"),
        s("listEtape", "TableauEtapeDTO"),
        *strings("temEnSveFinalite", "temEnSveMention", "temEnSveParcoursType", "temEnSveSpecialite"))
off.dto("VersionDiplomeDTO4", s("codCursusLmd"), s("listHistoRncp", "TableauVersionDiplomeHistoRncpDTO"),
        s("codVrsVdi", "int"), s("credits", "decimal"), s("ecoleDoctorale", "EcoleDoctoraleDTO"),
        *strings("libCourtVdi", "libWebVdi"), s("respVdi", "ResponsableVdiDTO"), s("comue", "ComueDTO"),
        *strings("temOffCom", "temOffDeloc"), s("offreFormation", "OffreFormationDTO4"))
off.table("TableauVersionDiplomeDTO4", "VersionDiplomeDTO4")
off.codes("NatureDiplomeDTO", "codNatureDip", "libNatureDip", "temEnSve")
off.codes("NiveauInterministerielDTO", "codNivIntermini", "libNivIntermini", "temEnSve")
off.codes("SecteurDisciplinaireDTO", "codSectDisc", "libDiscipline", "libSectDisc", "temEnSveSectDisc")
off.codes("EtablissementHabiliteDTO", "codEtb", "temEnSveEtb", "libEtbHab")
off.dto("ComposanteHabiliteDTO", s("codCmp"), s("libCmp", nillable=False), s("codRneCmp"),
        s("temEnSveCmp", nillable=False))
off.codes("TypeDiplomeDTO", "codTypDip", "libTypDip", "temEnSve")
off.dto("DiplomeDTO4", s("codDip"), s("cycle", "CycleDTO"), s("libDip"),
        s("listGroupeDiplome", "TableauGroupeDiplomeDTO"), s("listVersionDiplome", "TableauVersionDiplomeDTO4"),
        s("natureDiplome", "NatureDiplomeDTO"), s("niveauInterministeriel", "NiveauInterministerielDTO"),
        s("secteurDisciplinaire", "SecteurDisciplinaireDTO"), s("temOuvertRecrutement"),
        s("etbHab", "EtablissementHabiliteDTO"), s("cmpAcc", "ComposanteHabiliteDTO"), s("temOuvertValidation"),
        s("typeDiplome", "TypeDiplomeDTO"))

# --- EtudiantMetier ----------------------------------------------------------------------------

etu = Domain("etudiant")
etu.dto("EtudiantCritereListeDTO", s("code"), repeated("listVersion"))
etu.table("TableauDiplomes", "EtudiantCritereListeDTO")
etu.table("TableauEtapes", "EtudiantCritereListeDTO")
etu.dto("EtudiantCritereDTO", s("annee"), s("listDiplomes", "TableauDiplomes"), s("listEtapes", "TableauEtapes"),
        *strings("codeCollectionVET", "codeGroupeVET"), repeated("listELP"),
        *strings("codeCollectionELP", "codeGroupeELP"), repeated("listEPR"), repeated("listTypeHandicap"),
        repeated("listSportifHautNiv"), s("codeRegimeInscrETP"), repeated("listSitSociale"),
        *strings("sensEchInter", "codeEchInter"), repeated("listPaysEchInter"), repeated("listTypeEtabFreq"),
        s("maintienInscrAutreEtab"), repeated("listCentreGestion"), repeated("listComposante"),
        repeated("listCIP"), *strings("temValAcquisXP", "temVesCii", "temVapp", "temPartInternational",
                                      "etatThese", "typeResultat", "objetResultat"))
etu.codes("EtudiantDTO2", "codEtu", "nom", "prenom", "dateNaissance", "numeroIne")
etu.codes("DepartementCourtDTO", "codeDept", "libDept")
etu.codes("EtablissementDTO", "codeEtb", "libEtb")
etu.codes("MentionNivBacDTO", "codMention", "libMention")
etu.codes("TypeEtablissementDTO", "codTypeEtb", "libLongTpe", "libWebTpe")
etu.dto("IndBacDTO2", *strings("libelleBac", "anneeObtentionBac", "codBac"),
        s("departementBac", "DepartementCourtDTO"), s("etbBac", "EtablissementDTO"),
        s("mentionBac", "MentionNivBacDTO"), s("typeEtbBac", "TypeEtablissementDTO"),
        *strings(*(f"{kind}{n}Bac" for n in ("Spe1", "Spe2") for kind in ("cod", "lic", "liWeb"))),
        *strings("codSpeBacPre", "licSpeBacPre", "liWebSpeBacPre"),
        *strings(*(f"{kind}Opt{n}Bac" for n in range(1, 5) for kind in ("cod", "lic", "liWeb"))))
etu.table("TableauIndBacDTO2", "IndBacDTO2")
etu.codes("EtapeDTO", "codEtp", "libEtp")
etu.codes("TypeBlocageDTO", "codTypBlocage", "libTypBlocage")
etu.dto("BlocageDTO", s("codBlocage"), s("etapeBlocage", "EtapeDTO"), s("libBlocage"),
        s("typBlocage", "TypeBlocageDTO"))
etu.table("TableauBlocages", "BlocageDTO")
etu.codes("DepartementDTO", "codeDept", "libDept", "temEnSveDept")
etu.codes("TypHandicapCourtDTO", "codeHandicap", "libHandicap", "libThp")
etu.codes("NationaliteDTO", "codeNationalite", "libNationalite")
etu.codes("PaysDTO", "codPay", "libPay")
etu.codes("SitFamCourtDTO", "codeFam", "libFam", "libLongFam")
etu.codes("SitMilCourtDTO", "codeMil", "libMil", "libSim")
etu.dto("InfoAdmEtuDTO4", *strings("anneePremiereInscEnsSup", "anneePremiereInscEtb", "anneePremiereInscEtr",
                                   "anneePremiereInscUniv"),
        s("listeBacs", "TableauIndBacDTO2"), s("listeBlocages", "TableauBlocages"), s("dateNaissance", "dateTime"),
        s("departementNaissance", "DepartementDTO"), s("etbPremiereInscUniv", "EtablissementDTO"),
        s("handicap", "TypHandicapCourtDTO"), s("libVilleNaissance"), s("nationaliteDTO", "NationaliteDTO"),
        *strings("nomPatronymique", "nomUsuel", "numBoursier"), s("numEtu", "int"), s("numeroINE"),
        s("paysNaissance", "PaysDTO"), *strings("prenom1", "prenom2", "prenom3", "prenomEtatCivil", "sexe",
                                                "sexEtatCivil"),
        s("situationFamiliale", "SitFamCourtDTO"), s("situationMilitaire", "SitMilCourtDTO"),
        *strings("temoinDateNaissEstimee", "temoinSitMilEnRegle"))
etu.codes("TypeHebergementCourtDTO", "codTypeHebergement", "libTypeHebergement", "libWebTypeHebergement")
etu.codes("CommuneDTO2", "codeInsee", "codePostal", "nomCommune", "libAch")
etu.dto("AdresseDTO2", s("commune", "CommuneDTO2"), *strings("libAd1", "libAd2", "libAd3", "libAde", "numTel"),
        s("pays", "PaysDTO"))
etu.dto("CoordonneesDTO2", s("typeHebergement", "TypeHebergementCourtDTO"), s("adresseAnnuelle", "AdresseDTO2"),
        s("adresseFixe", "AdresseDTO2"), *strings("email", "emailAnnuaire", "loginAnnuaire", "numTelPortable",
                                                  "annee"))
etu.dto("IdentifiantsEtudiantDTO2", s("codEtu", "int"), s("codInd", "int"),
        *strings("emailAnnuaire", "loginAnnuaire", "numBoursier", "numeroINE"))

# --- AdministratifMetier -----------------------------------------------------------------------

adm = Domain("administratif")
adm.codes("BourseDTO", "codeBourse", "libBourse")
adm.codes("CgeDTO", "codeCGE", "libCGE")
adm.codes("ComposanteDTO", "codComposante", "libComposante")
adm.codes("DiplomeDTO", "codeDiplome", "libLongDiplome", "libVdi", "libWebVdi", "versionDiplome")
adm.codes("EtapeDTO", "codeEtp", "libLongEtp", "libWebVet", "versionEtp")
adm.codes("EtatIAADTO", "codeEtatIAA", "libEtatIAA", "temDosIAA")
adm.codes("EtatIAEDTO", "codeEtatIAE", "libEtatIAE")
adm.codes("RegimeInsDTO", "codRgi", "libRgi")
adm.codes("SpecialitesDTO", "codeSpecialite", "libSpecialite", "libWebSpecialite")
adm.table("TableauSpecialitesDto", "SpecialitesDTO")
adm.codes("ProfilEtuDTO", "code", "libelle", "libelleWeb")
adm.dto("CatOuiSiDTO2", s("codCat", nillable=False), s("libCat", nillable=False), s("mtfCat"))
adm.dto("CursusAmgDTO", s("codCurAmg", nillable=False), s("libCurAmg", nillable=False))
adm.dto("InsAdmEtpDTO3", s("anneeIAE"), s("bourse", "BourseDTO"), s("cge", "CgeDTO"),
        s("composante", "ComposanteDTO"), s("dateIAE", "dateTime"), s("diplome", "DiplomeDTO"),
        s("etape", "EtapeDTO"), s("etapePremiere"), s("etatIaa", "EtatIAADTO"), s("etatIae", "EtatIAEDTO"),
        s("regimeIns", "RegimeInsDTO"),
        *strings("codeInscriptionPayee", "inscriptionPayee", "inscriptionTeleEnseignement"),
        s("listeSpecialiteSISE", "TableauSpecialitesDto"),
        *strings("nbrInscriptionCycle", "nbrInscriptionDiplome", "nbrInscriptionEtape", "numBoursier"),
        s("profilEtudiant", "ProfilEtuDTO"),
        *strings("temoinInscriptionIaWeb", "temoinPI", "temoinVes", "temoinVapp", "temoinVae"),
        s("catOuiSi", "CatOuiSiDTO2"), s("cursusAmg", "CursusAmgDTO"))
adm.codes("StatutDTO", "code", "libelle", "libelleWeb")
adm.dto("InsAdmAnuDTO2", s("anneeIAA"), s("dateIAA", "dateTime"), s("etatIaa", "EtatIAADTO"),
        s("profil", "ProfilEtuDTO"), s("regimeIns", "RegimeInsDTO"), s("statut", "StatutDTO"),
        s("temRgmAmgEtuIAA"))

# --- PedagogiqueMetier -------------------------------------------------------------------------

ped = Domain("pedagogique")
ped.codes("CentreInsPedDTO", "codCip", "libCip")
ped.codes("NatureElpDTO", "codNel", "libNel", "temFictif", "temSemestre", "temUe")
ped.dto("ElementPedagogiDTO5", *strings("codElp", "libElp"), s("natureElp", "NatureElpDTO"), s("numPreElp", "int"),
        *strings("temCtlValCadElp", "temElpTypeStage"), s("nbrCrdElp", "decimal"), s("durConElp", "int"),
        s("notMinConElp", "decimal"), s("barMinConElp", "int"))
ped.codes("NatureEprDTO", "codNep", "libNep")
ped.codes("TypEpreuveDTO", "codTep", "libTep")
ped.dto("EpreuveDTO2", *strings("codEpr", "libEpr", "temCtlValCadEpr"), s("natureEpr", "NatureEprDTO"),
        s("typEpreuve", "TypEpreuveDTO"), s("durConEpr", "int"), s("notMinConEpr", "decimal"),
        s("barMinConEpr", "int"))
ped.codes("NatureResDTO", "codAdm", "libAdm")
ped.codes("EtatDelibDTO", "codEtaAvc", "libEtaAvc")
ped.codes("SessionDTO", "codSes", "libSes")
ped.codes("TypResultatDTO", "codNegTre", "codTre", "libTre")
ped.dto("ResultatEprDTO", s("barNotEpr", "int"), s("codAnu"), s("etatDelib", "EtatDelibDTO"),
        *strings("notEpr", "codEtaNotEpr", "libEtaNotEpr"), s("session", "SessionDTO"),
        s("typResultat", "TypResultatDTO"), *strings("codEtaResEpr", "libEtaResEpr"))
ped.table("TableauResultatEprDto2", "ResultatEprDTO")
ped.dto("EpreuveElpDTO2", s("annee"), s("epreuve", "EpreuveDTO2"), s("natureResultat", "NatureResDTO"),
        s("resultatEpr", "TableauResultatEprDto2"))
ped.table("TableauEpreuveElpDto2", "EpreuveElpDTO2")
ped.codes("FormuleExamenDTO", "codFex", "libFex")
ped.codes("ElpSourceDTO", "codElp", "libElp")
ped.dto("ElpCorrespondElpDTO", s("elpS1", "ElpSourceDTO"), s("notElpS1Lcc"), s("typeResS1", "TypResultatDTO"),
        s("elpS2", "ElpSourceDTO"), s("notElpS2Lcc"), s("typeResS2", "TypResultatDTO"))
ped.codes("MentionDTO", "codMen", "libMen")
ped.dto("ResultatElpDTO3", s("barNotElp", "int"), s("codAnu"), s("etatDelib", "EtatDelibDTO"),
        s("lcc", "ElpCorrespondElpDTO"), s("mention", "MentionDTO"), *strings("codEtaMndElp", "libEtaMndElp"),
        s("natureResultat", "NatureResDTO"), s("nbrCrdElp", "decimal"), s("nbrRngEtuElp", "int"),
        *strings("codEtaRngElp", "libEtaRngElp"), s("nbrRngEtuElpTot", "int"),
        *strings("notElp", "codEtaNotElp", "libEtaNotElp"), s("notPntJurElp", "decimal"),
        s("session", "SessionDTO"), s("temResMeiNot"), s("typResultat", "TypResultatDTO"),
        *strings("codEtaResElp", "libEtaResElp", "temResEstComp", "temResSerComp", "libRvn", "typRvn",
                 "libCmtTrv"))
ped.table("TableauResultatElpDto3", "ResultatElpDTO3")
ped.codes("GroupeVetElpDTO", "codCol", "codGpe", "libDesOrgGpo", "libGpe")
ped.table("TableauGroupeEtpDto", "GroupeVetElpDTO")
ped.dto("ContratPedagogiqueResultatElpEprDTO5", s("cip", "CentreInsPedDTO"),
        *strings("codAnu", "codElpSup", "libEtatIae", "codTypIpe"), s("elp", "ElementPedagogiDTO5"),
        s("epreuvesElp", "TableauEpreuveElpDto2"), s("fex", "FormuleExamenDTO"),
        s("resultatsElp", "TableauResultatElpDto3"), s("groupes", "TableauGroupeEtpDto"), s("rngElp", "int"))
# VDI/VET results (not called by ConPeRe): the fields of apogee-ws.md §4.8.
for _level in ("Vet", "Vdi"):
    ped.dto(f"Resultat{_level}DTO", s(f"barNot{_level}", "int"), s("etatDelib", "EtatDelibDTO"),
            s("mention", "MentionDTO"), s("natureResultat", "NatureResDTO"), s(f"nbrCrd{_level}", "decimal"),
            s(f"nbrRngEtu{_level}", "int"), s(f"nbrRngEtu{_level}Tot", "int"),
            s(f"notPntJur{_level}", "decimal"), s(f"not{_level}"), s("session", "SessionDTO"),
            s("typResultat", "TypResultatDTO"))
    ped.table(f"TableauResultat{_level}DTO", f"Resultat{_level}DTO")
ped.dto("DiplomeResDTO", s("codDip"), s("codVrsVdi", "int"), *strings("libDip", "libWebVdi", "licVdi"))
ped.dto("EtapeResDTO", s("codEtp"), s("codVrsVet", "int"), *strings("libEtp", "libWebVet", "temDipVet", "libEtatIae"))
ped.dto("EtapeResVdiVetDTO2", *strings("codAnu", "codTypIpe", "libTypIpe"), s("etape", "EtapeResDTO"),
        s("groupes", "TableauGroupeEtpDto"), s("resultatVet", "TableauResultatVetDTO"))
ped.table("TableauEtapeResVdiVetDTO2", "EtapeResVdiVetDTO2")
ped.dto("ContratPedagogiqueResultatVdiVetDTO2", *strings("annee", "datObtVdi", "datValDip"),
        s("diplome", "DiplomeResDTO"), s("etapes", "TableauEtapeResVdiVetDTO2"),
        s("resultatVdi", "TableauResultatVdiDTO"))
