"""Database passwords (the embedded demo, the break-glass administrator): change and reset.

- Changing one's own password asks for the current one (a session left open on a shared computer
  cannot take the account over) and a new one of at least ``PASSWORD_MIN_LENGTH`` characters.
- Administrators reset anyone's password without knowing it, with the same minimum length.
- Either way the user's other sessions end (``SecurityManager.reset_password``).

The minimum length goes through FAB's password-complexity hook, so FAB's own user creation form
applies it too.
"""
from flask import abort, current_app, g, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.views import ResetMyPasswordView, ResetPasswordView as FabResetPasswordView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.security import throttle


def check_length(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: at least PASSWORD_MIN_LENGTH characters."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise PasswordComplexityValidationError(
            _("The password must have at least %(num)d characters.", num=minimum)
        )


def init_app(app):
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_ENABLED", True)
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", check_length)


def _new_password_fields():
    return (
        PasswordField(_l("New password"), validators=[DataRequired(), PasswordComplexityValidator()],
                      widget=BS3PasswordFieldWidget(),
                      description=_l("A long sentence is easier to remember than a short code.")),
        PasswordField(_l("Confirm the new password"),
                      validators=[EqualTo("password", message=_l("The two passwords differ."))],
                      widget=BS3PasswordFieldWidget()),
    )


class ChangeMyPasswordForm(DynamicForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     widget=BS3PasswordFieldWidget())
    password, conf_password = _new_password_fields()

    def validate_current_password(self, field):
        if not throttle.account_allowed(g.user.username):
            raise ValidationError(_l("Too many wrong passwords: wait a few minutes, then try again."))
        if not check_password_hash(g.user.password or "", field.data or ""):
            throttle.account_failed(g.user.username)
            raise ValidationError(_l("This is not your current password."))


class ResetPasswordForm(DynamicForm):
    password, conf_password = _new_password_fields()


class ChangeMyPasswordView(ResetMyPasswordView):
    class_permission_name = "ResetMyPasswordView"  # the permission app.roles grants
    form = ChangeMyPasswordForm
    form_title = _l("Change my password")
    message = _l("Your password is changed. Your other sessions are closed.")


class ResetPasswordView(FabResetPasswordView):
    """An administrator sets a user's password (``?pk=<user id>``)."""

    form = ResetPasswordForm
    message = _l("The password is changed. The user's sessions are closed.")

    def _init_vars(self):
        # FAB would reach the database with whatever ``pk`` says, and answer 500 for a wrong one.
        pk = request.args.get("pk", type=int)
        if pk is None or not 0 < pk < 2**31 or self.appbuilder.sm.get_user_by_id(pk) is None:
            abort(404)
        return super()._init_vars()
