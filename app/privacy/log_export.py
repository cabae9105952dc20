"""The read log as CSV for a spreadsheet: « ; »-separated, every field quoted, UTF-8 with a BOM,
times in the institution's time zone, nothing a spreadsheet would run as a formula."""
import csv
import io
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme, Student
from app.privacy.models import ContractRead
from app.privacy.reads import CHANNEL_LABELS
from app.spreadsheet import safe_text

CHUNK = 1000
HEADER = [_l("Date"), _l("Reader (login)"), _l("Reader"), _l("Acting as (login)"), _l("Through"),
          _l("Contract id"), _l("Year"), _l("Programme code"), _l("Student number"), _l("Student")]


def _rows(log_query):
    """The columns of each log row, joined in one query (the log can hold millions of rows)."""
    User = current_app.appbuilder.sm.user_model
    user, impersonator = aliased(User), aliased(User)
    ids = log_query.with_only_columns(ContractRead.id).order_by(None).subquery()
    return (
        select(ContractRead.at, user.username, user.first_name, user.last_name, impersonator.username,
               impersonator.first_name, impersonator.last_name, ContractRead.channel, Contract.id, Contract.year,
               Programme.step_code, Programme.step_version, Contract.anonymised_at, Student.student_number,
               Student.last_name, Student.first_name)
        .join(user, ContractRead.user_id == user.id)
        .outerjoin(impersonator, ContractRead.impersonator_id == impersonator.id)
        .join(Contract, ContractRead.contract_id == Contract.id)
        .join(Programme, Contract.programme_id == Programme.id)
        .join(Student, Contract.student_id == Student.id)
        .where(ContractRead.id.in_(select(ids.c.id)))
        .order_by(ContractRead.at.desc(), ContractRead.id.desc())
    )


def _line(row, local, channels):
    (at, login, first, last, imp_login, imp_first, imp_last, channel, contract_id, year, step, version,
     anonymised_at, number, student_last, student_first) = row
    when = local.fromutc(at.replace(tzinfo=local, microsecond=0)).strftime("%Y-%m-%d %H:%M:%S")
    if imp_login:  # the real person read, acting as the account
        reader_login, reader, acting_as = imp_login, f"{imp_first} {imp_last}", login
    else:
        reader_login, reader, acting_as = login, f"{first} {last}", ""
    if anonymised_at is not None:  # its student is a placeholder: nothing to show
        number, student_last, student_first = "", "", ""
    student = f"{student_last} {student_first}".strip()
    values = [when, reader_login, reader, acting_as, channels.get(channel, channel), contract_id, year,
              f"{step}-{version}", number or "", student]
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def csv_lines(log_query):
    """Yield the CSV text chunk by chunk (streamed to the browser)."""
    local = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    channels = {k: str(v) for k, v in CHANNEL_LABELS.items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([str(h) for h in HEADER])
    result = db.session.execute(_rows(log_query).execution_options(yield_per=CHUNK))
    for rows in result.partitions():
        for row in rows:
            writer.writerow(_line(row, local, channels))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
