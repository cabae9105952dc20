"""The generated university (``simulators.apogee``'s data) as Pégase's APIs describe it: plain dicts
in the answer schemas of PC-SCOL's OpenAPI files (INS, CHC, COC, IDT).

Both simulators serve the same students. What differs is what each system holds: Pégase has no
enrolment counter but keeps every registration, so the earlier enrolments Apogée counts are
materialised as registrations of earlier periods (``history``); Pégase has arrangements, a gap
year and a parallel course (``extras``) that Apogée does not serve.
"""
import uuid
from dataclasses import replace

from simulators.apogee.data import OUTCOMES
from simulators.apogee.handlers import _results as course_results  # the same grades as Apogée's

STRUCTURE = "ETAB00"  # the institution's code in Pégase (path parameter codeStructure)
UAI = "0999999Z"  # the institution's UAI
IDS = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e")
# The documents a student approves when registering (``DocumentAApprouver``): label, text, blocking, visible.
DOCUMENTS = {
    "CHARTE-EXAMENS": ("Charte des examens", "<p>Je m'engage à respecter la charte des examens.</p>", True, True),
    "DROIT-IMAGE": ("Droit à l'image", "<p>J'autorise l'université à utiliser mon image.</p>", False, True),
    "REGLEMENT-INTERIEUR": ("Règlement intérieur", "Le règlement intérieur de l'université.", True, False),
}
LEVEL_TYPES = {1: ("SEMESTRE", "Semestre"), 2: ("UE", "Unité d'enseignement"), 3: ("EC", "Élément constitutif")}


def uid(*parts):
    return str(uuid.uuid5(IDS, ":".join(str(p) for p in parts)))


def period_code(year):
    return f"PER-{year}"


def is_cancelled(registration):
    return registration.state != "E" or registration.annual_state != "E"


def history(student):
    """The student's registrations, with the earlier enrolments of each one (Apogée's counter)
    placed in the latest earlier years where the student has no registration at all."""
    registrations = list(student.registrations)
    busy = {r.year for r in registrations}
    added = []
    for registration in student.registrations:
        earlier = sum(1 for r in registrations if r.key == registration.key and r.year < registration.year
                      and not is_cancelled(r))
        missing, year = registration.enrolments - 1 - earlier, registration.year - 1
        while missing > 0 and year > registration.year - 10:
            if year not in busy:
                added.append(replace(registration, year=year, enrolments=1, state="E", annual_state="E"))
                busy.add(year)
                missing -= 1
            year -= 1
    return sorted(registrations + added, key=lambda r: (r.year, not r.primary, r.step_code))


def gender(student):
    return "F" if int(student.number[-1]) % 2 else "M"


def _status(registration):
    return "annulee" if is_cancelled(registration) else "valide"


def _period(year):
    return {
        "est1": "Periode", "id": uid("period", year), "code": period_code(year), "libelleCourt": f"{year}-{year + 1}",
        "libelleLong": f"Année universitaire {year}-{year + 1}", "dateDebut": f"{year}-09-01",
        "dateFin": f"{year + 1}-08-31", "anneeUniversitaire": year, "libelleAffichage": f"{year}-{year + 1}",
    }


# --- INS ---------------------------------------------------------------------------------------


