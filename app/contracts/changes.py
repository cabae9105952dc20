"""What the student changed since the contract was returned: field by field, for the DETU.

Every validation stores the document (``ContractEvent.document``): the version the DETU returned is
the validation just before the latest return, the new one the validation after it.
"""
import difflib
import json
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.contracts import labels
from app.contracts.models import RETURNED, SUBMITTED, ContractEvent
from app.extensions import db

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Change:
    label: object
    before: str
    after: str

    def pieces(self):
        """(kind, text) pieces of a word-level comparison: kind is "same", "removed" or "added"."""
        old, new = _WORDS.findall(self.before), _WORDS.findall(self.after)
        pieces = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == "equal":
                pieces.append(("same", "".join(old[i1:i2])))
                continue
            if i2 > i1:
                pieces.append(("removed", "".join(old[i1:i2])))
            if j2 > j1:
                pieces.append(("added", "".join(new[j1:j2])))
        return pieces


@dataclass
class Comparison:
    returned_at: object
    reason: str
    changes: list


def _student_part(document, locale):
    """The student's fields of a stored document, as the texts a reader compares."""
    needs = [n["label_en"] if locale == "en" and n["label_en"] else n["label"] for n in document["needs"]]
    second = document["second_programme"]
    return [
        (labels.SECTIONS[1][1], document["study_plan"]),
        (_l("Specific needs"), "\n".join(needs)),
        (_l("Details of the specific needs"), document["needs_details"]),
        (labels.SECTIONS[4][1], str(labels.GAP_YEAR_LABELS.get(document["gap_year"], document["gap_year"]))),
        (_l("Details of the gap period"), document["gap_year_details"]),
        (labels.SECTIONS[5][1], " — ".join(v for v in (second["label"], second["level"], second["institution"]) if v)),
        (labels.SECTIONS[6][1], str(_l("Looked at") if document["pec_acknowledged"] else _l("Not looked at"))),
    ]


def _last_validation(events):
    return next((e for e in reversed(events) if e.to_status == SUBMITTED and e.document), None)


def since_last_return(contract, locale="fr"):
    """The comparison of the student's part before the latest return and at the validation after
    it, or None when the contract was not returned and validated again since."""
    if not any(e.to_status == RETURNED for e in contract.events):  # the page has them: no query
        return None
    events = db.session.scalars(
        select(ContractEvent).where(ContractEvent.contract_id == contract.id)
        .options(undefer(ContractEvent.document)).order_by(ContractEvent.id)
    ).all()
    returns = [i for i, e in enumerate(events) if e.to_status == RETURNED]
    if not returns:
        return None
    last_return = returns[-1]
    before, after = _last_validation(events[:last_return]), _last_validation(events[last_return:])
    if before is None or after is None:
        return None
    old = _student_part(json.loads(before.document), locale)
    new = _student_part(json.loads(after.document), locale)
    changes = [Change(label, was, now) for (label, was), (_, now) in zip(old, new) if was != now]
    return Comparison(events[last_return].at, events[last_return].reason, changes)
