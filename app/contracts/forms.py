"""The contract's form classes: what the student's and the DETU's parts accept, and their messages.

Plain WTForms forms (CSRF is checked for every POST by the app's CSRFProtect). The business
functions in ``editing`` validate with them too, so a page, a test and the demo loader get the
same answers. Bounds hold whatever is posted: text length and control characters, numbers checked
after rounding, a fixed number of repeated rows, only active catalogue items (or those already on
the contract).
"""
import re
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation, ValidationError

from app.catalog.models import GAP_YEAR_CHOICES

SHORT_TEXT = 250
CODE_LENGTH = 16
MAX_ROWS = 20  # remediations or courses on one contract; more is a mistake (or an attack)
MAX_ECTS = 60
TENTH = Decimal("0.1")

# C0/C1 controls except tab and line breaks, and the bidirectional overrides that can disguise text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("[\t\r\n]")


def as_formdata(values):
    """A MultiDict from a request's form or a plain mapping (lists for repeated fields)."""
    if hasattr(values, "getlist"):
        return values
    data = MultiDict()
    for key, value in (values or {}).items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            data.add(key, "" if item is None else str(item))
    return data


def problems(form):
    """[(field id, first message)] in the form's order, for ``Incomplete`` and the error summary."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            own = [(field.id, m) for m in field.errors if not isinstance(m, (dict, list))][:1]
            if len(field.entries) > MAX_ROWS:  # too many rows: that is the one thing to say
                found += own
                continue
            rows = [p for entry in field.entries for p in problems(entry.form)]
            found += rows or own
        else:
            found += _first(field)
    return found


def _first(field):
    return [(field.id, field.errors[0])] if field.errors else []


# --- validators ---------------------------------------------------------------------------------


def _newlines(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(limit=None, multiline=True, required=False):
    """Text of at most ``limit`` characters (MAX_TEXT_LENGTH by default), no control characters."""

    def check(form, field):
        value = field.data or ""
        if _CONTROL.search(value) or (not multiline and _LINE_BREAK.search(value)):
            raise ValidationError(_l(
                "This text contains invisible control characters (they often come with a copy and paste): "
                "remove them, or type the text again."
            ))
        maximum = limit or current_app.config["MAX_TEXT_LENGTH"]
        if len(value) > maximum:
            raise ValidationError(_l("This text is too long (%(max)s characters at most).", max=maximum))
        if required and not value.strip():
            raise ValidationError(_l("This field is required."))

    return check


def parse_number(raw, maximum, required=False, missing=None, unit=None):
    """``raw`` typed with a comma or a point → a Decimal rounded to 0.1, or None when left empty.

    Raises ValidationError. The bounds apply to the rounded value: 0.04 or 1e-999999 round to 0
    and are refused, not stored as 0."""
    text = (raw or "").strip().replace(",", ".").replace("\u202f", "").replace("\u00a0", "")
    if not text:
        if required:
            raise ValidationError(missing or _l("Give an hour volume."))
        return None
    unit = unit or _l("hours")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_l("Give a number of %(unit)s.", unit=unit)) from None
    maximum = Decimal(maximum)
    out_of_range = _l("Give a number of %(unit)s between 0 and %(max)s.", unit=unit, max=format(maximum.normalize(), "f"))
    if not number.is_finite() or number > maximum:
        raise ValidationError(out_of_range)
    number = number.quantize(TENTH)  # safe: |number| <= maximum here
    if number <= 0:
        raise ValidationError(out_of_range)
    return number


class NumberField(StringField):
    """A number as typed (kept for the page on error); ``number`` holds the checked value."""

    def __init__(self, label=None, validators=None, maximum=None, required=False, unit=None, **kwargs):
        super().__init__(label, validators, filters=[_strip], **kwargs)
        self.maximum, self.required, self.unit, self.number = maximum, required, unit, None

    def process_data(self, value):
        self.data = value if value in (None, "") or isinstance(value, str) else _plain(value)

    def pre_validate(self, form):
        self.number = None
        self.number = parse_number(self.data, self.maximum or current_app.config["MAX_HOURS"],
                                   self.required, unit=self.unit)


class IdChoices(SelectMultipleField):
    """Ids from a set the form decides at run time (active catalogue items and those already chosen)."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, coerce=str, validate_choice=False, **kwargs)
        self.allowed, self.message, self.ids = frozenset(), message, []

    def pre_validate(self, form):
        try:
            self.ids = sorted({int(value) for value in self.data or []})
        except (TypeError, ValueError):
            raise ValidationError(self.message) from None
        if not set(self.ids) <= self.allowed:
            raise ValidationError(self.message)


