"""The director of studies' part with the keyboard only: hour volumes, remediation, save, sign."""
import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard, tab_to

pytestmark = pytest.mark.browser


def a_submitted_contract_of_detu(app):
    """A validated contract of one of the `detu` account's programmes, with specific needs if any has."""
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import DetuAssignment

    with app.app_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        programmes = select(DetuAssignment.programme_id).where(DetuAssignment.user_id == detu.id)
        contracts = db.session.scalars(
            select(Contract).where(Contract.status == "submitted", Contract.programme_id.in_(programmes))
            .order_by(Contract.id)
        ).all()
        contract = next((c for c in contracts if c.accommodations), contracts[0])
        return contract.id, [item.id for item in contract.accommodations]


def contract_status(app, pk):
    from app.contracts.models import Contract
    from app.extensions import db

    with app.app_context():
        db.session.expire_all()
        contract = db.session.get(Contract, pk)
        return contract.status, [item.hours for item in contract.accommodations], len(contract.remediations)


def test_detu_completes_and_signs_with_the_keyboard_only(app, page):
    pk, needs = a_submitted_contract_of_detu(app)
    login_with_keyboard(page, "detu")
    page.goto(f"/contracts/edit/{pk}")
    for index, _need in enumerate(needs):
        tab_to(page, f"#field-needs-{index}-hours")
        page.keyboard.press("ArrowDown")  # the first hour volume offered
        page.keyboard.press("ArrowDown")
    tab_to(page, "#field-remediations-0-remediation")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#field-remediations-0-hours")
    page.keyboard.type("12")
    tab_to(page, "form[action*='/contracts/edit/'] button[type=submit]:not([name=add_row])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status, hours, remediations = contract_status(app, pk)
    assert status == "submitted" and all(h is not None for h in hours) and remediations == 1
    page.goto(f"/contracts/show/{pk}")
    tab_to(page, f"a[href$='/contracts/{pk}/sign']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert contract_status(app, pk)[0] == "submitted"  # signing asks for a confirmation first
    tab_to(page, "form[action$='/sign'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert contract_status(app, pk)[0] == "signed"
