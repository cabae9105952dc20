"""A deterministic university of any size for the simulator, and the demo university.

The same seed and size always give the same data. Each student is derived from its own random
stream (seed, index), so one student can be rebuilt without building the others.
"""
import random
import unicodedata
from datetime import date

from simulators.apogee.data import (
    PROFILES,
    REGIMES,
    Dataset,
    SimCourse,
    SimFaculty,
    SimProgramme,
    SimRegistration,
    SimResult,
    SimStudent,
)

FACULTIES = [
    ("SCI", "UFR Sciences et techniques", ["MATH", "INFO", "PHYS", "CHIM", "BIOL"]),
    ("LET", "UFR Lettres, langues et sciences humaines", ["LETM", "HIST", "ANGL", "PSYC"]),
    ("DEG", "UFR Droit, économie, gestion", ["DROI", "ECON", "GEST"]),
    ("STA", "UFR Sciences et techniques des activités physiques et sportives", ["STAP"]),
    ("SAN", "UFR Santé", ["SANT"]),
    ("IUT", "Institut universitaire de technologie", ["QLIO", "GEII"]),
]
MENTIONS = {
    "MATH": "Mathématiques", "INFO": "Informatique", "PHYS": "Physique", "CHIM": "Chimie",
    "BIOL": "Biologie", "LETM": "Lettres modernes", "HIST": "Histoire", "ANGL": "Anglais",
    "PSYC": "Psychologie", "DROI": "Droit", "ECON": "Économie", "GEST": "Gestion", "STAP": "STAPS",
    "SANT": "Sciences pour la santé", "QLIO": "Logistique", "GEII": "Génie électrique",
}
FIRST_NAMES = [
    "Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Arthur",
    "Jade", "Jules", "Zoé", "Raphaël", "Lina", "Adam", "Emma", "Nathan", "Sarah", "Théo",
    "Alice", "Noah", "Rose", "Sacha", "Anna", "Ethan", "Mila", "Paul", "Louise", "Tom",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Nguyen", "Benali", "Diallo", "Rousseau", "Blanc",
]
OUI_SI = [("OS1", "Oui si – accompagnement méthodologique"), ("OS2", "Oui si – licence en quatre ans")]
ADJUSTED = [("CAS", "Cursus aménagé sportif"), ("CAA", "Cursus aménagé artiste")]


def ascii_slug(text):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def courses_for(step_code, rng_seed=0):
    """The course tree of a programme: 2 semesters × 3 teaching units × 2 subjects."""
    rng = random.Random(f"{rng_seed}:{step_code}")
    courses = []
    for s in (1, 2):
        semester = f"{step_code[:6]}S{s}"
        courses.append(SimCourse(semester, f"Semestre {s}", "SEM", "30", None, 1))
        for u in (1, 2, 3):
            unit = f"{semester}U{u}"
            courses.append(SimCourse(unit, f"UE {s}.{u}", "UE", "10", semester, 2))
            for m in (1, 2):
                subject = f"{unit}{m}"
                topic = rng.choice(["Fondamentaux", "Méthodes", "Projet", "Approfondissement", "Outils"])
                courses.append(SimCourse(subject, f"{topic} {s}.{u}.{m}", "MAT", None, unit, 3))
    return courses


def results_for(student_number, registration, programme, current_year):
    """Grades of one IP: final for past years, first semester only for the current one."""
    rng = random.Random(f"{student_number}:{registration.year}:{registration.step_code}")
    results = {}
    for course in programme.courses:
        if registration.year >= current_year and not course.code.split(programme.step_code[:6])[-1].startswith("S1"):
            continue
        grade = round(rng.gauss(11.5, 3.5), 2)
        grade = min(max(grade, 0), 20)
        outcome = "ADM" if grade >= 10 else "AJ"
        final = registration.year < current_year
        results[course.code] = [SimResult("1", f"{grade:.2f}".replace(".", ","), outcome, final)]
    return results


