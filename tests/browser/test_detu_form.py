"""The director of studies' part with the keyboard only: hour volumes, remediation, save, sign."""
import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard, tab_to

pytestmark = pytest.mark.browser


def submitted_l1math_contract(app):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme

    with app.app_context():
        contract = db.session.scalar(
            select(Contract).join(Programme).where(Programme.step_code == "L1MATH", Contract.status == "submitted")
            .where(Contract.accommodations.any()).order_by(Contract.id)
        )
        return contract.id, [item.id for item in contract.accommodations]


def contract_status(app, pk):
    from app.contracts.models import Contract
    from app.extensions import db

    with app.app_context():
        db.session.expire_all()
        contract = db.session.get(Contract, pk)
        return contract.status, [item.hours for item in contract.accommodations], len(contract.remediations)


def test_detu_completes_and_signs_with_the_keyboard_only(app, page):
    pk, needs = submitted_l1math_contract(app)
    login_with_keyboard(page, "detu")
    page.goto(f"/contracts/edit/{pk}")
    for need in needs:
        tab_to(page, f"#field-hours_{need}")
        page.keyboard.press("ArrowDown")  # the first hour volume offered
        page.keyboard.press("ArrowDown")
    tab_to(page, "#field-remediation_0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#remh-0")
    page.keyboard.type("12")
    tab_to(page, "form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status, hours, remediations = contract_status(app, pk)
    assert status == "submitted" and all(h is not None for h in hours) and remediations == 1
    page.goto(f"/contracts/show/{pk}")
    tab_to(page, "form[action$='/sign'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert contract_status(app, pk)[0] == "signed"
