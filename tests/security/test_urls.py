"""Findings 2 and 8: every address a referent types is http(s), checked in the form and again at
rendering; the sanitiser refuses protocol-relative and other schemes."""
import pytest
from sqlalchemy import select, update

from app.catalog.models import HelpText, Settings
from app.extensions import db
from app.ui.sanitize import clean_html
from app.ui.urls import bad_links, is_web_url
from tests.catalog.test_config_views import SETTINGS_FORM

HOSTILE = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
           "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "file:///etc/passwd", "//evil.test/x",
           "\\\\evil.test\\x", "https:evil.test", "https://", "java\nscript:alert(1)", "/relative/path",
           "https://exa mple.test"]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_web_addresses_with_a_host_pass(url):
    assert not is_web_url(url)


@pytest.mark.parametrize("url", ["https://pec.univ.fr/", "http://pec.univ.fr/a?b=c#d", "HTTPS://PEC.UNIV.FR"])
def test_web_addresses_pass(url):
    assert is_web_url(url)


def test_the_pec_link_is_refused_in_the_form_with_a_clear_message(app, login):
    client = login("referent")
    response = client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, pec_url="javascript:alert(document.cookie)"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give a web address starting with https://" in page
    with app.app_context():
        assert db.session.get(Settings, 1).pec_url != "javascript:alert(document.cookie)"
    assert client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, pec_url="https://pec.univ.test/")).status_code == 302


def test_a_hostile_pec_link_stored_anyway_is_never_rendered(app, login):
    with app.app_context():
        db.session.execute(update(Settings).values(pec_url="javascript:alert(document.cookie)"))
        db.session.commit()
    page = login("student").get("/my/contract/").get_data(as_text=True)
    assert "javascript:" not in page


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.test/x", "data:text/html,x", "/my/contracts/"])
def test_links_in_the_charter_and_help_texts_are_refused_with_the_link_named(app, login, link):
    client = login("referent")
    html = f'<p>Voir <a href="{link}">ici</a></p>'
    response = client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, charter_html=html))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Links must be web addresses" in page
    with app.app_context():
        help_id = db.session.scalar(select(HelpText.id).where(HelpText.field == "study_plan", HelpText.language == "fr"))
    response = client.post(f"/helptextview/edit/{help_id}", data={"html": html})
    assert response.status_code == 200 and "Links must be web addresses" in response.get_data(as_text=True)


def test_the_sanitiser_drops_protocol_relative_and_other_schemes():
    html = ('<a href="//evil.test/x">a</a><a href="javascript:x()">b</a><a href="/x">c</a>'
            '<a href="https://ok.test/">d</a><a href="mailto:scol@univ.fr">e</a><a href="https:evil">f</a>')
    cleaned = clean_html(html)
    assert 'href="https://ok.test/"' in cleaned and 'href="mailto:scol@univ.fr"' in cleaned
    for bad in ("//evil.test", "javascript:", 'href="/x"', "https:evil"):
        assert bad not in cleaned
    assert bad_links(cleaned) == []


def test_rich_text_stored_before_the_check_is_sanitised_again_on_the_page(app, login):
    with app.app_context():
        db.session.execute(update(Settings).values(charter_html='<p>Charte <a href="//evil.test/x">x</a></p>'))
        db.session.execute(update(HelpText).values(html='<a href="javascript:alert(1)">aide</a><script>alert(2)</script>'))
        db.session.commit()
    page = login("student").get("/my/contract/").get_data(as_text=True)
    assert "//evil.test" not in page and "javascript:alert" not in page and "alert(2)" not in page
