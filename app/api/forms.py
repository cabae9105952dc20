"""The administrators' forms for service accounts and their keys (WTForms: messages come from here)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.api.accounts import USERNAME


class ScopeForm(FlaskForm):
    purpose = TextAreaField(
        _l("Purpose"), validators=[DataRequired(_l("Say what the account is for.")), Length(max=500)],
        description=_l("Which application uses it, and why it needs these contracts (record of processing)."),
    )
    all_faculties = BooleanField(_l("All faculties"))
    faculties = SelectMultipleField(_l("Faculties"), choices=[], validate_choice=True)
    health_needs = BooleanField(
        _l("Health-related specific needs"),
        description=_l("Only when the application's purpose needs them (data protection)."),
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.all_faculties.data and not self.faculties.data:
            self.faculties.errors = list(self.faculties.errors) + [_l("Choose at least one faculty, or all faculties.")]
            return False
        return valid


class NewAccountForm(ScopeForm):
    username = StringField(
        _l("Account name"),
        validators=[DataRequired(_l("Name the account.")),
                    Regexp(USERNAME.pattern, message=_l("3 to 64 characters: lowercase letters, digits, '.', '_', '-'."))],
        description=_l("For example « bi-entrepot » or « pegase »."),
    )


class EditAccountForm(ScopeForm):
    active = BooleanField(_l("Active"), description=_l("A deactivated account's keys stop working at once."))


class KeyForm(FlaskForm):
    name = StringField(_l("Key name"), validators=[DataRequired(_l("Name the key.")), Length(max=256)],
                       description=_l("For example the server that uses it."))
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])
