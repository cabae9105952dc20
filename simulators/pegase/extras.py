"""What Pégase knows of a student and the Apogée simulator does not serve: special arrangements
(« régimes spéciaux d'études », RSE codes), the gap year (césure), the parallel course and the
documents approved when registering (``accords``: codes of ``records.DOCUMENTS`` with the answer).

Drawn from the student's number (the same university gives the same extras every time); tests and
the demo set them explicitly with ``PegaseExtras``.
"""
import random
from dataclasses import dataclass

# The codes of ConPeRe's seeded catalogue of specific needs (seeds/catalogue.py).
ARRANGEMENTS = [f"RSE{n:02d}" for n in range(1, 15)]
PARALLEL_COURSES = ["CUP001", "CUP002", "CUP003"]
# The demo's `student2` (index 1) is a working student and a high-level athlete.
DEMO = {1: ("RSE01", "RSE07")}


@dataclass(frozen=True)
class PegaseExtras:
    arrangements: tuple = ()
    gap_year: str = "SANS"  # SANS | SEMESTRE | ANNEE
    parallel_course: str = None  # a CUP code
    convention: bool = False
    # (document code, answer: True accepted, False refused, None not answered) of the primary registration
    agreements: tuple = (("CHARTE-EXAMENS", True),)


def drawn(number):
    """The extras of a generated student."""
    rng = random.Random(f"pegase:{number}")
    arrangements = ()
    if rng.random() < 0.08:
        arrangements = tuple(sorted(rng.sample(ARRANGEMENTS, 1 + (rng.random() < 0.3))))
    roll = rng.random()
    gap_year = "ANNEE" if roll < 0.02 else ("SEMESTRE" if roll < 0.03 else "SANS")
    parallel = rng.choice(PARALLEL_COURSES) if rng.random() < 0.03 else None
    agreements = (("CHARTE-EXAMENS", True),)
    if rng.random() < 0.5:  # asked of half the students; a third of them refuse
        agreements += (("DROIT-IMAGE", rng.random() < 0.67),)
    return PegaseExtras(arrangements, gap_year, parallel, parallel is not None and rng.random() < 0.5, agreements)


def demo_extras(numbers):
    """The demo students' extras, by student number (in the demo's order)."""
    return {numbers[index]: PegaseExtras(arrangements=codes) for index, codes in DEMO.items() if index < len(numbers)}
