"""The nightly extractions: each faculty's file written into EXPORT_DIR, the last EXPORT_KEEP kept.

Beside each file, the list of the contracts it holds (``app.privacy.files``): a download records
exactly those in the read log.
"""
import logging
import os
import re
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.campaign import current_year
from app.documents.excel import save_extraction
from app.documents.names import ascii_slug
from app.documents.scope import faculty_query
from app.extensions import db
from app.people.models import Faculty
from app.privacy.files import discard_ids, keep_ids

log = logging.getLogger(__name__)


def _own_files(prefix):
    return re.compile(re.escape(prefix) + r"\d{4}-\d{8}-\d{6}\.xlsx")


def latest_export(faculty, year):
    """The path of the newest nightly file of a faculty and year, or None."""
    directory = current_app.config["EXPORT_DIR"]
    prefix = f"conpere-{ascii_slug(faculty.code)}-"
    if not os.path.isdir(directory):
        return None
    own = _own_files(prefix)
    names = sorted(n for n in os.listdir(directory) if own.fullmatch(n) and n.startswith(f"{prefix}{year}-"))
    return os.path.join(directory, names[-1]) if names else None


def write_faculty_exports(now=None):
    """Write every active faculty's extraction of the current year; returns the paths written."""
    directory = current_app.config["EXPORT_DIR"]
    keep = max(current_app.config["EXPORT_KEEP"], 1)
    os.makedirs(directory, mode=0o750, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    year = current_year()
    written = []
    for faculty in db.session.scalars(select(Faculty).where(Faculty.active.is_(True)).order_by(Faculty.code)):
        prefix = f"conpere-{ascii_slug(faculty.code)}-"
        path = os.path.join(directory, f"{prefix}{year}-{stamp}.xlsx")
        ids = []
        save_extraction(faculty_query(faculty, year), path, written=ids)
        keep_ids(path, ids)
        written.append(path)
        log.info("extraction of %s: %s contracts in %s", faculty.code, len(ids), path)
        own = _own_files(prefix)
        for old in sorted(name for name in os.listdir(directory) if own.fullmatch(name))[:-keep]:
            os.remove(os.path.join(directory, old))
            discard_ids(os.path.join(directory, old))
    return written


def export_job(app):
    """The "faculty-exports" job."""
    with app.app_context():
        write_faculty_exports()
