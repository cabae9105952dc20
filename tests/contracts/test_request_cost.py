"""What a staff page reads at each request, and what it may keep: access changes count at once.

The session, its user and their roles come in one statement; the list's default year is kept a minute; FAB's answers for builtin roles are
kept per process (they are code); the search form's choices are kept a minute (``late_cache``).
None of it may delay a change of access: these tests change roles and assignments between two
pages of the same signed-in client.
"""
import hashlib

from sqlalchemy import delete, func, select

from app import policy
from app import roles as R
from app.catalog.models import Settings
from app.contracts.late_cache import LateCache
from app.extensions import db
from app.contracts.models import CharterVersion, Contract
from app.people.models import DetuAssignment, Programme
from tests.contracts.staff import list_page, listed, scoped_ids, statements_of


def _set_roles(app, username, names):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username=username)
        user.roles = [sm.find_role(name) for name in names]
        db.session.commit()


def test_a_role_taken_away_counts_at_the_next_page(app, login):
    client = login("counsellor")
    assert client.get("/contracts/list/").status_code == 200
    _set_roles(app, "counsellor", [R.STUDENT])
    answer = client.get("/contracts/list/")
    assert answer.status_code in (302, 403) and b"/contracts/show/" not in answer.data
    _set_roles(app, "counsellor", [R.COUNSELLOR])
    assert client.get("/contracts/list/").status_code == 200


def test_an_assignment_taken_away_counts_at_the_next_page(app, login):
    client = login("detu")
    l2math = Programme.step_code == "L2MATH"
    before = list_page(client)
    assert scoped_ids(app, l2math) <= listed(client) and "L2MATH" in _programme_choices(before)
    with app.app_context():
        programme = db.session.scalar(select(Programme.id).where(l2math))
        user = app.appbuilder.sm.find_user(username="detu")
        db.session.execute(delete(DetuAssignment).where(DetuAssignment.user_id == user.id,
                                                        DetuAssignment.programme_id == programme))
        db.session.commit()
    after = list_page(client)
    assert listed(client) == scoped_ids(app, Programme.step_code == "L1MATH")
    # The choices too, in this process: the change dropped the cache (other processes: within a minute).
    assert "L2MATH" not in _programme_choices(after) and "L1MATH" in _programme_choices(after)


def _programme_choices(page):
    return page.split('id="f-programme"')[1].split("</select>")[0]


def test_the_session_user_and_roles_are_one_statement(app, login):
    client = login("teacher")
    client.get("/contracts/list/")
    for _ in range(2):  # the same count each time: nothing is read lazily on some pages only
        statements, _ = statements_of(app, client, "/contracts/list/")
        reads_of_users = [s for s in statements if "ab_user" in s.split("WHERE")[0] or "ab_role" in s.split("WHERE")[0]]
        assert len(reads_of_users) == 1, reads_of_users
        assert len(statements) == 2  # the session with its user and roles, the page (its default year is kept)


def test_the_default_year_follows_the_settings_at_the_next_page(app, login):
    """The list's default year is kept a minute per process, but a change of the settings drops it."""
    client = login("counsellor")
    with app.app_context():
        settings = db.session.get(Settings, 1)
        current, years = settings.current_year, set(db.session.scalars(select(Contract.year)))
    other = max(years - {current})
    assert listed(client, year=None) == scoped_ids(app, Contract.year == current)
    with app.app_context():
        db.session.get(Settings, 1).current_year = other
        db.session.commit()
    assert listed(client, year=None) == scoped_ids(app, Contract.year == other)


def test_a_late_cache_keeps_a_value_for_its_time_to_live_only():
    now = [100.0]
    cache, computed = LateCache(ttl=60, max_entries=4, clock=lambda: now[0]), []

    def compute(value):
        return lambda: computed.append(value) or value

    assert cache.get("a", compute(1)) == 1 and cache.get("a", compute(2)) == 1
    now[0] += 61
    assert cache.get("a", compute(3)) == 3 and computed == [1, 3]
    for key in "bcde":  # past max_entries, the oldest go first
        now[0] += 1
        cache.get(key, compute(key))
    assert cache.get("a", compute(4)) == 4
    cache.clear()
    assert cache.get("e", compute(5)) == 5


