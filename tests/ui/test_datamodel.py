"""The generated lists' count: exact up to the cap, « more than » past it, exact again once searched."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.people.models import ANONYMOUS_PREFIX, Student
from app.ui import datamodel


def shown_count(html):
    return re.search(r'class="pull-right record-count">\s*([^<]+?)\s*</p>', html).group(1)


def listed_students(ctx):
    return db.session.scalar(select(func.count()).select_from(Student)
                             .where(Student.student_number.not_like(f"{ANONYMOUS_PREFIX}%")))


def test_a_list_under_the_cap_gives_its_exact_count(ctx, login):
    expected = listed_students(ctx)
    html = login("referent").get("/studentview/list/").get_data(as_text=True)
    assert shown_count(html) == f"{expected} éléments"


def test_past_the_cap_the_list_says_more_than_and_still_pages(ctx, login, monkeypatch):
    assert listed_students(ctx) > 3
    monkeypatch.setattr(datamodel, "COUNT_CAP", 3)
    client = login("referent")
    html = client.get("/studentview/list/?psize_StudentView=2").get_data(as_text=True)
    assert shown_count(html) == "Plus de 3 éléments"
    assert len(set(re.findall(r"/studentview/show/(\d+)", html))) == 2  # the page's own rows, as before
    second = client.get("/studentview/list/?psize_StudentView=2&page_StudentView=1").get_data(as_text=True)
    assert len(set(re.findall(r"/studentview/show/(\d+)", second))) == 2


def test_a_search_under_the_cap_counts_exactly_again(ctx, login, monkeypatch):
    number = db.session.scalar(select(Student.student_number).order_by(Student.id))
    monkeypatch.setattr(datamodel, "COUNT_CAP", 3)
    html = login("referent").get(f"/studentview/list/?_flt_0_student_number={number}").get_data(as_text=True)
    assert shown_count(html) == "1 élément"
