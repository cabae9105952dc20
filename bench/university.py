"""A large synthetic university as plain data: faculties, 60 programmes, students over five years.

Students enter L1, then each year pass, repeat, change licence or leave, with rates close to what
French universities publish (about 45 % pass L1 in one year). The simulation decides who is
registered where each year; ``bench/contracts.py`` turns each registration into a contract.
Everything is drawn from one seeded ``random.Random``: the same arguments give the same rows.
"""
import random
from itertools import accumulate
import unicodedata
from dataclasses import dataclass, field
from datetime import date

INSTITUTION_LABEL = "Université de démonstration"
# code, label; SCI and LET are the demo university's own faculties, reused.
FACULTIES = [
    ("SCI", "UFR Sciences et techniques"),
    ("LET", "UFR Lettres, langues et sciences humaines"),
    ("DEG", "UFR Droit, économie et gestion"),
    ("LLC", "UFR Langues et cultures étrangères"),
    ("SHS", "UFR Sciences humaines et sociales"),
    ("STAPS", "UFR Sciences et techniques des activités physiques et sportives"),
    ("ART", "UFR Arts"),
]
# code, label, faculty, weight (relative size of its L1 intake): 20 licences × 3 levels = 60 programmes.
LICENCES = [
    ("INFO", "Informatique", "SCI", 6), ("PHYC", "Physique, chimie", "SCI", 4),
    ("SVIE", "Sciences de la vie", "SCI", 7), ("STER", "Sciences de la Terre", "SCI", 2),
    ("MASS", "Mathématiques appliquées et sciences sociales", "SCI", 3),
    ("HIST", "Histoire", "LET", 5), ("GEOG", "Géographie et aménagement", "LET", 3),
    ("PHIL", "Philosophie", "LET", 2), ("DROI", "Droit", "DEG", 14), ("ECOG", "Économie et gestion", "DEG", 9),
    ("AESO", "Administration économique et sociale", "DEG", 6), ("ANGL", "LLCER anglais", "LLC", 5),
    ("LEAP", "Langues étrangères appliquées", "LLC", 6), ("ESPA", "LLCER espagnol", "LLC", 2),
    ("PSYC", "Psychologie", "SHS", 10), ("SOCI", "Sociologie", "SHS", 3),
    ("SEDU", "Sciences de l'éducation", "SHS", 3), ("STAP", "STAPS", "STAPS", 8),
    ("ARTP", "Arts plastiques", "ART", 2), ("MUSI", "Musicologie", "ART", 1),
]
# From level: (pass, repeat, change licence); the rest leave the university (or graduate after L3).
TRANSITIONS = {1: (0.48, 0.20, 0.06), 2: (0.72, 0.12, 0.0), 3: (0.0, 0.12, 0.0)}
YEARS = 5
# Contracts per L1 entrant over five years, measured on this model (used to size the intake).
CONTRACTS_PER_ENTRANT = 12.47
REGIMES = [("1", "Formation initiale", 0.88), ("2", "Formation continue", 0.05),
           ("4", "Reprise d'études", 0.04), ("5", "Apprentissage", 0.03)]
OUI_SI = ["Oui si — remise à niveau", "Oui si — parcours aménagé"]
REORIENTATION_PROFILE = "RO"

LAST_NAMES = """Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel
Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent
Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia
Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie
Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud
Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud
Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte
Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez
Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier
Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le Gall Collet Léger Bouvier Julien Prévost
Millet Perrot Daniel Le Roux Cousin Germain Breton Besson Langlois Rémy Le Goff Pelletier Lévêque Perrier
Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet
Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da Silva Bouchet Gay Lemaître Bénard Marécha
Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier
Carlier Laporte Nguyen Benali Diallo Traoré Haddad Mendes Ferreira Kone Camara Bensaïd Ouedraogo Tran""".split()
FIRST_NAMES = """Emma Louise Jade Alice Chloé Lina Léa Rose Anna Mila Inès Ambre Julia Mia Léna Manon Juliette
Lou Zoé Camille Agathe Jeanne Lucie Sarah Romane Eva Nina Léonie Clara Margaux Louna Victoire Charlotte Iris
Lola Maëlys Adèle Capucine Gabrielle Zélie Yasmine Salomé Apolline Mathilde Elsa Aya Héloïse Maya Emy Nour
Gabriel Léo Raphaël Arthur Louis Lucas Adam Jules Hugo Maël Liam Noah Paul Ethan Tiago Sacha Gabin Nathan
Mohamed Aaron Tom Éden Théo Noé Victor Martin Mathis Axel Timéo Marius Léon Enzo Valentin Nolan Robin
Antoine Samuel Baptiste Clément Naël Maxime Évan Mathéo Alexandre Simon Rayan Kylian Yanis Malo Oscar
Thomas Amir Augustin Ibrahim Lenny Ismaël Youssef Quentin Bastien Romain Julien Kevin Anaïs Océane Pauline
Marion Laura Morgane Justine Élise Mélissa Coralie Ambroise Kenza Soline Maëlle""".split()


