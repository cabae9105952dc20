"""Reading the settings and the campaign: the rules other packages ask about.

Below the policy (which asks whether the campaign is open) and every package, above the catalogue's
tables only; the catalogue's pages (app/catalog) edit them, and ask the policy who may."""
from datetime import date

from flask import g, has_request_context
from sqlalchemy import inspect, select

from app.catalog.models import Campaign, HelpText, HourVolume, Settings
from app.extensions import db


class SettingsMissing(RuntimeError):
    """The settings row does not exist yet: run ``flask --app run seed``."""


def current_settings():
    # Once per request: nothing else holds the row, so the session's identity map (weak) lets it
    # go between two callers, and each asked the database again (a dashboard read it four times).
    settings = once_per_request("settings", lambda: db.session.get(Settings, 1))
    if settings is None:
        raise SettingsMissing("The settings are missing: run 'flask --app run seed' first.")
    return settings


def current_year():
    return current_settings().current_year


def once_per_request(key, read):
    """``read()`` once per request and ``key``: the parts of one page (the form, the policy's checks,
    the privacy notice, the navbar) ask for the same settings, campaign, help texts, assignments and
    counters, each a statement of its own otherwise. Outside a request (jobs, commands) every call
    reads. A row is kept only while the request's session holds it: a streamed download closes the
    session between its parts."""
    if not has_request_context():
        return read()
    reads = g.setdefault("_request_reads", {})
    if key not in reads or _detached(reads[key]):
        reads[key] = read()
    return reads[key]


def _detached(value):
    state = inspect(value, raiseerr=False)
    return state is not None and state.detached


def campaign_for(year):
    return once_per_request(("campaign", year), lambda: db.session.scalar(select(Campaign).where(Campaign.year == year)))


def student_edits_open(year, today=None):
    """Students write and validate only the current year's contracts, while its campaign is open."""
    if year != current_year():
        return False
    campaign = campaign_for(year)
    return campaign is not None and campaign.is_open(today or date.today())


def help_texts(language):
    """Field name -> sanitised HTML of its help bubble, falling back to French."""
    return dict(once_per_request(("help", language), lambda: _help_texts(language)))


def _help_texts(language):
    rows = db.session.scalars(select(HelpText).where(HelpText.language.in_((language, "fr")))).all()
    texts = {r.field: r.html for r in rows if r.language == "fr"}
    texts.update({r.field: r.html for r in rows if r.language == language and r.html})
    return texts


def hour_volumes():
    return db.session.scalars(select(HourVolume).order_by(HourVolume.hours)).all()