def flux_entry(student, registration, programme, extras):
    """One registration as ``listerFluxInscriptionsPagine`` lists it (``VueInscription``)."""
    year, status = registration.year, _status(registration)
    stamp = _stamp(year)
    chemin = [
        {"code": programme.diploma_code, "type": programme.diploma_type, "libelleCourt": programme.diploma_code,
         "libelleLong": programme.diploma_label, "idChemin": uid("path", programme.diploma_code),
         "idPeriode": uid("period", year)},
        {"code": programme.step_code, "type": "ANNEE", "libelleCourt": programme.step_code,
         "libelleLong": programme.label, "idChemin": uid("path", programme.diploma_code, programme.step_code),
         "idPeriode": uid("period", year)},
    ]
    return {
        "UAI": UAI, "idApprenant": uid("identity", student.number), "codeApprenant": student.number,
        "dateInscription": f"{year}-09-01T00:00:00", "derniereModification": stamp,
        "derniereModificationApprenant": stamp, "INE": student.ine, "civilite": gender(student),
        "nomUsage": student.usual_name or student.last_name, "nomFamille": student.last_name,
        "prenom": student.first_name, "dateDeNaissance": student.birth_date.isoformat(), "nationalite": "100",
        "droitPhoto": False, "regime": registration.regime_code, "bourses": [], "mobilite": "SANS",
        "statutPaiement": "paye" if registration.paid else "non_paye",
        # The schema requires "statusInscription" (sic) and describes "statutInscription": both are sent.
        "statutInscription": status, "statusInscription": status,
        "inscriptionPrincipale": registration.primary, "formation": programme.diploma_code,
        "anneeUniversitaire": year, "periode": f"{year}-{year + 1}", "chemin": chemin,
        "UAIStructurePrincipale": programme.faculty, "adresses": [], "telephones": [],
        "mels": [{"canalCommunication": "VueContactMel", "code": "MELPERSO", "libelle": "Mél personnel",
                  "mail": student.email}] if student.email else [],
    }


def _stamp(year):
    """Seconds since 1970 of 1 September of the year (when the simulated registrations changed)."""
    from calendar import timegm

    return timegm((year, 9, 1, 0, 0, 0))


def dossier(student, programmes, extras):
    """``lireInscriptions``: the learner and every registration (``ApprenantEtInscriptions``)."""
    first_year = student.first_year or min((r.year for r in student.registrations), default=None)
    apprenant = {
        "code": student.number,
        "derniereModificationApprenant": _stamp(first_year or 2000),
        "etatCivil": {"nomDeNaissance": student.last_name, "nomUsuel": student.usual_name or student.last_name,
                      "prenom": student.first_name, "genre": gender(student)},
        "naissance": {"dateDeNaissance": student.birth_date.isoformat(), "nationalite": "100",
                      "libelleNationalite": "Française"},
        "contacts": [_mail_contact(student.email)] if student.email else [],
        "bac": {"ine": student.ine, "statutIne": "CONFIRME"},
        "premieresInscriptions": {"anneeEtablissement": str(first_year)} if first_year else {},
    }
    inscriptions = [
        _inscription(student, r, programmes[r.key], extras if r.primary else None, first_year)
        for r in history(student) if r.key in programmes
    ]
    return {"apprenant": apprenant, "inscriptions": inscriptions}


def _mail_contact(email):
    return {
        "canalCommunication": "ContactMelComplet", "mail": email,
        "demandeDeContact": {"est1": "DemandeDeContactSimple", "code": "MELPERSO", "codeStructure": STRUCTURE,
                             "libelleAffichage": "Mél personnel", "canalCommunication": "MAIL",
                             "prioriteAffichage": 1, "temoinSaisie": "OBLIGATOIRE",
                             "temoinSaisieProprietaire": "NON_SAISI"},
    }


def _parallel(extras, year):
    if extras is None or not extras.parallel_course:
        return {}
    return {"filiere": {"code": extras.parallel_course, "contexteConsommation": f"{year}-09-01"},
            "convention": extras.convention}


def _situation(registration, extras):
    return {
        "amenagementsSpecifiques": list(extras.arrangements) if extras else [],
        "souhaitAmenagement": bool(extras and extras.arrangements),
        "profilsSpecifiques": [registration.profile[0]] if registration.profile else [],
    }


