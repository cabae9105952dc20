"""Files written on the server before anyone reads them (nightly extractions, documents prepared by
the scheduler): which contracts each holds, so that each download records exactly those.

A file is read when someone downloads it, not when the server writes it: the list of its contracts
is kept beside it (``<file>.ids``, one id a line) and each download records them for the user and
whoever acts as them at that moment. Selecting the rows again at download time would name
contracts created since and miss those that left the selection.
"""
import logging
import os
import tempfile

from openpyxl import load_workbook

from app.privacy.reads import record_reads

log = logging.getLogger(__name__)

SUFFIX = ".ids"


def ids_path(path):
    return path + SUFFIX


def keep_ids(path, ids):
    """Write the list of contracts ``path`` holds beside it (atomically: never half a list)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".conpere-", suffix=SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.writelines(f"{contract_id}\n" for contract_id in ids)
        os.chmod(temporary, 0o600)
        os.replace(temporary, ids_path(path))
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def discard_ids(path):
    if os.path.exists(ids_path(path)):
        os.remove(ids_path(path))


def held_ids(path):
    """The contracts a file holds: its list; for an extraction written before lists were kept, the
    workbook's own first column (the contract id of each row)."""
    if os.path.exists(ids_path(path)):
        with open(ids_path(path), encoding="ascii") as source:
            return [int(line) for line in source if line.strip()]
    if path.endswith(".xlsx"):
        book = load_workbook(path, read_only=True)
        try:
            column = book.worksheets[0].iter_rows(min_row=2, max_col=1, values_only=True)
            return [row[0] for row in column if isinstance(row[0], int)]
        finally:
            book.close()
    # A ZIP prepared before lists were kept had its reads recorded when it was made (at most
    # DOCUMENT_TASK_KEEP_HOURS ago): there is nothing left to record.
    log.warning("no list of contracts beside %s: its download is not recorded again", path)
    return []


def record_download(path, channel, user=None):
    """Record that the user (and whoever acts as them) reads every contract the file holds."""
    record_reads(held_ids(path), channel, user=user)
