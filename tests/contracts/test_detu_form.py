"""The DETU's form through HTTP: its rows, its messages, and the bounds that hold whatever is posted."""
import re

import pytest
from sqlalchemy import select

from app.catalog.models import Remediation
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme


def submitted_l1math(app):
    with app.app_context():
        return db.session.scalar(
            select(Contract.id).join(Programme)
            .where(Programme.step_code == "L1MATH", Contract.status == "submitted").order_by(Contract.id)
        )


def version_in(page):
    tag = re.search(r'<input[^>]*name="version"[^>]*>', page).group(0)
    return re.search(r'value="(\d+)"', tag).group(1)


def first_remediation(app, active=True):
    with app.app_context():
        return db.session.scalar(select(Remediation.id).where(Remediation.active.is_(active)).order_by(Remediation.id))


@pytest.fixture
def detu(login):
    return login("detu")


@pytest.fixture
def edit(app, detu):
    """(url, version) of a submitted L1MATH contract's DETU form."""
    pk = submitted_l1math(app)
    url = f"/contracts/edit/{pk}"
    return url, version_in(detu.get(url).get_data(as_text=True))


def saved(app, url):
    """What the database holds of the DETU's part, read in its own context."""
    from types import SimpleNamespace

    with app.app_context():
        contract = db.session.get(Contract, int(url.rsplit("/", 1)[1]))
        return SimpleNamespace(
            path_notes=contract.path_notes, support_hours=contract.support_hours,
            remediations=[SimpleNamespace(remediation_id=r.remediation_id, hours=r.hours) for r in contract.remediations],
            advance_courses=[SimpleNamespace(code=c.code, label=c.label, ects=c.ects) for c in contract.advance_courses],
        )


