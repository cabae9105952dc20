"""The institution's logo, uploaded in the settings and printed on the contract PDF (app.documents.pdf)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

MAX_LOGO_BYTES = 500 * 1024


def image_type(data):
    """"png" or "jpeg" from the bytes' signature, else None."""
    if not data:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


class LogoField(FileField):
    """PNG or JPEG, 500 KB at most. Sending no file keeps the current logo; ``remove`` deletes it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("description", _l("PNG or JPEG, 500 KB at most, printed at the top of the contract PDF. "
                                            "Leave empty to keep the current logo."))
        super().__init__(*args, **kwargs)
        self.content = None

    def pre_validate(self, form):
        upload = self.data
        if not upload or not getattr(upload, "filename", ""):
            return
        content = upload.read(MAX_LOGO_BYTES + 1)
        if len(content) > MAX_LOGO_BYTES:
            raise ValidationError(_l("The logo is too large: 500 KB at most."))
        if image_type(content) is None:
            raise ValidationError(_l("The logo must be a PNG or JPEG image."))
        self.content = content

    def populate_obj(self, obj, name):
        if self.content is not None:
            setattr(obj, name, self.content)


def logo_summary(value):
    """How the settings page shows the stored logo."""
    if not value:
        return _l("No logo")
    kind = image_type(value) or "?"
    return Markup("{} ({} KB)").format(escape(kind.upper()), len(value) // 1024 or 1)
