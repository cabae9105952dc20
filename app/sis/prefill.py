"""Specific needs known to the student information system, ticked in a new contract.

Pégase records the student's special arrangements on the registration (« régimes spéciaux
d'études », codes RSE…). A new contract gets the matching needs of the catalogue, marked with the
system they came from (« issu de Pégase »); the referent maps codes to needs in the catalogue
(``Accommodation.sis_codes``, by default the need's own code). The student may untick them, the
DETU sets their hours as for any need.
"""
from sqlalchemy import select

from app.catalog.models import Accommodation
from app.contracts.models import ContractAccommodation
from app.extensions import db
from app.sis.service import system_name

def matching_needs(codes):
    """The active needs of the catalogue that these system codes tick."""
    wanted = {code.strip().upper() for code in codes if code and code.strip()}
    if not wanted:
        return []
    needs = db.session.scalars(select(Accommodation).where(Accommodation.active.is_(True))
                               .order_by(Accommodation.position)).all()
    return [need for need in needs if need.matching_codes & wanted]


def prefill_needs(contract, registration):
    """Tick the needs of the registration's arrangements; those already there are marked too."""
    needs = matching_needs(registration.arrangements if registration is not None else ())
    if not needs:
        return []
    source = system_name()
    present = {item.accommodation_id: item for item in contract.accommodations}
    for need in needs:
        item = present.get(need.id)
        if item is None:
            contract.accommodations.append(ContractAccommodation(accommodation=need, sis_source=source))
        else:
            item.sis_source = source
    return needs
