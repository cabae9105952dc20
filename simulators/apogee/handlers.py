"""What each simulated operation answers, as plain dicts and lists in the DTO shapes of ``schema.py``.

Behaviour follows ``reference/apogee-ws.md``: omitted and empty parameters mean "not given";
``toutes``/``tous``/``aucun`` and the state letters E/A/R are honoured; "no data" is a fault
(``technical.data.nullretrieve.*``), never an empty answer.
"""
from simulators.apogee.data import OUTCOMES, SimResult
from simulators.apogee.generator import results_for

IAE_STATES = {"E": "En cours", "A": "Annulée", "R": "Résiliée"}
HANDICAPS = {"N": "Pas de handicap", "O": "Handicap déclaré"}
IAA_STATES = {"E": "En cours", "A": "Annulée", "R": "Résiliée"}


class Fault(Exception):
    """An Apogée error: ``code`` is the faultstring, ``message`` the lastErrorMsg."""

    def __init__(self, code, message=""):
        super().__init__(code)
        self.code = code
        self.message = message or code


def given(params, name):
    value = params.get(name)
    if isinstance(value, str):
        value = value.strip()
    return value or None


def _states(params, name, default="E"):
    return set(given(params, name) or default)


def _student(ds, params, missing="technical.data.nullretrieve.etudiant"):
    number = given(params, "_codEtu")
    if number is None:
        raise Fault("technical.parameter.nonpresentinput", "Le code étudiant est obligatoire.")
    if not number.isdigit():
        raise Fault("technical.parameter.noncoherentinput.codEtu", f"Code étudiant incohérent : {number}")
    student = ds.student(number)
    if student is None:
        raise Fault(missing, f"Aucun étudiant pour le code {number}.")
    return student


def _years(params, name):
    value = given(params, name)
    if value in (None, "toutes"):
        return None
    try:
        return {int(value)}
    except ValueError:
        raise Fault("technical.parameter.noncoherentinput.annee", f"Année incohérente : {value}")


def _date_time(d):
    return f"{d.isoformat()}T00:00:00" if d else None


# --- EtudiantMetier ----------------------------------------------------------------------------


def recupererIdentifiantsEtudiant_v2(ds, params):
    student = None
    if given(params, "_codEtu"):
        student = _student(ds, params)
    elif given(params, "_numINE"):
        wanted = given(params, "_numINE").upper()
        student = next((s for s in map(ds.student, ds.all_numbers()) if s.ine.upper() == wanted), None)
    elif given(params, "_nom"):
        pattern = given(params, "_nom").upper().replace("%", "")
        student = next(
            (s for s in map(ds.student, ds.all_numbers()) if s.last_name.upper().startswith(pattern)), None
        )
    if student is None:
        raise Fault("technical.data.nullretrieve.etudiant", "Aucun étudiant ne correspond.")
    directory = given(params, "_temoinRecupAnnu") == "O"
    return {
        "codEtu": int(student.number),
        "codInd": int(student.number) % 10_000_000 + 1,
        "emailAnnuaire": student.directory_email if directory else None,
        "loginAnnuaire": student.directory_login if directory else None,
        "numeroINE": student.ine,
    }


def recupererInfosAdmEtu_v4(ds, params):
    s = _student(ds, params)
    return {
        "anneePremiereInscEtb": str(s.first_year) if s.first_year else None,
        "anneePremiereInscUniv": str(s.first_year) if s.first_year else None,
        "dateNaissance": _date_time(s.birth_date),
        "handicap": {"codeHandicap": s.handicap, "libHandicap": HANDICAPS.get(s.handicap)} if s.handicap else None,
        "nomPatronymique": s.last_name,
        "nomUsuel": s.usual_name,
        "nationaliteDTO": {"codeNationalite": "100", "libNationalite": "Française"},
        "numEtu": int(s.number),
        "numeroINE": s.ine,
        "paysNaissance": {"codPay": "100", "libPay": "France"},
        "prenom1": s.first_name,
        "prenomEtatCivil": s.first_name,
        "temoinDateNaissEstimee": "N",
    }


def recupererAdressesEtudiant_v2(ds, params):
    s = _student(ds, params)
    years = sorted({r.year for r in s.registrations if r.annual_state == "E"})
    wanted = given(params, "_annee")
    year = int(wanted) if wanted and wanted.isdigit() else (years[-1] if years else None)
    if not s.has_address or year not in years:
        raise Fault("technical.data.nullretrieve.findIAA", "Aucune inscription annuelle pour cette année.")
    directory = given(params, "_recupAnnuaire") == "O"
    return {
        "email": s.email,
        "emailAnnuaire": s.directory_email if directory else None,
        "loginAnnuaire": s.directory_login if directory else None,
        "annee": str(year),
    }


