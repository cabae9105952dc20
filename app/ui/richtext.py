"""Rich text for referents (the charter, help texts): the Trix editor, vendored in our static files,
and a preview of what the sanitiser keeps — the same ``clean_html`` the saved text goes through.
"""
from flask import current_app, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import TextAreaField

from app.ui.sanitize import clean_html

TRIX = "vendor/trix-2.1.19/"  # also named in conpere/widgets/form.html

# (Trix attribute or action, keyboard key, text): the formatting the sanitiser keeps, nothing else.
TEXT_TOOLS = [("bold", "b", _l("Bold")), ("italic", "i", _l("Italic")), ("href", "k", _l("Link"))]
BLOCK_TOOLS = [("heading1", None, _l("Heading")), ("quote", None, _l("Quote")),
               ("bullet", None, _l("Bulleted list")), ("number", None, _l("Numbered list"))]
HISTORY_TOOLS = [("undo", "z", _l("Undo")), ("redo", "shift+z", _l("Redo"))]
ICONS = {"heading1": "heading-1", "bullet": "bullet-list", "number": "number-list"}


def _button(name, key, text):
    action = "action" if name in ("undo", "redo") else "attribute"
    extra = Markup(' data-trix-action="link"') if name == "href" else Markup("")
    keyed = Markup(' data-trix-key="{}"').format(key) if key else Markup("")
    return Markup(
        '<button type="button" class="trix-button trix-button--icon trix-button--icon-{icon}" '
        'data-trix-{action}="{name}"{extra}{keyed} title="{text}">{text}</button>'
    ).format(icon=ICONS.get(name, name if name != "href" else "link"), action=action, name=name, extra=extra,
             keyed=keyed, text=text)


def _group(tools):
    return Markup('<span class="trix-button-group">{}</span>').format(
        Markup("").join(_button(*tool) for tool in tools))


class RichTextWidget:
    """A hidden input that Trix edits, our toolbar (translated, only what is kept), a preview.

    The form that holds one loads the editor once (``field.flags.richtext``, conpere/widgets/form.html).
    """

    field_flags = {"richtext": True}

    def __call__(self, field, **kwargs):
        toolbar_id = f"{field.id}-toolbar"
        described = kwargs.get("aria-describedby")
        return Markup(
            '<div class="richtext" data-preview-url="{preview}">'
            '<input type="hidden" id="{id}" name="{name}" value="{value}">'
            '<trix-toolbar id="{toolbar_id}"><div class="trix-button-row" role="toolbar" aria-label="{tools}">'
            '{text_tools}{block_tools}{history_tools}</div>'
            '<div class="trix-dialogs" data-trix-dialogs>'
            '<div class="trix-dialog trix-dialog--link" data-trix-dialog="href" data-trix-dialog-attribute="href">'
            '<div class="trix-dialog__link-fields">'
            '<input type="url" name="href" class="trix-input trix-input--dialog" placeholder="https://…" '
            'aria-label="{address}" data-trix-validate-href required data-trix-input disabled>'
            '<div class="trix-button-group">'
            '<input type="button" class="trix-button trix-button--dialog" value="{link}" data-trix-method="setAttribute">'
            '<input type="button" class="trix-button trix-button--dialog" value="{unlink}" data-trix-method="removeAttribute">'
            '</div></div></div></div></trix-toolbar>'
            '<trix-editor input="{id}" toolbar="{toolbar_id}" class="form-control trix-content" '
            'aria-labelledby="label-{id}"{described}></trix-editor>'
            '<details class="richtext-preview"><summary>{preview_label}</summary>'
            '<p class="help-block">{preview_help}</p><div class="richtext-preview-body" aria-live="polite"></div>'
            '</details></div>'
        ).format(
            preview=url_for("RichTextPreviewView.preview"),
            id=field.id, name=field.name, value=field._value(), toolbar_id=toolbar_id,
            tools=gettext("Formatting"), text_tools=_group(TEXT_TOOLS), block_tools=_group(BLOCK_TOOLS),
            history_tools=_group(HISTORY_TOOLS), address=gettext("Address of the link"), link=gettext("Link"),
            unlink=gettext("Remove the link"),
            described=Markup(' aria-describedby="{}"').format(described) if described else Markup(""),
            preview_label=gettext("Preview"),
            preview_help=gettext("As readers will see it: what the editor cannot keep is left out."),
        )


class RichTextField(TextAreaField):
    """HTML written with the editor. Views sanitise it when they save it (``clean_html``), and may
    refuse it first with a validator that says why (``app.ui.urls.web_links_only``)."""

    widget = RichTextWidget()


class RichTextPreviewView(BaseView):
    """What the sanitiser keeps of the editor's text, for the preview (JSON)."""

    route_base = "/richtext"

    @expose("/preview", methods=["POST"])
    @has_access
    def preview(self):
        html = request.form.get("html", "")
        if len(html) > current_app.config["MAX_TEXT_LENGTH"] * 10:
            return jsonify({"error": gettext("The text is too long.")}), 413
        return jsonify({"html": clean_html(html)})
