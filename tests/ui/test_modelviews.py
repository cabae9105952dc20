"""The project's base of generated pages (app/ui/modelviews.py): where a delete leads."""
import re

from app.extensions import db
from app.people.models import TeacherAssignment

LIST = "/teacherassignmentview/list/"


def _delete(client, pk, page):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)
    return client.post(f"/teacherassignmentview/delete/{pk}", data={"csrf_token": token})


def test_a_delete_comes_back_to_the_list_it_was_made_from(login):
    client = login("referent")
    answer = _delete(client, 2, LIST)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(LIST)


def test_a_delete_never_leads_to_a_page_of_the_deleted_row(app, login):
    """FAB's history may end with the row's own page (a late response carried an older cookie):
    the delete then leads to the list, not to a page that answers 404."""
    client = login("referent")
    client.get(LIST)
    client.get("/teacherassignmentview/show/1")  # the history's last page: the row's own
    answer = _delete(client, 1, "/teacherassignmentview/show/1")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(LIST)
    assert client.get(answer.headers["Location"]).status_code == 200
    with app.app_context():
        assert db.session.get(TeacherAssignment, 1) is None
