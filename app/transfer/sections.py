"""A list of configuration rows in the settings file, e.g. the campaigns or the specific needs.

A ``Section`` names its model, the fields that identify a row (``key``), how each field is
checked, and what happens to rows of the database that the file does not list (``absent``):
kept, deactivated (rows contracts refer to) or deleted (plain values such as hour volumes).
``read`` checks the file's entries; ``changes`` compares them with the database; ``apply`` writes.
"""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select

from app.extensions import db
from app.transfer.fields import Invalid, plain, same

KEEP, DEACTIVATE, DELETE = "keep", "deactivate", "delete"


@dataclass
class Section:
    name: str  # the key in the file
    model: type
    key: tuple
    fields: dict  # field name -> parser
    describe: Callable  # key values -> how a change names the row
    absent: str = KEEP
    may_add: bool = True
    order: tuple = None
    clean: Callable = None  # (entry) -> problem message or None, across fields

    def export(self):
        rows = db.session.scalars(select(self.model)).all()
        entries = [{name: plain(getattr(row, name)) for name in self.fields} for row in rows]
        return sorted(entries, key=lambda e: tuple(str(e[k]) for k in (self.order or self.key)))

    def read(self, raw, problems):
        """{key: entry} of the file's entries, recording a problem for each bad value."""
        if not isinstance(raw, list):
            problems.append(f"{self.name}: must be a list")
            return {}
        entries = {}
        for index, item in enumerate(raw):
            where = f"{self.name}[{index}]"
            entry = read_entry(item, self.fields, where, problems)
            if entry is None:
                continue
            problem = self.clean(entry) if self.clean else None
            if problem:
                problems.append(f"{where}: {problem}")
                continue
            key = tuple(entry[k] for k in self.key)
            if key in entries:
                problems.append(f"{where}: {self.describe(*key)} is listed twice")
                continue
            entries[key] = entry
        return entries

    def existing(self):
        return {tuple(getattr(row, k) for k in self.key): row for row in db.session.scalars(select(self.model))}

    def changes(self, entries):
        """[(what, key, entry or None, row or None, differences)]: "add", "change", "absent"."""
        rows = self.existing()
        return self._added_or_changed(entries, rows) + self._absent(entries, rows)

    def _added_or_changed(self, entries, rows):
        found = []
        for key, entry in entries.items():
            row = rows.get(key)
            if row is None:
                found.append(("add", key, entry, None, {}))
                continue
            differ = {name: (getattr(row, name), value) for name, value in entry.items()
                      if not same(self.fields[name], getattr(row, name), value)}
            if differ:
                found.append(("change", key, entry, row, differ))
        return found

    def _absent(self, entries, rows):
        if self.absent == KEEP:
            return []
        return [("absent", key, None, row, {}) for key, row in rows.items()
                if key not in entries and (self.absent == DELETE or getattr(row, "active", False))]

    def unknown_keys(self, entries):
        """Keys the database lacks, when this section may not add rows (the catalogue of needs)."""
        if self.may_add:
            return []
        rows = self.existing()
        return [key for key in entries if key not in rows]

    def apply(self, found):
        for what, key, entry, row, differ in found:
            if what == "add":
                db.session.add(self.model(**entry))
            elif what == "change":
                for name, (_, value) in differ.items():
                    setattr(row, name, value)
            elif self.absent == DELETE:
                db.session.delete(row)
            else:
                row.active = False

    def report(self, found):
        lines = []
        for what, key, entry, row, differ in found:
            label = self.describe(*key)
            if what == "add":
                lines.append(f"{label}: added")
            elif what == "change":
                lines.append(f"{label}: " + "; ".join(
                    f"{name} {_shown(old)} → {_shown(new)}" for name, (old, new) in differ.items()))
            else:
                lines.append(f"{label}: {'deleted' if self.absent == DELETE else 'deactivated'} (not in the file)")
        return lines


def read_entry(item, fields, where, problems):
    if not isinstance(item, dict):
        problems.append(f"{where}: must be an object")
        return None
    unknown = sorted(set(item) - set(fields))
    missing = sorted(set(fields) - set(item))
    if unknown or missing:
        parts = ([f"unknown field(s) {', '.join(unknown)}"] if unknown else []) + (
            [f"missing field(s) {', '.join(missing)}"] if missing else [])
        problems.append(f"{where}: " + "; ".join(parts))
        return None
    entry, ok = {}, True
    for name, parse in fields.items():
        try:
            entry[name] = parse(item[name])
        except Invalid as exc:
            problems.append(f"{where}.{name}: {exc}")
            ok = False
    return entry if ok else None


def _shown(value):
    value = plain(value)
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "…")
    return repr(value)
