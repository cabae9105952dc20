"""Apogée behind the ``StudentInformationSystem`` interface: calls and the mapping of its DTOs.

Data protection (domain-notes DP-1, DP-9): only the fields of apogee-ws.md §5 are read. In
particular ``InfoAdmEtuDTO4.handicap`` is never read, even when the server sends it.
"""
from decimal import Decimal

from app.sis.apogee.client import SKIP, ApogeeClient
from app.sis.apogee.settings import ApogeeSettings
from app.sis.interface import (
    CourseRecord,
    CourseResult,
    FacultyRecord,
    ProgrammeRecord,
    RegistrationRecord,
    StudentContact,
    StudentIdentity,
    StudentInformationSystem,
    StudentListing,
    StudentSnapshot,
)


def text(value):
    """A DTO value as a stripped string, None when absent or empty (ids may arrive as ints)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = value.normalize()
        value = format(value, "f")
    value = str(value).strip()
    return value or None


def attr(obj, *path):
    """``obj.a.b`` or None when any step is missing (nillable DTO fields)."""
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def items(wrapper, name="item"):
    """The elements of a ``Tableau…`` wrapper (``<x><item/>…</x>``), or of a plain list."""
    if wrapper is None:
        return []
    if isinstance(wrapper, list):
        return wrapper
    return list(getattr(wrapper, name, None) or [])


def code_of(value):
    """A code that may be a plain string or a small DTO (first ``cod…`` field)."""
    if value is None or isinstance(value, (str, int)):
        return text(value)
    for key in getattr(value, "__values__", {}) or {}:
        if key.lower().startswith("cod"):
            return text(getattr(value, key))
    return None


class ApogeeSystem(StudentInformationSystem):
    name = "Apogée"

    def __init__(self, settings: ApogeeSettings, client=None):
        self.settings = settings
        self.client = client or ApogeeClient(settings)
        self.concurrency = settings.concurrency

    @classmethod
    def from_config(cls, config, **overrides):
        return cls(ApogeeSettings.from_config(config, **overrides))

    def close(self):
        self.client.close()

    # --- referentials and offer

    def faculties(self):
        rows = self.client.call("ReferentielMetier", "recupererComposante_v2", _codCmp=SKIP, _sens=SKIP) or []
        found, stack = {}, list(rows)
        while stack:
            row = stack.pop(0)
            code = text(row.codCmp)
            if code and text(row.temEnSveCmp) == "O" and code not in found:
                found[code] = FacultyRecord(code, text(row.libCmp) or text(row.libWebCmp) or code)
            stack.extend(items(row.listeComposanteFils, "composante"))
        return list(found.values())

    def programmes(self, year, diploma_types):
        found = {}
        for diploma_type in diploma_types:
            criteria = {
                "codAnu": str(year), "codDip": "tous", "codVrsVdi": "tous", "codEtp": "tous",
                "codVrsVet": "tous", "codElp": "aucun", "codTypDip": diploma_type,
            }
            rows = self.client.call("OffreFormationMetier", "recupererSE_v4", _seCritere=criteria) or []
            for diploma in rows:
                kind = code_of(diploma.typeDiplome)
                if kind != diploma_type:  # the server may ignore codTypDip: check again
                    continue
                for vdi in items(diploma.listVersionDiplome):
                    for step in items(attr(vdi, "offreFormation", "listEtape")):
                        faculty = next(iter(items(step.listComposanteCentreGestion)), None)
                        for vet in items(step.listVersionEtape):
                            record = ProgrammeRecord(
                                step_code=text(step.codEtp),
                                step_version=text(vet.codVrsVet),
                                label=text(vet.libWebVet) or text(step.libEtp) or text(step.codEtp),
                                faculty_code=text(attr(faculty, "codComposante")),
                                faculty_label=text(attr(faculty, "libComposante")) or "",
                                diploma_code=text(diploma.codDip),
                                diploma_version=text(vdi.codVrsVdi),
                                diploma_type=kind,
                            )
                            if record.step_code and record.step_version and record.faculty_code:
                                found.setdefault(record.key, record)
        return sorted(found.values(), key=lambda p: p.key)

    def students_of(self, programme, year):
        criteria = {
            "annee": str(year),
            "listEtapes": {"item": [{"code": programme.step_code, "listVersion": [programme.step_version]}]},
        }
        if programme.diploma_code:
            criteria["listDiplomes"] = {
                "item": [{"code": programme.diploma_code, "listVersion": [programme.diploma_version or ""]}]
            }
        rows = self.client.call("EtudiantMetier", "recupererListeEtudiants", _parametres=criteria) or []
        return [
            StudentListing(text(r.codEtu), text(r.nom) or "", text(r.prenom) or "")
            for r in rows
            if text(r.codEtu)
        ]

    # --- one student

    def student(self, student_number, year):
        call = self.client.call
        info = call("EtudiantMetier", "recupererInfosAdmEtu_v4", _codEtu=student_number)
        if info is None:
            return StudentSnapshot(student_number, None, None, ())
        birth = info.dateNaissance
        identity = StudentIdentity(
            student_number=text(info.numEtu) or student_number,
            ine=text(info.numeroINE),
            last_name=text(info.nomUsuel) or text(info.nomPatronymique) or "",
            first_name=text(info.prenom1) or text(info.prenomEtatCivil) or "",
            birth_date=birth.date() if hasattr(birth, "date") else None,
        )
        address = call("EtudiantMetier", "recupererAdressesEtudiant_v2",
                       _codEtu=student_number, _annee=str(year), _recupAnnuaire="O")
        contact = None
        if address is not None:
            contact = StudentContact(
                email=text(address.emailAnnuaire) or text(address.email),
                directory_login=text(address.loginAnnuaire),
            )
        rows = call("AdministratifMetier", "recupererIAEtapes_v3",
                    _codEtu=student_number, _annee=str(year), _etatIAA="ARE", _etatIAE="ARE") or []
        registrations = tuple(r for r in (self._registration(row, year) for row in rows) if r is not None)
        return StudentSnapshot(student_number, identity, contact, registrations)

    @staticmethod
    def _registration(row, year):
        step = row.etape
        step_code, version = text(attr(step, "codeEtp")), text(attr(step, "versionEtp"))
        if not step_code or not version:
            return None
        programme = ProgrammeRecord(
            step_code=step_code,
            step_version=version,
            label=text(step.libWebVet) or text(step.libLongEtp) or step_code,
            faculty_code=text(attr(row, "composante", "codComposante")),
            faculty_label=text(attr(row, "composante", "libComposante")) or "",
            diploma_code=text(attr(row, "diplome", "codeDiplome")),
            diploma_version=text(attr(row, "diplome", "versionDiplome")),
        )
        annual = text(attr(row, "etatIaa", "codeEtatIAA")) or "E"
        stage = text(attr(row, "etatIae", "codeEtatIAE")) or "E"
        count = text(row.nbrInscriptionEtape)
        return RegistrationRecord(
            year=int(text(row.anneeIAE) or year),
            programme=programme,
            is_primary=(text(row.etapePremiere) or "").lower() == "oui",
            is_cancelled=annual != "E" or stage != "E",
            profile_code=text(attr(row, "profilEtudiant", "code")),
            regime_code=text(attr(row, "regimeIns", "codRgi")),
            regime_label=text(attr(row, "regimeIns", "libRgi")),
            enrolment_count=int(count) if count and count.isdigit() and int(count) > 0 else 1,
            oui_si_category=text(attr(row, "catOuiSi", "libCat")) or text(attr(row, "catOuiSi", "codCat")),
            adjusted_path=text(attr(row, "cursusAmg", "libCurAmg")) or text(attr(row, "cursusAmg", "codCurAmg")),
            is_paid=text(row.codeInscriptionPayee) == "P",
        )

    def course_registrations(self, student_number, year, step_code, step_version):
        rows = self.client.call(
            "PedagogiqueMetier", "recupererContratPedagogiqueResultatElpEpr_v6",
            _codEtu=student_number, _codAnu=str(year), _codEtp=step_code, _codVrsVet=step_version,
            _sourceRes="Apogee", _etatDelib="AET", _codSes="toutes", _typeRes="tous", _codEtaIae="E",
        ) or []
        courses = []
        for row in rows:
            elp = row.elp
            results = tuple(
                CourseResult(
                    session=text(attr(r, "session", "libSes")) or text(attr(r, "session", "codSes")) or "",
                    grade=text(r.notElp),
                    outcome=text(attr(r, "typResultat", "libTre")) or text(attr(r, "typResultat", "codTre")),
                    outcome_code=text(attr(r, "typResultat", "codTre")),
                    final=text(attr(r, "etatDelib", "codEtaAvc")) == "T",
                )
                for r in items(row.resultatsElp)
            )
            courses.append(CourseRecord(
                code=text(attr(elp, "codElp")) or "",
                label=text(attr(elp, "libElp")) or "",
                parent_code=text(row.codElpSup),
                depth=int(row.rngElp or 1),
                nature=text(attr(elp, "natureElp", "codNel")),
                credits=text(attr(elp, "nbrCrdElp")),
                registration_kind=text(row.codTypIpe),
                results=results,
            ))
        return courses