def test_detu_edits_their_part_with_validation(app, detu, edit):
    url, version = edit
    remediation = first_remediation(app)
    bad = detu.post(url, data={
        "version": version, "support_hours": "-3", "path_notes": "Mardi",
        "remediations-0-remediation": remediation, "remediations-0-hours": "abc",
        "remediations-1-remediation": "99999", "remediations-1-hours": "4",
        "advance_courses-0-code": "L2X", "advance_courses-0-label": "", "advance_courses-0-ects": "6",
    })
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Mardi" in text and "-3" in text and "abc" in text  # kept as typed
    for anchor in ("field-support_hours", "field-remediations-0-remediation", "field-remediations-1-remediation",
                   "field-advance_courses-0-label"):
        assert f'href="#{anchor}"' in text, anchor
        assert f'id="{anchor}"' in text, anchor
    contract = saved(app, url)
    assert contract.path_notes == "" and not contract.remediations
    good = detu.post(url, data={
        "version": version, "support_hours": "12", "path_notes": "Mardi",
        "remediations-0-remediation": remediation, "remediations-0-hours": "18",
        "remediations-1-remediation": "", "remediations-1-hours": "",
        "advance_courses-0-code": "L2ALG", "advance_courses-0-label": "Algèbre 2", "advance_courses-0-ects": "6",
        "advance_courses-1-code": "", "advance_courses-1-label": "", "advance_courses-1-ects": "",
    })
    assert good.status_code == 302
    contract = saved(app, url)
    assert float(contract.support_hours) == 12 and contract.path_notes == "Mardi"
    assert [(r.remediation_id, float(r.hours)) for r in contract.remediations] == [(remediation, 18.0)]
    assert [(c.code, c.label, float(c.ects)) for c in contract.advance_courses] == [("L2ALG", "Algèbre 2", 6.0)]


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(app, detu, edit):
    url, version = edit
    page = detu.get(url).get_data(as_text=True)
    assert page.count('name="remediations-') == 2  # one blank row: a select and its hours
    response = detu.post(url, data={"version": version, "path_notes": "Tapé", "add_row": "remediations",
                                    "remediations-0-remediation": "", "remediations-0-hours": "7"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tapé" in text and 'value="7"' in text
    assert 'name="remediations-1-remediation"' in text
    assert saved(app, url).path_notes == ""


def test_stale_detu_save_is_a_conflict(app, detu, edit):
    url, version = edit
    assert detu.post(url, data={"version": version, "path_notes": "Premier"}).status_code == 302
    response = detu.post(url, data={"version": version, "path_notes": "Second"})
    assert response.status_code == 409
    assert "Second" in response.get_data(as_text=True)
    assert saved(app, url).path_notes == "Premier"


# --- bounds (issue 11): what no form may let through --------------------------------------------


def test_too_many_rows_are_refused_with_one_message(app, detu, edit):
    url, version = edit
    remediation = first_remediation(app)
    rows = {}
    for index in range(5000):
        rows[f"remediations-{index}-remediation"] = remediation
        rows[f"remediations-{index}-hours"] = "2"
    response = detu.post(url, data={"version": version, **rows})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "20 rows at most" in text or "20 lignes au plus" in text
    assert text.count('class="field-error"') <= 2
    assert not saved(app, url).remediations


def test_the_same_remediation_twice_is_refused(app, detu, edit):
    url, version = edit
    remediation = first_remediation(app)
    response = detu.post(url, data={"version": version,
                                    "remediations-0-remediation": remediation, "remediations-0-hours": "2",
                                    "remediations-1-remediation": remediation, "remediations-1-hours": "4"})
    assert response.status_code == 422
    assert 'href="#field-remediations-1-remediation"' in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["1e-999999", "0.04", "0", "-1", "1e999999", "NaN", "Infinity", "501", "douze"])
def test_numbers_are_checked_after_rounding(app, detu, edit, value):
    url, version = edit
    response = detu.post(url, data={"version": version, "support_hours": value,
                                    "advance_courses-0-label": "Algèbre", "advance_courses-0-ects": value})
    assert response.status_code == 422, value
    text = response.get_data(as_text=True)
    assert 'href="#field-support_hours"' in text and 'href="#field-advance_courses-0-ects"' in text
    contract = saved(app, url)
    assert contract.support_hours is None and not contract.advance_courses


def test_course_ects_of_a_tiny_number_is_refused_not_stored_as_zero(app, detu, edit):
    url, version = edit
    response = detu.post(url, data={"version": version, "advance_courses-0-label": "Algèbre",
                                    "advance_courses-0-ects": "1e-999999"})
    assert response.status_code == 422
    assert not saved(app, url).advance_courses


@pytest.mark.parametrize("field, value", [
    ("path_notes", "Mardi\x00"), ("path_notes", "a\x1bb"), ("path_notes", "x\u202eevil"),
    ("advance_courses-0-label", "Algèbre\n2"), ("advance_courses-0-code", "L2\x07"),
])
def test_control_characters_are_refused_with_a_clear_message(app, detu, edit, field, value):
    url, version = edit
    data = {"version": version, "advance_courses-0-label": "Algèbre", field: value}
    response = detu.post(url, data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "control characters" in text or "caractères de contrôle" in text
    assert f'href="#field-{field}"' in text


def test_line_breaks_and_tabs_are_kept_in_long_texts(app, detu, edit):
    url, version = edit
    assert detu.post(url, data={"version": version, "path_notes": "Lundi\r\n\tMardi"}).status_code == 302
    assert saved(app, url).path_notes == "Lundi\n\tMardi"


def test_a_deactivated_remediation_is_refused_unless_already_on_the_contract(app, detu, edit):
    url, version = edit
    with app.app_context():
        remediation = db.session.scalar(select(Remediation).order_by(Remediation.id))
        remediation.active = False
        db.session.commit()
        deactivated = remediation.id
    refused = detu.post(url, data={"version": version, "remediations-0-remediation": deactivated,
                                   "remediations-0-hours": "3"})
    assert refused.status_code == 422
    assert deactivated not in [r.remediation_id for r in saved(app, url).remediations]


def test_hours_of_a_need_follow_its_maximum(app, detu, login):
    from app.catalog.models import Accommodation
    from app.contracts.models import ContractAccommodation

    pk = submitted_l1math(app)
    with app.app_context():
        need = db.session.scalar(select(Accommodation).where(Accommodation.health_related.is_(False)).order_by(Accommodation.id))
        need.max_hours = 10
        line = ContractAccommodation(contract_id=pk, accommodation_id=need.id)
        db.session.add(line)
        db.session.commit()
        line_id = line.id
    url = f"/contracts/edit/{pk}"
    version = version_in(detu.get(url).get_data(as_text=True))
    too_many = detu.post(url, data={"version": version, "needs-0-line": line_id, "needs-0-hours": "12"})
    assert too_many.status_code == 422
    assert 'href="#field-needs-0-hours"' in too_many.get_data(as_text=True)
    assert detu.post(url, data={"version": version, "needs-0-line": line_id, "needs-0-hours": "9,5"}).status_code == 302
    with app.app_context():
        assert float(db.session.get(ContractAccommodation, line_id).hours) == 9.5