def recupererListeEtudiants(ds, params):
    criteria = params.get("_parametres") or {}
    year = (criteria.get("annee") or "").strip()
    if not year.isdigit():
        raise Fault("technical.parameter.nonpresentinput", "L'année est obligatoire.")

    def wanted(listing):
        items = (criteria.get(listing) or {}).get("item") or []
        return [(i.get("code"), set(i.get("listVersion") or [])) for i in items if i.get("code")]

    steps, diplomas = wanted("listEtapes"), wanted("listDiplomes")
    faculties = set(criteria.get("listComposante") or [])
    if not steps and not diplomas:
        raise Fault("technical.parameter.nonpresentinput", "Une étape ou un diplôme est obligatoire.")
    keys = []
    for programme in ds.programmes.values():
        if steps and not any(programme.step_code == c and (not v or programme.version in v) for c, v in steps):
            continue
        if diplomas and not any(
            programme.diploma_code == c and (not v or programme.diploma_version in v) for c, v in diplomas
        ):
            continue
        if faculties and programme.faculty not in faculties:
            continue
        keys.append(programme.key)
    numbers = ds.listed(keys, int(year)) if keys else []
    if not numbers:
        raise Fault("technical.data.nullretrieve.etudiant", "Aucun étudiant ne correspond aux critères.")
    rows = []
    for number in numbers:
        s = ds.student(number)
        rows.append({
            "codEtu": s.number, "nom": s.last_name, "prenom": s.first_name,
            "dateNaissance": s.birth_date.strftime("%d/%m/%Y") if s.birth_date else None, "numeroIne": s.ine,
        })
    return rows


# --- AdministratifMetier -----------------------------------------------------------------------


def recupererAnneesIa(ds, params):
    s = _student(ds, params, missing="technical.data.nullretrieve.findIAA")
    states = _states(params, "_etatInscriptionIA")
    years = sorted({str(r.year) for r in s.registrations if r.annual_state in states})
    if not years:
        raise Fault("technical.data.nullretrieve.findIAA", "Aucune inscription annuelle.")
    return years


def recupererIAAnnuelles_v2(ds, params):
    s = _student(ds, params, missing="technical.data.nullretrieve.findIAA")
    years, states = _years(params, "_annee"), _states(params, "_etatIAA")
    rows = []
    for year in sorted({r.year for r in s.registrations}):
        if years is not None and year not in years:
            continue
        main = next((r for r in s.registrations_of(year) if r.primary), s.registrations_of(year)[0])
        if main.annual_state not in states:
            continue
        rows.append({
            "anneeIAA": str(year),
            "dateIAA": f"{year}-07-15T10:00:00",
            "etatIaa": {"codeEtatIAA": main.annual_state, "libEtatIAA": IAA_STATES[main.annual_state],
                        "temDosIAA": "O"},
            "profil": _code_label(main.profile, "code", "libelle"),
            "regimeIns": {"codRgi": main.regime_code, "libRgi": main.regime_label},
            "statut": {"code": "ETU", "libelle": "Étudiant", "libelleWeb": "Étudiant"},
            "temRgmAmgEtuIAA": "O" if main.adjusted else "N",
        })
    if not rows:
        raise Fault("technical.data.nullretrieve.findIAA", "Aucune inscription annuelle.")
    return rows


