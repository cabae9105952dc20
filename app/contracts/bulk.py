"""Acting on several contracts at once: each one re-checked by the policy and the workflow.

A bulk action never trusts the list it came from: the rows are read again through
``app.policy.readable_contracts`` (a row the user may not read is refused as « not found »), and each
transition goes through ``workflow`` (a contract that may not be signed now is refused with the
workflow's reason). What was done and what was refused, and why, is reported row by row.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.contracts import loading, workflow
from app.contracts.errors import ContractError, Incomplete
from app.extensions import db

MAX_SELECTION = 100  # one page of the list at most


@dataclass
class Outcome:
    contract_id: int
    name: str  # the student, as the list shows them; empty when the contract cannot be read
    done: bool
    reason: str = ""


@dataclass
class Selection:
    contracts: list  # readable, in the order selected
    refused: list  # Outcomes of ids that cannot be read
    too_many: bool = False

    @property
    def ids(self):
        return [c.id for c in self.contracts]


def select_contracts(user, raw_ids, *options):
    """The selected contracts the user may read, in the order given, and an Outcome for each other id."""
    ids, seen = [], set()
    for raw in raw_ids:
        try:
            key = int(raw)
        except (TypeError, ValueError):
            continue
        if key not in seen:
            seen.add(key)
            ids.append(key)
    too_many = len(ids) > MAX_SELECTION
    ids = ids[:MAX_SELECTION]
    readable = policy.readable_contracts(user, ids, *(options or loading.list_row()))
    refused = [
        Outcome(pk, "", False, str(_l("This contract does not exist or is not in your scope.")))
        for pk in ids if pk not in readable
    ]
    return Selection([readable[pk] for pk in ids if pk in readable], refused, too_many)


def name_of(contract):
    return f"{contract.student.last_name} {contract.student.first_name}"


def sign_refusal(user, contract, impersonator=None):
    """Why this contract cannot be signed now by this user, or None (shown before confirming)."""
    refusal = policy.transition_refusal(user, contract, policy.SIGN, impersonating=impersonator is not None)
    if refusal:
        return str(refusal)
    missing = workflow.missing_for_sign(contract)
    return " ".join(str(message) for _, message in missing) or None


def sign_all(user, selection, impersonator=None):
    """Sign each contract of the selection that may be signed; an Outcome per selected id."""
    outcomes = list(selection.refused)
    for contract in selection.contracts:
        try:
            workflow.sign(contract, user, impersonator)
        except Incomplete as exc:
            outcomes.append(Outcome(contract.id, name_of(contract), False, " ".join(str(m) for _, m in exc.problems)))
        except ContractError as exc:
            outcomes.append(Outcome(contract.id, name_of(contract), False, str(exc.message)))
        except StaleDataError:  # changed by someone else meanwhile: this one waits, the others go on
            db.session.rollback()
            outcomes.append(Outcome(contract.id, name_of(contract), False,
                                    str(_l("Someone changed this contract meanwhile: open it and sign it again."))))
        else:
            outcomes.append(Outcome(contract.id, name_of(contract), True))
    return sorted(outcomes, key=lambda o: (o.done, o.name))