@dataclass
class Programme:
    id: int
    licence: str
    level: int
    faculty: str

    @property
    def step_code(self):
        return f"L{self.level}{self.licence}"


@dataclass
class Student:
    id: int
    number: str
    last_name: str
    first_name: str
    birth_date: date
    regime: tuple
    needs: tuple = ()  # accommodation codes, declared again each year
    user_id: int = None


@dataclass
class Enrolment:
    """One year of one student: the primary registration, maybe a secondary one."""

    student: Student
    year: int
    programme: Programme
    count: int  # how many times at this level (2 = repeating)
    oui_si: str = None
    cancelled: bool = False
    second: Programme = None  # double enrolment, or a reorientation wish (second_profile)
    second_profile: str = None
    contract: bool = True  # the student started a contract that year
    reorientation_contract: bool = False


@dataclass
class Plan:
    year: int
    programmes: list
    students: list
    enrolments: list = field(default_factory=list)


def ascii_slug(text):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class Population:
    """Draws students and follows them year by year."""

    def __init__(self, rng, year, first_student_id, first_programme_id):
        self.rng = rng
        self.year = year
        self.next_id = first_student_id
        self.programmes = [
            Programme(first_programme_id + i * 3 + level - 1, code, level, faculty)
            for i, (code, _, faculty, _) in enumerate(LICENCES) for level in (1, 2, 3)
        ]
        self.by_step = {(p.licence, p.level): p for p in self.programmes}
        self.licence_weights = list(accumulate(weight for *_, weight in LICENCES))
        self.last_weights = list(accumulate(1 / (rank + 8) for rank in range(len(LAST_NAMES))))
        self.first_weights = list(accumulate(1 / (rank + 6) for rank in range(len(FIRST_NAMES))))
        self.students = []

    def new_student(self, entry_year, age=18):
        rng = self.rng
        sid = self.next_id
        self.next_id += 1
        regime = rng.choices(REGIMES, weights=[r[2] for r in REGIMES])[0][:2]
        student = Student(
            id=sid, number=f"5{sid:07d}", last_name=rng.choices(LAST_NAMES, cum_weights=self.last_weights)[0],
            first_name=rng.choices(FIRST_NAMES, cum_weights=self.first_weights)[0],
            birth_date=date(entry_year - age - (rng.random() < 0.2), rng.randint(1, 12), rng.randint(1, 28)),
            regime=regime, needs=self._needs(),
        )
        self.students.append(student)
        return student

    def _needs(self):
        """About 11 % declare needs; a third of them health-related (RSE04–RSE06)."""
        rng = self.rng
        if rng.random() >= 0.11:
            return ()
        codes = ["RSE01", "RSE02", "RSE03", "RSE04", "RSE05", "RSE06", "RSE07", "RSE08", "RSE09",
                 "RSE10", "RSE11", "RSE12", "RSE13", "RSE14"]
        weights = [30, 6, 5, 20, 9, 2, 10, 2, 2, 4, 3, 2, 2, 3]
        first = rng.choices(codes, weights)[0]
        if rng.random() < 0.2:
            second = rng.choices(codes, weights)[0]
            return (first,) if second == first else (first, second)
        return (first,)

    def licence(self):
        return self.rng.choices(LICENCES, cum_weights=self.licence_weights)[0][0]

    def enrol(self, student, year, licence, level, count):
        rng = self.rng
        enrolment = Enrolment(student, year, self.by_step[(licence, level)], count)
        if level == 1 and count == 1 and rng.random() < 0.08:
            enrolment.oui_si = rng.choice(OUI_SI)
        enrolment.cancelled = rng.random() < 0.015
        roll = rng.random()
        if roll < 0.02:  # double enrolment in another licence, same level
            other = self.licence()
            if other != licence:
                enrolment.second = self.by_step[(other, level)]
        elif roll < 0.03 and level == 1:  # a secondary registration that allows a reorientation
            other = self.licence()
            if other != licence:
                enrolment.second, enrolment.second_profile = self.by_step[(other, 1)], REORIENTATION_PROFILE
        return enrolment

    def next_step(self, licence, level, count):
        """(licence, level, count) next year, or None when the student leaves."""
        passes, repeats, changes = TRANSITIONS[level]
        roll = self.rng.random()
        if roll < passes:
            return licence, level + 1, 1
        if roll < passes + repeats and count < 3:
            return licence, level, count + 1
        if roll < passes + repeats + changes:
            return self.licence(), 1, 1
        return None


