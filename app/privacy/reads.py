"""The log of staff reads: recording each read of a contract, and searching the log.

Every way staff read a contract calls ``record_read`` (one contract: its page, its PDF) or
``record_reads`` (many: a ZIP of PDFs, the rows of an Excel extraction, the API); a file the server
wrote beforehand is recorded when downloaded (``app.privacy.files``). A student reading their own
contract is not recorded; anyone acting as them is.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, and_, func, insert, literal, or_, select
from sqlalchemy.sql import Select

from app import policy
from app.contracts.models import Contract
from app.extensions import db
from app.contracts.search import ContractSearch
from app.people.models import utcnow
from app.privacy.models import API, CHANNELS, EXPORT, NIGHTLY, PAGE, PDF, ZIP, ContractRead  # noqa: F401 (channels re-exported)
from app.security import current_impersonator

CHANNEL_LABELS = {
    PAGE: _l("Contract page"), PDF: _l("PDF"), ZIP: _l("ZIP of PDFs"), EXPORT: _l("Excel extraction"),
    NIGHTLY: _l("Nightly extraction"), API: _l("API"),
}


def record_read(contract, channel, user=None):
    """Record that the signed-in user read one contract through ``channel`` (page, pdf)."""
    user = user or g.user
    impersonator = current_impersonator()
    if impersonator is None and policy.is_own(user, contract):
        return
    record_reads([contract.id], channel, user, impersonator)


def record_reads(contracts, channel, user=None, impersonator=False):
    """Record reads of many contracts: a list of ids or a ``select(Contract)`` (an extraction's query).

    A query is copied into the log by the database itself (INSERT … SELECT): an extraction of
    20,000 contracts costs one statement. Commits, so the log holds the read even if sending fails.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    user = user or g.user
    if impersonator is False:
        impersonator = current_impersonator()
    if isinstance(contracts, Select):
        ids = contracts.with_only_columns(Contract.id).order_by(None).subquery()
        rows = select(
            literal(utcnow()).label("at"),
            literal(user.id, Integer).label("user_id"),
            literal(impersonator.id if impersonator else None, Integer).label("impersonator_id"),
            ids.c.id.label("contract_id"),
            literal(channel, String).label("channel"),
        )
        db.session.execute(
            insert(ContractRead).from_select(["at", "user_id", "impersonator_id", "contract_id", "channel"], rows)
        )
    else:
        now = utcnow()
        values = [
            {"at": now, "user_id": user.id, "impersonator_id": impersonator.id if impersonator else None,
             "contract_id": contract_id, "channel": channel}
            for contract_id in dict.fromkeys(contracts)
        ]
        if values:
            db.session.execute(insert(ContractRead), values)
    db.session.commit()


# --- searching the log -------------------------------------------------------------------------


@dataclass
class ReadSearch:
    """Filters of the log page and its export: a student, a reader, a period, a channel."""

    student: str = ""
    reader: str = ""
    since: date = None
    until: date = None
    channel: str = None
    ignored: list = field(default_factory=list)

    @classmethod
    def from_args(cls, args):
        search = cls(student=(args.get("student") or "").strip()[:100],
                     reader=(args.get("reader") or "").strip()[:100])
        for name in ("since", "until"):
            raw = (args.get(name) or "").strip()
            if raw:
                try:
                    setattr(search, name, date.fromisoformat(raw))
                except ValueError:
                    search.ignored.append(name)
        channel = args.get("channel") or None
        if channel and channel not in CHANNELS:
            search.ignored.append("channel")
            channel = None
        search.channel = channel
        return search

    def as_args(self):
        values = {"student": self.student, "reader": self.reader, "channel": self.channel,
                  "since": self.since.isoformat() if self.since else None,
                  "until": self.until.isoformat() if self.until else None}
        return {k: v for k, v in values.items() if v}

    def query(self):
        """The log rows matching the filters, newest first."""
        query = select(ContractRead)
        if self.student:
            # The staff list's search: a student number, or words of the name.
            query = query.where(ContractRead.contract_id.in_(ContractSearch(text=self.student).apply(select(Contract.id))))
        if self.reader:
            users = _users_matching(self.reader)
            query = query.where(or_(ContractRead.user_id.in_(users), ContractRead.impersonator_id.in_(users)))
        if self.since:
            query = query.where(ContractRead.at >= datetime.combine(self.since, time.min))
        if self.until:
            query = query.where(ContractRead.at < datetime.combine(self.until + timedelta(days=1), time.min))
        if self.channel:
            query = query.where(ContractRead.channel == self.channel)
        return query.order_by(ContractRead.at.desc(), ContractRead.id.desc())


def _name_words(text, *columns):
    """Every word of ``text`` in one of the columns (case-insensitive)."""
    return and_(*(
        or_(*(func.lower(column).like(f"%{word.lower()}%") for column in columns)) for word in text.split()
    ))


def _users_matching(text):
    """A login exactly, or words of the name."""
    User = current_app.appbuilder.sm.user_model
    return select(User.id).where(
        or_(func.lower(User.username) == text.lower(), _name_words(text, User.last_name, User.first_name))
    )