def _inscription(student, registration, programme, extras, first_year):
    year = registration.year
    again = bool(first_year and year > first_year)
    return {
        "idApprenant": uid("identity", student.number), "codeEtablissement": STRUCTURE,
        "cible": {
            "est1": "CibleInscription", "id": uid("path", programme.diploma_code, programme.step_code),
            "code": programme.step_code, "libelleCourt": programme.step_code, "libelleLong": programme.label,
            "codeStructure": STRUCTURE, "UAIStructurePrincipale": programme.faculty,
            "formation": {"est1": "Formation", "code": programme.diploma_code, "libelleCourt": programme.diploma_code,
                          "libelleLong": programme.diploma_label},
            "chemin": [{"est1": "ObjetFormationOuGroupement", "code": programme.step_code,
                        "libelleCourt": programme.step_code, "libelleLong": programme.label,
                        "nature": "ObjetFormation"}],
            "periode": _period(year),
        },
        "origine": "reinscription" if again else "parcoursup",
        "principale": registration.primary, "statutInscription": _status(registration),
        "contexteInscription": "reins" if again else "primo",
        "statutPaiement": "paye" if registration.paid else "non_paye",
        "regimeInscription": {"nomenclature": "RegimeInscription", "code": registration.regime_code,
                              "libelle": registration.regime_label, "contexteConsommation": f"{year}-09-01"},
        "boursesEtAides": [],
        "situationPersonnelleInscription": _situation(registration, extras),
        "cvec": {"numero": f"CVE{student.number}{year}"},
        "situationUniversitaire": {"cesure": extras.gap_year if extras else "SANS", "mobilite": "SANS"},
        "situationPrecedente": {"anneePrecedente": year - 1},
        "cursusParallele": _parallel(extras, year), "ecoleDoctorale": {},
        "accords": [_accord(code, answer, year, priority)
                    for priority, (code, answer) in enumerate(reversed(extras.agreements if extras else
                                                                       (("CHARTE-EXAMENS", True),)), 1)],
        "dateInscription": f"{year}-09-01", "dateDerniereModification": f"{year}-09-01",
    }


def _accord(code, answer, year, priority):
    """``AccordComplet``: the document and the student's answer (none: not answered yet)."""
    label, content, blocking, visible = DOCUMENTS[code]
    accord = {"documentAApprouver": {
        "code": code, "codeStructure": STRUCTURE, "libelleAffichage": label, "contenu": content,
        "libelleAcceptation": "J'accepte", "libelleRefus": "Je refuse", "temoinBloquant": blocking,
        "dateDebutValidite": f"{year}-07-01", "prioriteAffichage": priority, "temoinVisible": visible,
    }}
    if answer is not None:
        accord.update(estAccepte=answer, dateValidation=f"{year}-08-{20 + priority:02d}")
    return accord


# --- IDT ---------------------------------------------------------------------------------------


def identity_summary(student):
    """``IdentiteApprenantSummary``."""
    return {
        "id": uid("identity", student.number), "identifiantApprenantPegase": f"A{student.number}",
        "prenom": student.first_name, "nomNaissance": student.last_name, "sexe": gender(student),
        "codeApprenant": student.number, "ineMaitre": student.ine, "inesSupplementaires": [],
        "dateNaissance": student.birth_date.isoformat(),
    }


def identity_detail(student):
    """``IdentiteImmatriculeeDetail``: the institutional address is the directory's."""
    contact = {}
    if student.directory_email:
        contact["adresseElectroniqueInstitutionnelle"] = student.directory_email
    return {
        "id": uid("identity", student.number), "identifiantApprenantPegase": f"A{student.number}",
        "nomNaissance": student.last_name, "prenom": student.first_name,
        "email": student.email or f"{student.number}@mail.example",
        "profilApprenant": {
            "codeApprenant": student.number, "ineMaitre": student.ine,
            "etatCivil": {"sexe": gender(student), "dateNaissance": student.birth_date.isoformat(),
                          "nomUsage": student.usual_name or student.last_name},
            "donneesContact": contact,
        },
        "statutIne": "CONFIRME", "temoinVerrouille": False,
    }


# --- CHC ---------------------------------------------------------------------------------------


def _tree(programme):
    """{parent code or None: [SimCourse]} in the programme's order."""
    children = {}
    for course in programme.courses:
        children.setdefault(course.parent, []).append(course)
    return children


def _ligne(code, label, kind, credits, children_lines):
    return {
        "codeObjetMaquette": code, "libelleLongObjetMaquette": label, "libelleAffichageTypeObjetFormation": kind,
        "estObligatoire": True, "creditEcts": float(credits) if credits else None, "amenagements": [],
        "typeChoixPedagogique": "AFFECTATION_CHOISIE", "enfants": children_lines,
    }


