"""Finding 6: changing one's database password needs the current one and a minimum length;
administrators still reset anyone's password."""
from tests.security.conftest import sign_in

NEW = "correct horse battery staple"


def _change(client, current, new, confirm=None):
    return client.post("/resetmypassword/form", data={
        "current_password": current, "password": new, "conf_password": new if confirm is None else confirm})


def test_the_current_password_is_required(app, login):
    client = login("detu")
    response = _change(client, "", NEW)
    assert response.status_code == 200 and sign_in(app, "detu", NEW)[1].status_code == 200
    response = _change(client, "not-demo", NEW)
    page = response.get_data(as_text=True)
    assert "This is not your current password." in page
    assert sign_in(app, "detu", "demo")[1].status_code == 302


def test_a_short_password_is_refused_with_the_reason(app, login):
    response = _change(login("detu"), "demo", "x")
    assert "The password must have at least 12 characters." in response.get_data(as_text=True)
    assert sign_in(app, "detu", "x")[1].status_code == 200


def test_the_right_current_password_and_a_long_one_change_it(app, login):
    response = _change(login("detu"), "demo", NEW)
    assert response.status_code == 302
    assert sign_in(app, "detu", NEW)[1].status_code == 302
    assert sign_in(app, "detu", "demo")[1].status_code == 200


def test_the_form_asks_for_the_current_password(app, login):
    page = login("detu").get("/resetmypassword/form").get_data(as_text=True)
    assert 'name="current_password"' in page


def test_an_administrator_resets_without_the_user_s_password_but_not_a_short_one(app, login):
    from app.extensions import db

    with app.app_context():
        pk = app.appbuilder.sm.find_user(username="teacher").id
        db.session.remove()
    admin = login("admin")
    page = admin.get(f"/resetpassword/form?pk={pk}").get_data(as_text=True)
    assert 'name="current_password"' not in page
    short = admin.post(f"/resetpassword/form?pk={pk}", data={"password": "short", "conf_password": "short"})
    assert "at least 12 characters" in short.get_data(as_text=True)
    assert admin.post(f"/resetpassword/form?pk={pk}", data={"password": NEW, "conf_password": NEW}).status_code == 302
    assert sign_in(app, "teacher", NEW)[1].status_code == 302


def test_a_reset_of_a_wrong_account_is_a_404_not_a_500(app, login):
    admin = login("admin")
    for pk in ("999999", "abc", "99999999999999999999", "-1"):
        # 404 (no such account), or 400 for a number too large for any id (app.guarded).
        assert admin.get(f"/resetpassword/form?pk={pk}").status_code in (400, 404), pk
        assert admin.post(f"/resetpassword/form?pk={pk}", data={"password": NEW, "conf_password": NEW}).status_code in (400, 404)