def _offer(year):
    faculties, programmes = [], []
    for code, label, mentions in FACULTIES:
        faculties.append(SimFaculty(code, label))
        for mention in mentions:
            name = MENTIONS[mention]
            if code == "IUT":
                programmes.append(_programme(f"LP3{mention}", f"Licence professionnelle {name}", code,
                                             f"LP{mention}", f"Licence professionnelle {name}", "LP"))
                continue
            for level in (1, 2, 3):
                programmes.append(_programme(f"L{level}{mention}", f"Licence {level} {name}", code,
                                             f"L{mention}", f"Licence {name}", "L"))
            if code in ("SCI", "LET", "DEG"):
                for level in (1, 2):
                    programmes.append(_programme(f"M{level}{mention}", f"Master {level} {name}", code,
                                                 f"M{mention}", f"Master {name}", "M"))
    programmes.append(_programme("DU1ENTR", "DU Étudiant entrepreneur", "DEG", "DUENTR", "DU Étudiant entrepreneur", "DU"))
    return faculties, programmes


def _programme(step, label, faculty, diploma, diploma_label, diploma_type, version="101"):
    return SimProgramme(step, version, label, faculty, diploma, version, diploma_label, diploma_type,
                        courses=courses_for(step))


class Generator:
    """Builds student ``3NNNNNNN`` (index NNNNNNN) on demand."""

    PREFIX = "3"

    def __init__(self, students, seed, year, programmes):
        self.count = students
        self.seed = seed
        self.year = year
        self.programmes = programmes
        self._licences = {}
        for p in programmes.values():
            if p.diploma_type == "L":
                self._licences.setdefault(int(p.step_code[1]), []).append(p)
        self._others = {t: [p for p in programmes.values() if p.diploma_type == t] for t in ("LP", "M", "DU")}
        self._forgotten = set()
        self._index = {}
        for i in range(students):
            number = self.number(i)
            for reg in self._plan(i):
                if reg.state == "E" and reg.annual_state == "E":
                    self._index.setdefault((reg.key, reg.year), []).append(number)

    def number(self, index):
        return f"{self.PREFIX}{index:07d}"

    def index_of(self, number):
        if len(number) != 8 or not number.startswith(self.PREFIX) or not number.isdigit():
            return None
        index = int(number[1:])
        return index if index < self.count and number not in self._forgotten else None

    def all_numbers(self):
        return [self.number(i) for i in range(self.count) if self.number(i) not in self._forgotten]

    def forget(self, number):
        self._forgotten.add(number)

    def numbers_in(self, keys, year):
        for key in keys:
            for number in self._index.get((key, year), ()):
                if number not in self._forgotten:
                    yield number

    def _rng(self, index, purpose):
        return random.Random(f"{self.seed}:{index}:{purpose}")

    def _plan(self, index):
        rng = self._rng(index, "plan")
        year = self.year
        kind = rng.random()
        registrations = []
        regime = REGIMES[0] if rng.random() < 0.9 else rng.choice(REGIMES[1:])
        profile = None
        roll = rng.random()
        if roll < 0.03:
            profile = PROFILES[1]
        elif roll < 0.07:
            profile = PROFILES[2]
        enrolments = 1 + (rng.random() < 0.12) + (rng.random() < 0.02)
        paid = rng.random() >= 0.04
        if kind < 0.80:
            level = 1 if rng.random() < 0.45 else (2 if rng.random() < 0.55 else 3)
            programme = rng.choice(self._licences[level])
            oui_si = rng.choice(OUI_SI) if level == 1 and rng.random() < 0.10 else None
            adjusted = rng.choice(ADJUSTED) if rng.random() < 0.03 else None
            registrations.append(SimRegistration(
                year, programme.step_code, programme.version, True, "E", "E", regime[0], regime[1],
                enrolments, profile, paid, oui_si, adjusted,
            ))
            extra = rng.random()
            if extra < 0.05:  # double inscription in another mention
                other = rng.choice([p for p in self._licences[level] if p.diploma_code != programme.diploma_code])
                state = "A" if rng.random() < 0.1 else "E"
                registrations.append(SimRegistration(year, other.step_code, other.version, False, state, "E",
                                                     regime[0], regime[1], 1, None, paid))
            elif extra < 0.07:  # reorientation towards a first year elsewhere
                other = rng.choice([p for p in self._licences[1] if p.diploma_code != programme.diploma_code])
                registrations.append(SimRegistration(year, other.step_code, other.version, False, "E", "E",
                                                     regime[0], regime[1], 1, PROFILES[0], paid))
            if level > 1:  # last year's registration
                below = programme if enrolments > 1 else self._sibling(programme, level - 1)
                registrations.append(SimRegistration(year - 1, below.step_code, below.version, True, "E", "E",
                                                     regime[0], regime[1], max(enrolments - 1, 1)))
        else:
            pool = self._others["M"] if kind < 0.94 else (self._others["LP"] if kind < 0.98 else self._others["DU"])
            programme = rng.choice(pool)
            registrations.append(SimRegistration(year, programme.step_code, programme.version, True, "E", "E",
                                                 regime[0], regime[1], enrolments, profile, paid))
        return registrations

    def _sibling(self, programme, level):
        step = f"L{level}{programme.step_code[2:]}"
        return self.programmes[(step, programme.version)]

    def build(self, number):
        index = self.index_of(number)
        if index is None:
            return None
        rng = self._rng(index, "identity")
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        login = f"{ascii_slug(first)[:1]}{ascii_slug(last)[:10]}{index % 1000:03d}"
        student = SimStudent(
            number=number,
            ine=f"{index + 100000000:09d}{chr(65 + index % 26)}{chr(65 + index // 26 % 26)}",
            last_name=last.upper(),
            first_name=first,
            birth_date=date(self.year - 18 - rng.randint(0, 6), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"{ascii_slug(first)}.{ascii_slug(last)}{index}@mail.example",
            directory_email=f"{ascii_slug(first)}.{ascii_slug(last)}{index}@etu.univ.example",
            directory_login=login,
            has_address=rng.random() >= 0.03,
            first_year=self.year - rng.randint(0, 3),
            handicap="N",
            registrations=self._plan(index),
        )
        return student


def generate(students=1000, seed=1, year=None):
    """A university of ``students`` students (numbers 30000000, 30000001, …) for ``year``."""
    year = year if year is not None else _default_year()
    faculties, programmes = _offer(year)
    by_key = {p.key: p for p in programmes}
    return Dataset(faculties, programmes, generator=Generator(students, seed, year, by_key), year=year)


def demo_dataset(year=None):
    """The demo university of ``seeds/demo.py`` as Apogée holds it (same programmes, students, IAs)."""
    from seeds.demo import demo_university

    year = year if year is not None else _default_year()
    university = demo_university(year)
    faculties = [SimFaculty(code, label) for code, label in university.faculties]
    programmes = [
        _programme(p.step_code, p.label, p.faculty, p.diploma_code, p.diploma_label, p.diploma_type, p.version)
        for p in university.programmes
    ]
    students = []
    for s in university.students:
        registrations = [
            SimRegistration(
                r.year, r.step_code, r.version, r.is_primary, "E", "E", r.regime_code, r.regime_label,
                r.enrolment_count, (r.profile_code, "Réorientation") if r.profile_code else None,
            )
            for r in s.registrations
        ]
        students.append(SimStudent(
            number=s.student_number, ine=s.ine, last_name=s.last_name, first_name=s.first_name,
            birth_date=s.birth_date, email=s.email, handicap="N", registrations=registrations,
            first_year=min(r.year for r in s.registrations),
        ))
    return Dataset(faculties, programmes, students, year=year)


def _default_year():
    from seeds.catalogue import academic_year

    return academic_year()