def test_dates_in_lists_read_as_babel_writes_them(app):
    """The list's « datetime » filter skips Flask-Babel per row: same text, both languages, both
    sides of the changes of time (stored times are UTC, shown in Paris time)."""
    from datetime import datetime, timedelta

    from flask import g
    from flask_babel import force_locale, format_datetime

    from app.ui.display import DATETIME_PATTERN, datetime_text

    moments = [datetime(2026, 3, 29, 0, 30) + timedelta(minutes=45 * i) for i in range(8)]
    moments += [datetime(2026, 10, 25, 0, 15) + timedelta(minutes=40 * i) for i in range(8)]
    moments += [datetime(2027, 1, 1, 23, 59), datetime(2026, 12, 31, 23, 30)]
    for language in ("fr", "en"):
        with app.test_request_context(), force_locale(language):
            g.pop("_datetime_parts", None)
            assert [datetime_text(m) for m in moments] == [format_datetime(m, DATETIME_PATTERN) for m in moments]
    with app.test_request_context():
        assert datetime_text(None) == ""


def test_the_menu_follows_a_role_change_at_the_next_page(app, login):
    """The menu is rendered once per role set (app.templating.Fragments): a role granted or taken
    away changes it at the next page, and two users of the same process never share theirs."""
    counsellor, registrar = login("counsellor"), login("registrar")
    assert "/exports/" not in menu_links_of(counsellor)
    assert "/exports/" in menu_links_of(registrar)
    _set_roles(app, "counsellor", [R.COUNSELLOR, R.REFERENT])
    assert "/settingsview/list/" in menu_links_of(counsellor)
    _set_roles(app, "counsellor", [R.COUNSELLOR])
    assert "/settingsview/list/" not in menu_links_of(counsellor)
    assert "/exports/" not in menu_links_of(counsellor) and "/exports/" in menu_links_of(registrar)


def test_a_role_defined_at_run_time_has_its_menu_rendered_each_time(app, login):
    """A role an administrator creates can gain a permission at any time: its menu is never kept."""
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_role("Assistants")
        user = sm.find_user(username="counsellor")
        user.roles = [sm.find_role(R.COUNSELLOR), sm.find_role("Assistants")]
        db.session.commit()
    client = login("counsellor")
    assert "/exports/" not in menu_links_of(client)
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_permission_role(sm.find_role("Assistants"), sm.add_permission_view_menu("menu_access", "Extractions"))
        db.session.commit()
    assert "/exports/" in menu_links_of(client)


def menu_links_of(client):
    from tests.test_menus import menu_links

    answer = client.get("/contracts/list/")
    assert answer.status_code == 200
    return menu_links(answer.get_data(as_text=True))


def test_the_student_form_reads_the_campaign_and_help_texts_once(app, login):
    """The form, the policy's checks and the privacy notice all ask for them: one statement each."""
    client = login("student")
    client.get("/my/contract/")
    statements, page = statements_of(app, client, "/my/contract/")
    assert 'name="version"' in page
    assert sum("FROM campaign" in s for s in statements) == 1
    assert sum("FROM help_text" in s for s in statements) == 1


def test_the_contract_page_counts_what_waits_for_a_signature_once(app, login):
    """The navbar's counter and the « next contract to sign » button show the same count: one statement."""
    with app.app_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        waiting = db.session.scalar(select(func.count()).select_from(Contract).where(policy.awaiting_signature(detu)))
    client = login("detu")
    pk = min(scoped_ids(app, Programme.step_code == "L1MATH", Contract.status == "submitted"))
    statements, page = statements_of(app, client, f"/contracts/show/{pk}")
    assert waiting > 1
    assert f"Contrat suivant à signer ({waiting})" in page and f"{waiting} contrats à signer" in page
    assert sum("contract.status =" in s and "count(" in s for s in statements) == 1


def test_a_signed_contract_shows_the_charter_of_its_signature_without_reading_it_apart(app, login):
    """The charter a signature covers is named by its hash in the signed document; it is the contract's
    own version, loaded with the contract, so the page reads nothing more. A contract whose row points
    at another version (an import, a repair) still shows the charter that was signed."""
    client = login("detu")
    pk = min(scoped_ids(app, Programme.step_code == "L1MATH", Contract.status == "signed"))
    by_hash = "charter_version.sha256 ="
    statements, page = statements_of(app, client, f"/contracts/show/{pk}")
    assert not any(by_hash in s for s in statements)
    assert "engage" in page.split("Charte acceptée")[1]
    with app.app_context():
        contract = db.session.get(Contract, pk)
        signed_version = contract.charter_version_id
        other = CharterVersion(sha256=hashlib.sha256(b"<p>Une autre charte</p>").hexdigest(), html="<p>Une autre charte</p>")
        contract.charter_version = other
        db.session.commit()
    try:
        statements, page = statements_of(app, client, f"/contracts/show/{pk}")
        assert sum(by_hash in s for s in statements) == 1
        assert "Une autre charte" not in page and "engage" in page.split("Charte acceptée")[1]
    finally:
        with app.app_context():
            db.session.get(Contract, pk).charter_version_id = signed_version
            db.session.commit()
