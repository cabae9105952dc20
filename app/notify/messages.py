"""What each e-mail says and to whom: composed in the recipient's language, stored in the outbox.

Templates: ``templates/mail/<language>/<kind>.txt`` (blocks ``subject`` and ``body``) and
``<kind>.html``. Links point to PUBLIC_URL, never to the host of the current request.
"""
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.campaign import current_settings
from app.contracts.labels import year_label
from app.extensions import db
from app.notify.mailer import valid_address
from app.notify.models import UserLanguage
from app.notify.outbox import enqueue
from app.people.models import DetuAssignment

LANGUAGES = ("fr", "en")


def public_url(path):
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def language_of(user_id):
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if user_id is None:
        return default if default in LANGUAGES else "fr"
    chosen = db.session.get(UserLanguage, user_id)
    return chosen.language if chosen is not None and chosen.language in LANGUAGES else default


def render(kind, language, **context):
    """(subject, text, html) of a message kind in a language."""
    env = current_app.jinja_env
    context.update(
        institution=current_settings().institution_name,
        language=language,
        year_label=year_label,
        home_url=public_url("/"),
    )
    with force_locale(language):
        text_template = env.get_template(f"mail/{language}/{kind}.txt")
        subject = "".join(text_template.blocks["subject"](text_template.new_context(dict(context)))).strip()
        text = text_template.render(**context).strip() + "\n"
        html = env.get_template(f"mail/{language}/{kind}.html").render(subject=subject, **context)
    return " ".join(subject.split()), text, html


def detus_of(programme_id):
    """The active DETUs of a programme who have an e-mail address."""
    users = db.session.scalars(
        select(DetuAssignment).where(DetuAssignment.programme_id == programme_id)
    ).all()
    return [a.user for a in users if a.user.active and valid_address(a.user.email)]


def student_address(student):
    for address in (student.email, student.user.email if student.user else None):
        if valid_address(address):
            return address.strip()
    return None


def queue(kind, user_id, address, contract_id=None, dedup_key=None, **context):
    language = language_of(user_id)
    subject, text, html = render(kind, language, **context)
    return enqueue(kind, address, subject, text, html, language=language, to_user_id=user_id,
                   contract_id=contract_id, dedup_key=dedup_key)


# --- The messages ------------------------------------------------------------------------------


def to_detu(contract, detu, event):
    """A contract was started (``started``) or validated by the student (``submitted``)."""
    return queue(f"contract_{event}", detu.id, detu.email, contract_id=contract.id, contract=contract,
                 recipient=detu, url=public_url(f"/contracts/show/{contract.id}"))


def to_student(contract, event):
    """The contract was signed (``signed``) or returned with a reason (``returned``)."""
    student = contract.student
    address = student_address(student)
    if address is None:
        return None
    own_page = f"/my/contract/?kind={contract.kind}" if event == "returned" else f"/my/contracts/{contract.id}"
    return queue(f"contract_{event}", student.user_id, address, contract_id=contract.id, contract=contract,
                 student=student, url=public_url(own_page), pdf_url=public_url(f"/contracts/{contract.id}/pdf"))


def digest(detu, started, submitted):
    """One daily message listing the contracts started and validated in the DETU's programmes."""
    def lines(contracts):
        return [(c, public_url(f"/contracts/show/{c.id}")) for c in contracts]

    return queue("detu_digest", detu.id, detu.email, recipient=detu, started=lines(started),
                 submitted=lines(submitted), list_url=public_url("/contracts/list/?status=submitted"))


def student_reminder(student, campaign, dedup_key):
    address = student_address(student)
    if address is None:
        return None
    return queue("reminder_student", student.user_id, address, dedup_key=dedup_key, student=student,
                 campaign=campaign, url=public_url("/my/contract/"))


def detu_reminder(detu, waiting, campaign, dedup_key):
    """``waiting``: [(programme, number of contracts validated and not signed yet)]."""
    return queue("reminder_detu", detu.id, detu.email, dedup_key=dedup_key, recipient=detu, waiting=waiting,
                 total=sum(n for _, n in waiting), campaign=campaign,
                 list_url=public_url(f"/contracts/list/?status=submitted&year={campaign.year}"))