def recupererIAEtapes_v3(ds, params):
    s = _student(ds, params, missing="technical.data.nullretrieve.findIAE")
    years = _years(params, "_annee")
    annual_states, step_states = _states(params, "_etatIAA"), _states(params, "_etatIAE")
    rows = []
    for r in s.registrations:
        if years is not None and r.year not in years:
            continue
        if r.annual_state not in annual_states or r.state not in step_states:
            continue
        p = ds.programmes[r.key]
        faculty = ds.faculties.get(p.faculty)
        rows.append({
            "anneeIAE": str(r.year),
            "composante": {"codComposante": p.faculty, "libComposante": faculty.label if faculty else p.faculty},
            "dateIAE": f"{r.year}-07-15T10:00:00",
            "diplome": {"codeDiplome": p.diploma_code, "libLongDiplome": p.diploma_label, "libVdi": p.diploma_label,
                        "libWebVdi": p.diploma_label, "versionDiplome": p.diploma_version},
            "etape": {"codeEtp": p.step_code, "libLongEtp": p.label, "libWebVet": p.label, "versionEtp": p.version},
            "etapePremiere": "oui" if r.primary else "non",
            "etatIaa": {"codeEtatIAA": r.annual_state, "libEtatIAA": IAA_STATES[r.annual_state], "temDosIAA": "O"},
            "etatIae": {"codeEtatIAE": r.state, "libEtatIAE": IAE_STATES[r.state]},
            "regimeIns": {"codRgi": r.regime_code, "libRgi": r.regime_label},
            "codeInscriptionPayee": "P" if r.paid else "N",
            "inscriptionPayee": "Paiement effectué" if r.paid else "Paiement non effectué",
            "nbrInscriptionCycle": str(r.enrolments),
            "nbrInscriptionDiplome": str(r.enrolments),
            "nbrInscriptionEtape": str(r.enrolments),
            "profilEtudiant": _code_label(r.profile, "code", "libelle"),
            "catOuiSi": {"codCat": r.oui_si[0], "libCat": r.oui_si[1], "mtfCat": None} if r.oui_si else None,
            "cursusAmg": {"codCurAmg": r.adjusted[0], "libCurAmg": r.adjusted[1]} if r.adjusted else None,
        })
    if not rows:
        raise Fault("technical.data.nullretrieve.findIAE", "Aucune inscription administrative étape.")
    return rows


def _code_label(pair, code_name, label_name):
    if not pair:
        return None
    return {code_name: pair[0], label_name: pair[1], "libelleWeb": pair[1]}


# --- PedagogiqueMetier -------------------------------------------------------------------------


def _results(ds, student, registration):
    explicit = student.results.get((registration.year, registration.step_code, registration.version))
    if explicit is not None:
        return explicit
    return results_for(student.number, registration, ds.programmes[registration.key], ds.year or registration.year)


def _result_dto(result, credits_name, credits, grade_name):
    final = result.final
    return {
        "etatDelib": {"codEtaAvc": "T" if final else "E", "libEtaAvc": "Terminée" if final else "En cours"},
        "mention": None,
        "natureResultat": {"codAdm": "1", "libAdm": "Admission"},
        credits_name: credits if result.outcome == "ADM" else None,
        grade_name: result.grade,
        "session": {"codSes": result.session, "libSes": f"Session {result.session}"},
        "typResultat": {"codNegTre": None, "codTre": result.outcome, "libTre": OUTCOMES.get(result.outcome, "")},
    }


def _keep_result(params, result):
    if given(params, "_etatDelib") == "T" and not result.final:
        return False
    session = given(params, "_codSes")
    return session in (None, "toutes") or session == result.session


def recupererContratPedagogiqueResultatElpEpr_v6(ds, params):
    s = _student(ds, params, missing="technical.data.nullretrieve.findIAA")
    year = given(params, "_codAnu")
    step, version = given(params, "_codEtp"), given(params, "_codVrsVet")
    states = _states(params, "_codEtaIae")
    of_year = [r for r in s.registrations if str(r.year) == year]
    if not of_year:
        raise Fault("technical.data.nullretrieve.findIAA", "Aucune inscription annuelle pour cette année.")
    registration = next(
        (r for r in of_year if r.step_code == step and (version is None or r.version == version) and r.state in states),
        None,
    )
    if registration is None:
        raise Fault("technical.data.nullretrieve.DossierEtudiantIP", "Aucune inscription pédagogique.")
    programme = ds.programmes[registration.key]
    results = _results(ds, s, registration)
    rows = []
    for course in programme.courses:
        kept = [r for r in results.get(course.code, []) if _keep_result(params, r)]
        rows.append({
            "codAnu": year,
            "codElpSup": course.parent,
            "libEtatIae": IAE_STATES[registration.state],
            "codTypIpe": "N",
            "elp": {
                "codElp": course.code, "libElp": course.label,
                "natureElp": {"codNel": course.nature, "libNel": {"SEM": "Semestre", "UE": "Unité d'enseignement"}.get(course.nature, "Matière"),
                              "temFictif": "N", "temSemestre": "O" if course.nature == "SEM" else "N",
                              "temUe": "O" if course.nature == "UE" else "N"},
                "nbrCrdElp": course.credits,
            },
            "resultatsElp": {"item": [
                dict(_result_dto(r, "nbrCrdElp", course.credits, "notElp"), codAnu=year) for r in kept
            ]} if kept else None,
            "rngElp": course.depth,
        })
    return rows


