"""The accounts of a planned university and who is assigned to what.

Every student has an account (``e<student number>``, as in the demo); staff accounts are named
after their role. The demo accounts get realistic scopes on the large university:

- ``detu``: the three Informatique programmes (about 6 % of the contracts);
- ``detu2``: the three Histoire programmes;
- ``registrar``: the Sciences faculty (about a fifth of the contracts);
- ``teacher``: 30 first-year Informatique students of the current year;
- ``counsellor``: every contract, like the other counsellors.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime

from university import FACULTIES, FIRST_NAMES, LAST_NAMES, LICENCES, ascii_slug

TEACHER_STUDENTS = 30  # first-year students per referent teacher
COUNSELLORS = 8


@dataclass
class Staff:
    users: list = field(default_factory=list)  # ab_user rows
    roles: list = field(default_factory=list)  # (user id, role name)
    detu: list = field(default_factory=list)
    teacher: list = field(default_factory=list)
    registrar: list = field(default_factory=list)
    detus: dict = field(default_factory=dict)  # programme id -> DETU user ids (signers)
    counsellors: list = field(default_factory=list)


class StaffBuilder:
    def __init__(self, rng, first_user_id, password_hash, demo_users, now):
        self.rng = rng
        self.next_user = first_user_id
        self.password = password_hash
        self.demo = demo_users  # username -> id
        self.now = now
        self.staff = Staff()

    def account(self, username, role, first_name=None, last_name=None, email=None):
        uid = self.next_user
        self.next_user += 1
        first_name = first_name or self.rng.choice(FIRST_NAMES)
        last_name = last_name or self.rng.choice(LAST_NAMES)
        self.staff.users.append(dict(
            id=uid, first_name=first_name, last_name=last_name, username=username, password=self.password,
            active=True, email=email or f"{username}@univ-demo.fr", login_count=0, fail_login_count=0,
            created_on=self.now, changed_on=self.now))
        self.staff.roles.append((uid, role))
        return uid

    def students(self, students):
        for s in students:
            s.user_id = self.account(
                f"e{s.number}", "Student", s.first_name, s.last_name,
                email=f"{ascii_slug(s.first_name)}.{ascii_slug(s.last_name)}.{s.number}@etu.univ-demo.fr")

    def detus(self, programmes):
        """Each licence: a DETU for L1 (two for large ones), one for L2 and L3; demo DETUs on top."""
        weights = {code: weight for code, _, _, weight in LICENCES}
        by_licence = {}
        for p in programmes:
            by_licence.setdefault(p.licence, []).append(p)
        demo_licences = {"INFO": self.demo["detu"], "HIST": self.demo["detu2"]}
        for licence, levels in by_licence.items():
            first = [self.account(f"detu.{licence.lower()}.l1", "DETU")]
            if weights[licence] >= 8:
                first.append(self.account(f"detu.{licence.lower()}.l1b", "DETU"))
            upper = self.account(f"detu.{licence.lower()}.l23", "DETU")
            for p in levels:
                users = list(first if p.level == 1 else [upper])
                if licence in demo_licences:
                    users.append(demo_licences[licence])
                self.staff.detus[p.id] = users
                self.staff.detu += [dict(user_id=u, programme_id=p.id) for u in users]

    def registrars(self, faculty_ids):
        # The demo's ``registrar`` is already assigned to SCI, the demo's own faculty.
        for code, _ in FACULTIES:
            uid = self.account(f"scol.{code.lower()}", "Registrar")
            self.staff.registrar.append(dict(user_id=uid, faculty_id=faculty_ids[code]))

    def counsellors(self):
        self.staff.counsellors = [self.account(f"scuio.{k}", "Counsellor") for k in range(1, COUNSELLORS + 1)]
        self.staff.counsellors.append(self.demo["counsellor"])

    def teachers(self, plan):
        """A referent teacher for each first-year student of the current year."""
        by_licence = {}
        for e in plan.enrolments:
            if e.year == plan.year and e.programme.level == 1 and not e.cancelled:
                by_licence.setdefault(e.programme.licence, []).append(e.student.id)
        for licence, student_ids in sorted(by_licence.items()):
            teachers = [self.demo["teacher"]] if licence == "INFO" else []
            teachers += [self.account(f"ens.{licence.lower()}.{k}", "Teacher")
                         for k in range(len(teachers) + 1, math.ceil(len(student_ids) / TEACHER_STUDENTS) + 1)]
            for index, student_id in enumerate(student_ids):
                self.staff.teacher.append(dict(user_id=teachers[index // TEACHER_STUDENTS], student_id=student_id))


def build_staff(rng, plan, first_user_id, password_hash, demo_users, faculty_ids, now=None):
    builder = StaffBuilder(rng, first_user_id, password_hash, demo_users, now or datetime.now().replace(microsecond=0))
    builder.students(plan.students)
    builder.detus(plan.programmes)
    builder.registrars(faculty_ids)
    builder.counsellors()
    builder.teachers(plan)
    return builder.staff