# --- the student's part ---------------------------------------------------------------------------


class StudentPartForm(Form):
    study_plan = TextAreaField(filters=[_newlines], validators=[plain_text()])
    accommodations = IdChoices(message=_l("Unknown specific need."))
    needs_details = TextAreaField(filters=[_newlines], validators=[plain_text()])
    gap_year = RadioField(choices=[(c, c) for c in GAP_YEAR_CHOICES], default="none",
                          validate_choice=False)
    gap_year_details = TextAreaField(filters=[_newlines], validators=[plain_text()])
    second_programme_label = StringField(validators=[plain_text(SHORT_TEXT, multiline=False)])
    second_programme_level = StringField(validators=[plain_text(SHORT_TEXT, multiline=False)])
    second_programme_institution = StringField(validators=[plain_text(SHORT_TEXT, multiline=False)])
    pec_acknowledged = BooleanField(false_values=("", "0", "false", "off", "no", "non"))
    charter_accepted = BooleanField(false_values=("", "0", "false", "off", "no", "non"))
    version = HiddenField()

    def __init__(self, formdata, allowed_needs, **kwargs):
        super().__init__(formdata, **kwargs)
        self.accommodations.allowed = frozenset(allowed_needs)

    def validate_gap_year(self, field):
        if (field.data or "none") not in GAP_YEAR_CHOICES:
            raise ValidationError(_l("Choose one of the options."))


# --- the DETU's part ------------------------------------------------------------------------------


class NeedHoursForm(Form):
    """The hour volume of one specific need the student declared (``line``: its row id).

    Checked by ``DetuPartForm.validate_needs``: the maximum depends on the need."""

    line = HiddenField()
    hours = StringField(filters=[_strip])


class RemediationRowForm(Form):
    remediation = StringField(filters=[_strip])
    hours = StringField(filters=[_strip])

    def is_blank(self):
        return not (self.remediation.data or self.hours.data)


class CourseRowForm(Form):
    code = StringField(filters=[_strip], validators=[plain_text(CODE_LENGTH, multiline=False)])
    label = StringField(filters=[_strip], validators=[plain_text(SHORT_TEXT, multiline=False)])
    ects = StringField(filters=[_strip])

    def is_blank(self):
        return not (self.code.data or self.label.data or self.ects.data)


def _raise_if_rows_failed(field):
    """Row errors set by a form-level check must fail the whole form, not only show."""
    if any(problems(entry.form) for entry in field.entries):
        raise ValidationError(_l("Check the rows above."))


def _row_count(form, field):
    # The list reads MAX_ROWS + 1 rows at most (``max_entries``): enough to know there were too many.
    if len(field.entries) > MAX_ROWS:
        raise StopValidation(_l("%(max)s rows at most: remove some.", max=MAX_ROWS))


