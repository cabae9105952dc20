"""Remember the language a signed-in user picks, so that their e-mails are written in it."""
from flask import g, request

from app.extensions import db
from app.notify.messages import LANGUAGES
from app.notify.models import UserLanguage

LOCALE_ENDPOINT = "LocaleView.index"


def remember(user_id, language):
    if language not in LANGUAGES:
        return
    row = db.session.get(UserLanguage, user_id)
    if row is None:
        db.session.add(UserLanguage(user_id=user_id, language=language))
    elif row.language != language:
        row.language = language
    else:
        return
    db.session.commit()


def init_app(app):
    @app.after_request
    def remember_chosen_language(response):
        if request.endpoint == LOCALE_ENDPOINT and response.status_code < 400:
            user = getattr(g, "user", None)
            if user is not None and user.is_authenticated:
                remember(user.id, (request.view_args or {}).get("locale"))
        return response