def cursus_list(student, programmes):
    """``lireCursusApprenant``: the pedagogical choices of every valid registration."""
    found = []
    for registration in history(student):
        programme = programmes.get(registration.key)
        if programme is None or is_cancelled(registration):
            continue
        tree = _tree(programme)

        def lines(parent):
            return [_ligne(c.code, c.label, LEVEL_TYPES[c.depth][1], c.credits, lines(c.code))
                    for c in tree.get(parent, [])]

        found.append({
            "codeStructure": STRUCTURE,
            "periode": {"code": period_code(registration.year),
                        "libelleAffichage": f"{registration.year}-{registration.year + 1}",
                        "dateDebut": f"{registration.year}-09-01"},
            "formation": {"code": programme.diploma_code, "libelleLong": programme.diploma_label},
            "racinePedagogique": _ligne(programme.step_code, programme.label, "Année", "60", lines(None)),
        })
    return found


def students_on(dataset, year, object_code, extras_of):
    """``extraireCursusObjetFormationPeriode``: the learners assigned to an object in a period."""
    keys = [p.key for p in dataset.programmes.values() if p.step_code == object_code]
    if not keys:
        return []
    programme = dataset.programmes[keys[0]]
    learners = []
    for number in dataset.listed(keys, year):
        student = dataset.student(number)
        learners.append({"codeApprenant": number, "nomFamille": student.last_name, "prenom": student.first_name,
                         "dateNaissance": student.birth_date.isoformat(), "amenagements": []})
    learners.sort(key=lambda a: (a["nomFamille"], a["codeApprenant"]))
    return [{
        "objetFormation": {"code": programme.step_code, "libelleCourt": programme.step_code,
                           "libelleLong": programme.label, "caractereObligatoire": True, "capaciteAccueil": None,
                           "chemin": f"{programme.diploma_code}>{programme.step_code}",
                           "typeObjetFormation": {"code": "ANNEE", "libelleCourt": "ANNEE",
                                                  "libelleLong": "Année"}},
        "listeApprenants": learners,
    }]


# --- COC ---------------------------------------------------------------------------------------


def _result(outcome):
    if outcome is None:
        return None
    label = OUTCOMES.get(outcome, outcome)
    return {"code": outcome, "libelleCourt": outcome, "libelleLong": label.upper(), "libelleAffichage": label}


def _grade(text):
    return float(text.replace(",", ".")) if text else None


def _chemin(path, code, short, label, results):
    sessions = {r.session: r for r in results}
    first, second = sessions.get("1"), sessions.get("2")
    final = second or first
    done = bool(final and final.final)
    return {
        "codeChemin": path, "objetFeuille": {"code": code, "libelleCourt": short, "libelleLong": label},
        "bareme": 20 if results else None,
        **_grades(first, "noteSession1", "resultatSession1"),
        "delibereSession1": first.final if first else None,
        "concerneParSession2": second is not None,
        **_grades(second, "noteSession2", "resultatSession2"),
        **_grades(final if done else None, "noteFinale", "resultatFinal"),
        "delibereFinales": done if results else None,
        "publieSession1": True, "publieSession2": True, "publieEvaluationsFinales": done,
        "listeTypeAmenagement": [], "listeControle": [],
    }


def _grades(result, grade, outcome):
    """A session's grade and result under their names in ``CursusPubliable``; null without one."""
    if result is None:
        return {grade: None, outcome: None}
    return {grade: _grade(result.grade), outcome: _result(result.outcome)}


def published_results(dataset, student, year, path):
    """``listerCursusPubliableApprenant``: the registration's object then its descendants, each with
    its published grades; [] when the path is not one of the student's registrations that year."""
    codes = path.split(">")
    for registration in history(student):
        programme = dataset.programmes.get(registration.key)
        if (registration.year != year or programme is None or is_cancelled(registration)
                or codes[-1] != programme.step_code):
            continue
        grades = course_results(dataset, student, registration)
        rows = [_chemin(path, programme.step_code, programme.step_code, programme.label, [])]
        tree = _tree(programme)

        def walk(parent, prefix):
            for course in tree.get(parent, []):
                here = f"{prefix}>{course.code}"
                rows.append(_chemin(here, course.code, course.code, course.label, grades.get(course.code, [])))
                walk(course.code, here)

        walk(None, path)
        return rows
    return []
