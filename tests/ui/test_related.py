"""Relation filters never load a whole table: the list page carries no option of them, and the
server answers what is typed, twenty rows at a time, narrowed like the view's forms."""
import re

from sqlalchemy import select


def test_the_assignment_list_carries_no_list_of_accounts(login):
    page = login("referent").get("/detuassignmentview/list/").get_data(as_text=True)
    filters = re.search(r'data-fields="([^"]*)"', page).group(1)
    assert "conpere-related" in filters and "option value=&#34;1" not in filters
    assert "Camille Martin" not in filters  # a student's account: no longer one option among all


def test_the_user_filter_offers_the_role_holders_matching_what_is_typed(login):
    client = login("referent")
    answer = client.get("/detuassignmentview/related/user?q=dir").get_json()
    assert {r["text"] for r in answer["results"]} == {"Denise Directrice", "Didier Directeur"}
    assert answer["pagination"] == {"more": False}
    assert client.get("/detuassignmentview/related/user?q=Camille").get_json()["results"] == []


def test_a_chosen_filter_value_shows_its_name(app, login):
    from app.extensions import db
    from app.people.models import Programme

    with app.app_context():
        pid = db.session.scalar(select(Programme.id).where(Programme.step_code == "L1MATH"))
    page = login("referent").get(f"/detuassignmentview/list/?_flt_0_programme={pid}").get_data(as_text=True)
    assert "Licence 1 Math" in re.search(r'data-fields="([^"]*)"', page).group(1)


def test_only_relation_filters_of_the_view_answer(login):
    client = login("referent")
    assert client.get("/detuassignmentview/related/nothing").status_code == 404
    assert client.get("/detuassignmentview/related/user?page=0").status_code == 400
    assert login("detu").get("/detuassignmentview/related/user").status_code == 403


def test_the_preview_keeps_what_the_sanitiser_keeps(login):
    html = '<div>Un <strong>mot</strong><script>alert(1)</script> <a href="javascript:x">lien</a></div><h2>Titre</h2>'
    answer = login("referent").post("/richtext/preview", data={"html": html}).get_json()
    assert answer["html"].startswith("<div>Un <strong>mot</strong>")
    assert "script" not in answer["html"] and "javascript" not in answer["html"] and "<h2>Titre</h2>" in answer["html"]
