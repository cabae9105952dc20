"""Keep the double inscription of contracts in line with the student information system.

A contract's second programme pre-filled "from Apogée" (``second_programme_from_sis``) follows the
student's registrations until the contract is signed. What a student typed themselves is theirs:
it is never overwritten. Signed contracts are never changed; contracts are never deleted.
"""
from app.contracts.models import SIGNED
from app.contracts.workflow import second_programme_from_registrations

FIELDS = ("second_programme_label", "second_programme_level", "second_programme_institution")


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