def recupererContratPedagogiqueResultatVdiVet_v2(ds, params):
    s = _student(ds, params, missing="technical.data.nullretrieve.findIAA")
    years = _years(params, "_codAnu")
    states = _states(params, "_codEtaIae")
    chosen = [r for r in s.registrations if (years is None or r.year in years) and r.state in states]
    if not s.registrations:
        raise Fault("technical.data.nullretrieve.findIAA", "Aucune inscription annuelle.")
    if not chosen:
        raise Fault("technical.data.nullretrieve.codAnu", "Aucun résultat pour cette année.")
    by_diploma = {}
    for r in chosen:
        p = ds.programmes[r.key]
        by_diploma.setdefault((r.year, p.diploma_code, p.diploma_version), []).append((r, p))
    rows = []
    for (year, code, version), items in sorted(by_diploma.items()):
        p0 = items[0][1]
        steps = []
        for registration, programme in items:
            semesters = [
                res for course in programme.courses if course.depth == 1
                for res in _results(ds, s, registration).get(course.code, []) if _keep_result(params, res)
            ]
            step_results = []
            if semesters and all(res.final for res in semesters) and len(semesters) == 2:
                passed = all(res.outcome == "ADM" for res in semesters)
                outcome = "ADM" if passed else "AJ"
                average = sum(float(res.grade.replace(",", ".")) for res in semesters) / 2
                step_results.append(_result_dto(
                    SimResult("1", f"{average:.2f}".replace(".", ","), outcome, True),
                    "nbrCrdVet", "60", "notVet"))
            steps.append({
                "codAnu": str(year), "codTypIpe": "N", "libTypIpe": "Normale",
                "etape": {"codEtp": programme.step_code, "codVrsVet": int(programme.version), "libEtp": programme.label,
                          "libWebVet": programme.label, "temDipVet": "N", "libEtatIae": IAE_STATES[registration.state]},
                "resultatVet": {"item": step_results} if step_results else None,
            })
        rows.append({
            "annee": str(year),
            "diplome": {"codDip": code, "codVrsVdi": int(version), "libDip": p0.diploma_label, "libWebVdi": p0.diploma_label},
            "etapes": {"item": steps},
            "resultatVdi": None,
        })
    return rows


# --- OffreFormationMetier ----------------------------------------------------------------------


def _match(value, wanted):
    return wanted in (None, "tous") or value == wanted


def recupererSE_v4(ds, params):
    c = params.get("_seCritere") or {}

    def crit(name):
        value = (c.get(name) or "").strip()
        return value or None

    rows = {}
    for p in sorted(ds.programmes.values(), key=lambda p: (p.diploma_code, p.step_code)):
        if crit("temOuvertRecrutement") == "O" and not p.open:
            continue
        if not (_match(p.diploma_code, crit("codDip")) or crit("codDip") == "aucun"):
            continue
        if not _match(p.diploma_version, crit("codVrsVdi")) and crit("codVrsVdi") != "aucun":
            continue
        if crit("codTypDip") not in (None, "tous") and p.diploma_type != crit("codTypDip"):
            continue
        if crit("codComposanteVdi") not in (None, "tous") and p.faculty != crit("codComposanteVdi"):
            continue
        if crit("codEtp") != "aucun" and not _match(p.step_code, crit("codEtp")):
            continue
        if crit("codEtp") != "aucun" and not _match(p.version, crit("codVrsVet")):
            continue
        diploma = rows.setdefault(p.diploma_code, _diploma_dto(ds, p))
        version = diploma["versions"].setdefault(p.diploma_version, {
            "codVrsVdi": int(p.diploma_version), "libWebVdi": p.diploma_label, "libCourtVdi": p.diploma_label[:25],
            "credits": 180 if p.diploma_type == "L" else 60, "temOffCom": "N", "temOffDeloc": "N",
            "offreFormation": {"codMention": p.diploma_code[-4:], "libMention": p.diploma_label,
                               "temEnSveMention": "O", "steps": []},
        })
        if crit("codEtp") == "aucun":
            continue
        version["offreFormation"]["steps"].append(_step_dto(ds, p, crit("codElp")))
    if not rows:
        raise Fault("technical.data.nullretrieve.recupererse", "Aucun élément de structure ne correspond.")
    result = []
    for diploma in rows.values():
        versions = []
        for version in diploma.pop("versions").values():
            offer = version["offreFormation"]
            steps = offer.pop("steps")
            offer["listEtape"] = {"item": steps} if steps else None
            versions.append(version)
        diploma["listVersionDiplome"] = {"item": versions}
        result.append(diploma)
    return result


