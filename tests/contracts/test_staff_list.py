"""The staff list as Flask-AppBuilder's list: current year by default, sorts, keyset pages, filters,
and a constant, small number of SQL statements per page."""
import re

import pytest
from sqlalchemy import select

from app.catalog.models import Settings
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Faculty, Programme, Registration, Student
from tests.contracts.staff import PAGE, ids_in, list_page, listed, scoped_ids, statements_of


def current_year(app):
    with app.app_context():
        return db.session.get(Settings, 1).current_year


def test_the_current_year_by_default_and_every_year_on_request(app, login):
    client = login("referent")
    page = client.get("/contracts/list/", query_string={f"psize_{PAGE}": 100}).get_data(as_text=True)
    assert set(ids_in(page)) == scoped_ids(app, Contract.year == current_year(app))
    assert listed(client) == scoped_ids(app)


@pytest.mark.parametrize("column, key", [
    ("student_number", lambda c: c.student.student_number),
    ("updated_at", lambda c: c.updated_at),
    ("year", lambda c: c.year),
    ("student_name", lambda c: (c.student.last_name, c.student.first_name)),
])
def test_columns_sort_both_ways(app, login, column, key):
    client = login("referent")
    with app.app_context():
        from app.contracts import loading

        rows = db.session.scalars(select(Contract).options(*loading.list_row())).all()
        expected = [c.id for c in sorted(rows, key=lambda c: (key(c), c.id))]
    ascending = ids_in(list_page(client, **{f"_oc_{PAGE}": column, f"_od_{PAGE}": "asc"}))
    descending = ids_in(list_page(client, **{f"_oc_{PAGE}": column, f"_od_{PAGE}": "desc"}))
    assert ascending == expected
    assert descending == expected[::-1]


def test_sortable_headers_keep_the_filters(app, login):
    page = list_page(login("detu"), status="submitted")
    header = re.search(rf'href="?([^" >]*_oc_{PAGE}=student_number[^" >]*)', page).group(1).replace("&amp;", "&")
    assert "status=submitted" in header


def page_links(page):
    found = {}
    for rel in ("next", "prev"):
        match = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
        found[rel] = match.group(1).replace("&amp;", "&") if match else None
    return found


def test_keyset_pages_cover_every_row_once_and_come_back(app, login):
    client = login("referent")
    url = f"/contracts/list/?year=all&psize_{PAGE}=7&_oc_{PAGE}=student_name&_od_{PAGE}=asc"
    seen, pages = [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append((url, ids_in(page)))
        seen += ids_in(page)
        url = page_links(page)["next"]
        assert len(pages) < 30
    assert len(seen) == len(set(seen)) == len(scoped_ids(app))
    assert "after=" in pages[2][0]  # deep pages go by keyset, not by offset
    back = page_links(client.get(pages[2][0]).get_data(as_text=True))["prev"]
    assert ids_in(client.get(back).get_data(as_text=True)) == pages[1][1]


def test_numbered_pages_and_page_size(app, login):
    client = login("referent")
    first = ids_in(list_page(client, **{f"psize_{PAGE}": 10}))
    second = ids_in(list_page(client, **{f"psize_{PAGE}": 10, f"page_{PAGE}": 1}))
    assert len(first) == len(second) == 10 and not set(first) & set(second)


@pytest.mark.parametrize("args", [
    {"after": "!!"}, {"before": "WzEsMl0"}, {f"_oc_{PAGE}": "password"}, {f"_od_{PAGE}": "sideways"},
    {"year": "99999999999"},
])
def test_bad_paging_arguments_never_fail(login, args):
    response = login("referent").get("/contracts/list/", query_string=args)
    assert response.status_code == 200
    assert len(ids_in(response.get_data(as_text=True))) <= 100


@pytest.mark.parametrize("args, reason", [
    ({f"page_{PAGE}": "abc"}, "Le numéro de page doit être un nombre entier."),
    ({f"psize_{PAGE}": "-5"}, "La taille de page doit être un nombre entier de 1 à"),
    ({f"psize_{PAGE}": "100000"}, "La taille de page doit être un nombre entier de 1 à"),
])
def test_bad_page_numbers_and_sizes_are_a_400_that_says_why(login, args, reason):
    # app/guarded.py checks FAB's paging arguments on every list, this one included.
    response = login("referent").get("/contracts/list/", query_string=args)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_count_is_said_past_the_cap(app, login, monkeypatch):
    from app.contracts import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 10)
    page = list_page(login("referent"))
    assert "More than 10 contracts" in page or "Plus de 10 contrats" in page


def test_faculty_and_regime_filters(app, login):
    client = login("referent")
    with app.app_context():
        sci = db.session.scalar(select(Faculty.id).where(Faculty.code == "SCI"))
    assert listed(client, faculty=sci) == scoped_ids(app, Faculty.code == "SCI")
    regime = scoped_ids(app, Contract.registration_id.in_(select(Registration.id).where(Registration.regime_code == "1")))
    assert regime and listed(client, regime="1") == regime
    page = list_page(client)
    select_html = page.split('id="f-regime"')[1].split("</select>")[0]
    assert "Formation initiale" in select_html  # a labelled choice, not a code to type


def test_programme_choices_are_those_of_the_users_contracts(login):
    page = list_page(login("detu"))
    choices = page.split('id="f-programme"')[1].split("</select>")[0]
    assert "L1MATH" in choices and "L2MATH" in choices and "L3MATH" not in choices


@pytest.mark.parametrize("username", ["detu", "referent"])
def test_a_page_costs_a_few_statements_whatever_its_size_or_depth(app, login, username):
    client = login(username)
    counts = set()
    for args in (f"psize_{PAGE}=5", f"psize_{PAGE}=60", f"psize_{PAGE}=5&page_{PAGE}=2", "q=martin&year=all",
                 "status=submitted&faculty=1"):
        counts.add(len(statements_of(app, client, f"/contracts/list/?{args}")[0]))
    assert len(counts) == 1 and counts.pop() <= 8


def test_the_page_query_joins_only_what_it_shows(app, login):
    statements, _ = statements_of(app, login("detu"), f"/contracts/list/?psize_{PAGE}=20")
    page_query = next(s for s in statements if "count(" in s.lower() and "contract" in s)
    assert "ab_user" not in page_query  # neither the student's account nor the signer
    assert "contract_accommodation" not in page_query


def test_students_are_matched_whatever_accents_they_carry(app, login):
    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.last_name == "Lefèvre"))
        student.first_name = "Hélène"
        db.session.commit()
        student_id = student.id
    assert listed(login("referent"), q="helene lefevre") == scoped_ids(app, Contract.student_id == student_id)


def test_the_list_leads_to_the_students_who_have_not_started(app, login):
    page = list_page(login("detu"), programme=1)
    link = re.search(r'href="(/reports/pending/\?[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "programme=1" in link
    assert login("detu").get(link).status_code == 200
    assert "/reports/pending/?" not in list_page(login("teacher"))
