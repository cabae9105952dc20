"""Keep the double inscription of contracts in line with the student information system.

A contract's second programme pre-filled "from Apogée" (``second_programme_from_sis``) follows the
student's registrations until the contract is signed. What a student typed themselves is theirs:
it is never overwritten. Signed contracts are never changed; contracts are never deleted.
"""
from app.campaign import current_settings
from app.contracts.models import SIGNED

FIELDS = ("second_programme_label", "second_programme_level", "second_programme_institution")


def second_programme_from_registrations(student, year, programme_id):
    """Double inscription known from the student information system: another registration of the year."""
    other = next(
        (r for r in student.registrations_for(year) if r.programme_id != programme_id), None
    )
    if other is None:
        return None
    return {
        "second_programme_label": other.programme.label,
        "second_programme_level": other.programme.level_label,
        "second_programme_institution": current_settings().institution_name,
    }


def align_second_programme(contract, student, year):
    """Bring one contract's "from Apogée" double inscription in line; True when it changed."""
    if contract.status == SIGNED:
        return False
    expected = second_programme_from_registrations(student, year, contract.programme_id)
    current = {name: getattr(contract, name) or "" for name in FIELDS}
    if contract.second_programme_from_sis:
        wanted, from_sis = (expected, True) if expected else ({name: "" for name in FIELDS}, False)
    elif expected and not any(current.values()):
        wanted, from_sis = expected, True
    else:
        return False
    wanted = {name: wanted.get(name) or "" for name in FIELDS}
    if wanted == current and contract.second_programme_from_sis == from_sis:
        return False
    for name, value in wanted.items():
        setattr(contract, name, value)
    contract.second_programme_from_sis = from_sis
    return True
