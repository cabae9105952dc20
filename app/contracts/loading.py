"""What each page loads with its contracts.

A contract's relationships load on demand (see the models): a list row would otherwise drag in the
student's account, every collection and the signer. Each query names what its page shows.
"""
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.contracts.models import Contract, ContractAccommodation, ContractEvent, ContractRemediation
from app.people.models import Programme, Registration


def list_row():
    """A row of the staff list: the student, the programme's code, the registration's flags."""
    return (
        joinedload(Contract.student),
        joinedload(Contract.programme).options(lazyload(Programme.faculty)),
        # A registration joins its student and programme by default: the row has them already.
        joinedload(Contract.registration).options(lazyload(Registration.student), lazyload(Registration.programme)),
    )


def document():
    """Everything the contract's document shows (pages and PDF)."""
    return (
        joinedload(Contract.student),
        joinedload(Contract.programme).joinedload(Programme.faculty),
        joinedload(Contract.registration),
        joinedload(Contract.signed_by),
        joinedload(Contract.charter_version),
        selectinload(Contract.accommodations).joinedload(ContractAccommodation.accommodation),
        selectinload(Contract.remediations).joinedload(ContractRemediation.remediation),
        selectinload(Contract.advance_courses),
    )


def detail():
    """The staff detail page: the document, its history and the comment's author."""
    return document() + (
        joinedload(Contract.comment_by),
        selectinload(Contract.events).options(joinedload(ContractEvent.actor), joinedload(ContractEvent.impersonator)),
    )