def simulate(rng, year, entrants, first_student_id, first_programme_id):
    """Five academic years ending with ``year``; ``entrants`` new L1 students a year."""
    population = Population(rng, year, first_student_id, first_programme_id)
    first_year = year - YEARS + 1
    # The first year's L2 and L3 students entered earlier: about the steady state of the model.
    current = []
    for level, share in ((1, 1.0), (1, 0.22), (2, 0.64), (3, 0.47)):
        count = 2 if share == 0.22 else 1
        for _ in range(round(entrants * share)):
            student = population.new_student(first_year - level + 1)
            current.append((student, population.licence(), level, count))
    enrolments = []
    for y in range(first_year, year + 1):
        following = []
        for student, licence, level, count in current:
            enrolments.append(population.enrol(student, y, licence, level, count))
            step = population.next_step(licence, level, count)
            if step:
                following.append((student, *step))
        if y < year:
            intake = round(entrants * rng.uniform(0.95, 1.05))
            following += [(population.new_student(y + 1), population.licence(), 1, 1) for _ in range(intake)]
        current = following
    return Plan(year, population.programmes, population.students, enrolments)


def _started(e, rng, current_year):
    """Whether the student started the enrolment's contract (and a reorientation one)."""
    skip = 0.5 if e.cancelled else 0.06 if e.year == current_year else 0.02
    e.contract = rng.random() >= skip
    # A few students with a reorientation registration this year start that second contract.
    e.reorientation_contract = (e.contract and e.year == current_year
                                and e.second_profile == REORIENTATION_PROFILE and rng.random() < 0.4)
    return e.contract + e.reorientation_contract


def choose_contracts(plan, rng, contracts, max_share=3):
    """Decide who started a contract, exactly ``contracts`` of them.

    Returns 0 when done, else how far the plan is from it (< 0: too small; > 0: too large).
    """
    surplus = sum(_started(e, rng, plan.year) for e in plan.enrolments) - contracts
    # Some of this year's students have not started theirs yet: at most a third (of a large plan).
    this_year = [e for e in plan.enrolments if e.contract and e.year == plan.year and not e.reorientation_contract]
    if surplus < 0 or surplus > len(this_year) // max_share:
        return surplus or -1
    for e in rng.sample(this_year, surplus):
        e.contract = False
    return 0


def plan_university(contracts, year, seed, first_student_id, first_programme_id):
    """Students and enrolments yielding exactly ``contracts`` contracts."""
    entrants = max(int(contracts / CONTRACTS_PER_ENTRANT * 1.03), 1)
    for attempt in range(100):
        rng = random.Random(seed)
        plan = simulate(rng, year, entrants, first_student_id, first_programme_id)
        # Small plans are lumpy: after a few tries, any share of this year may be "not started".
        gap = choose_contracts(plan, rng, contracts, max_share=3 if attempt < 5 else 1)
        if gap == 0:
            return plan
        entrants = entrants + max(entrants // 20, 1) if gap < 0 else max(entrants - max(entrants // 30, 1), 1)
    raise RuntimeError(f"no plan gives exactly {contracts} contracts")