DIPLOMA_TYPES = {"L": ("Licence", "1"), "LP": ("Licence professionnelle", "1"), "M": ("Master", "2"),
                 "DU": ("Diplôme d'université", None)}


def _diploma_dto(ds, p):
    kind, cycle = DIPLOMA_TYPES.get(p.diploma_type, (p.diploma_type, None))
    faculty = ds.faculties.get(p.faculty)
    return {
        "codDip": p.diploma_code, "libDip": p.diploma_label,
        "cycle": {"codCycle": cycle, "libCycle": f"Cycle {cycle}", "temEnSve": "O"} if cycle else None,
        "natureDiplome": {"codNatureDip": "N" if cycle else "U", "libNatureDip": "National" if cycle else "Université",
                          "temEnSve": "O"},
        "temOuvertRecrutement": "O" if p.open else "N",
        "cmpAcc": {"codCmp": p.faculty, "libCmp": faculty.label if faculty else p.faculty, "temEnSveCmp": "O"},
        "temOuvertValidation": "O",
        "typeDiplome": {"codTypDip": p.diploma_type, "libTypDip": kind, "temEnSve": "O"},
        "versions": {},
    }


def _step_dto(ds, p, elp):
    faculty = ds.faculties.get(p.faculty)
    lists = None
    if elp not in (None, "aucun"):
        lists = []
        for semester in (c for c in p.courses if c.depth == 1):
            members = [c for c in p.courses if c.code.startswith(semester.code) and c.code != semester.code]
            members = [c for c in members if elp == "tous" or c.code == elp]
            lists.append({
                "codListElp": f"L{semester.code}", "libListElp": semester.label, "typListElp": "O",
                "listElementPedagogi": {"item": [
                    {"codElp": c.code, "libElp": c.label, "codNatureElp": c.nature, "credits": c.credits,
                     "codPeriode": semester.code[-2:]} for c in members
                ]},
            })
    return {
        "codEtp": p.step_code, "libEtp": p.label, "libCourtEtp": p.label[:25],
        "listComposanteCentreGestion": {"item": [{
            "codComposante": p.faculty, "libComposante": faculty.label if faculty else p.faculty,
            "codCentreGestion": p.faculty,
        }]},
        "listVersionEtape": {"item": [{
            "codVrsVet": int(p.version), "libWebVet": p.label, "credits": 60,
            "listListeElementPedagogi": {"item": lists} if lists else None,
        }]},
    }


# --- Referentials ------------------------------------------------------------------------------


def recupererComposante_v2(ds, params):
    code = given(params, "_codCmp")

    def dto(faculty, seen=()):
        children = [ds.faculties[c] for c in faculty.children if c in ds.faculties and c not in seen]
        return {
            "codCmp": faculty.code, "libCmp": faculty.label, "libWebCmp": faculty.label,
            "temEnSveCmp": "O" if faculty.in_service else "N",
            "listeComposanteFils": {"composante": [dto(c, seen + (faculty.code,)) for c in children]} if children else None,
            "listeComposantePere": None,
        }

    if code is not None:
        if code not in ds.faculties:
            raise Fault("technical.data.nullretrieve.composante", f"Aucune composante {code}.")
        return [dto(ds.faculties[code])]
    children = {c for f in ds.faculties.values() for c in f.children}
    return [dto(f) for f in ds.faculties.values() if f.code not in children]


def recupererRegimeInscription(ds, params):
    code = given(params, "_codRegIns")
    rows = [
        {"codRegIns": c, "libRegIns": label, "licRegIns": label[:10], "temEnSve": "O"}
        for c, label in ds.regimes if code in (None, c)
    ]
    if not rows:
        raise Fault("technical.data.nullretrieve.regimeInscription", "Aucun régime d'inscription.")
    return rows


def recupererProfilEtudiantWS(ds, params):
    code = given(params, "_codPru")
    rows = [
        {"code": c, "libPru": label[:10], "libelle": label, "temEnSvePru": "O", "temMinPru": "N"}
        for c, label in ds.profiles if code in (None, c)
    ]
    if not rows:
        raise Fault("technical.data.nullretrieve.profilEtudiant", "Aucun profil étudiant.")
    return rows


HANDLERS = {name: func for name, func in globals().items() if name.startswith("recuperer")}