class DetuPartForm(Form):
    """``needs``: one row per specific need on the contract; blank rows of the lists are ignored."""

    needs = FieldList(FormField(NeedHoursForm), max_entries=MAX_ROWS + 1, validators=[_row_count])
    remediations = FieldList(FormField(RemediationRowForm), max_entries=MAX_ROWS + 1, validators=[_row_count])
    support_hours = NumberField()
    advance_courses = FieldList(FormField(CourseRowForm), max_entries=MAX_ROWS + 1, validators=[_row_count])
    path_notes = TextAreaField(filters=[_newlines], validators=[plain_text()])
    version = HiddenField()

    def __init__(self, formdata=None, contract=None, remediations=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.contract = contract
        self.catalogue = {r.id: r for r in remediations}  # active ones and those on the contract
        self.lines = {item.id: item for item in contract.accommodations} if contract is not None else {}
        self.chosen_remediations, self.chosen_courses, self.line_hours = [], [], {}

    def validate_needs(self, field):
        self.line_hours = {}
        for entry in field.entries:
            try:
                line = self.lines[int(entry.form.line.data)]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(_l("This specific need is no longer on the contract: reload the page.")) from None
            maximum = line.accommodation.max_hours or current_app.config["MAX_HOURS"]
            try:
                self.line_hours[line.id] = parse_number(entry.form.hours.data, maximum)
            except ValidationError as exc:
                entry.form.hours.errors = [exc.args[0]]
        _raise_if_rows_failed(field)

    def validate_remediations(self, field):
        self.chosen_remediations, seen = [], set()
        for entry in field.entries:
            row = entry.form
            if row.is_blank():
                continue
            remediation = self._remediation(row.remediation.data)
            message = None
            if remediation is None:
                message = _l("Choose a remediation from the list.")
            elif remediation.id in seen:
                message = _l("This remediation is already listed.")
            else:
                try:
                    hours = parse_number(row.hours.data, current_app.config["MAX_HOURS"], required=True)
                except ValidationError as exc:
                    message = exc.args[0]
            if message:
                row.remediation.errors = [message]
                continue
            seen.add(remediation.id)
            self.chosen_remediations.append((remediation, hours))
        _raise_if_rows_failed(field)

    def validate_advance_courses(self, field):
        self.chosen_courses = []
        for entry in field.entries:
            row = entry.form
            if row.is_blank() or row.errors:
                continue
            if not row.label.data:
                row.label.errors = [_l("Give the title of the course.")]
                continue
            try:
                ects = parse_number(row.ects.data, MAX_ECTS, unit=_l("ECTS credits"))
            except ValidationError as exc:
                row.ects.errors = [exc.args[0]]
                continue
            self.chosen_courses.append((row.code.data or "", row.label.data, ects))
        _raise_if_rows_failed(field)

    def _remediation(self, raw):
        try:
            return self.catalogue.get(int(raw))
        except (TypeError, ValueError):
            return None

    def add_row(self, name):
        """One more blank row in ``remediations`` or ``advance_courses`` (the « add a row » button)."""
        rows = getattr(self, name)
        if len(rows.entries) < MAX_ROWS:
            rows.append_entry()


def detu_form(contract, remediations, formdata=None, blank_rows=1):
    """The DETU's form: posted values, or the saved ones with ``blank_rows`` empty rows to fill."""
    if formdata is not None:
        return DetuPartForm(as_formdata(formdata), contract=contract, remediations=remediations)
    data = {
        "needs": [{"line": str(item.id), "hours": _plain(item.hours)} for item in contract.accommodations],
        "remediations": [{"remediation": str(r.remediation_id), "hours": _plain(r.hours)} for r in contract.remediations],
        "support_hours": contract.support_hours,
        "advance_courses": [{"code": c.code, "label": c.label, "ects": _plain(c.ects)} for c in contract.advance_courses],
        "path_notes": contract.path_notes,
        "version": contract.version,
    }
    form = DetuPartForm(None, contract=contract, remediations=remediations, data=data)
    for _ in range(blank_rows):
        form.remediations.append_entry()
        form.advance_courses.append_entry()
    return form


def _plain(number):
    return "" if number is None else format(Decimal(number).normalize(), "f")


class CommentForm(Form):
    comment = TextAreaField(filters=[_newlines], validators=[plain_text()])
