"""Reading the settings and the campaign: the rules other packages ask about.

Below the policy (which asks whether the campaign is open) and every package, above the catalogue's
tables only; the catalogue's pages (app/catalog) edit them, and ask the policy who may."""
from datetime import date

from sqlalchemy import select

from app.catalog.models import Campaign, HelpText, HourVolume, Settings
from app.extensions import db
from app.request_reads import once_per_request


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
