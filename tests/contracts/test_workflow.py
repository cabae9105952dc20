"""The workflow's transitions, allowed and refused, called directly as plain functions."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.catalog.models import Accommodation, Campaign, Settings
from app.contracts import editing, workflow
from app.contracts.document import fingerprint_of as content_hash
from app.contracts.errors import Incomplete, NotAllowed
from app.contracts.models import (
    DRAFT,
    INITIAL,
    REORIENTATION,
    RETURNED,
    SIGNED,
    SUBMITTED,
    Contract,
    ContractEvent,
)
from app.people.models import Student
from tests.conftest import contract_of


def first_contract(session, status, step=None):
    query = select(Contract).where(Contract.status == status, Contract.year == session.get(Settings, 1).current_year)
    contracts = session.scalars(query.order_by(Contract.id)).all()
    if step:
        contracts = [c for c in contracts if c.programme.step_code == step]
    return contracts[0]


def fill_student_part(contract, user, **changes):
    form = {"study_plan": "Devenir ingénieure.", "charter_accepted": "on", "gap_year": "none"}
    form.update(changes)
    editing.save_student_part(contract, user, form, contract.version)


def test_student_validates_a_complete_draft(ctx, users):
    contract = contract_of("student")
    assert contract.status == DRAFT
    fill_student_part(contract, users["student"])
    workflow.submit(contract, users["student"])
    assert contract.status == SUBMITTED
    event = ctx.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id).order_by(ContractEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor_id) == (DRAFT, SUBMITTED, users["student"].id)
    assert event.content_hash == contract.submitted_hash == content_hash(contract)
    assert contract.charter_text and "engage" in contract.charter_text


def test_validation_lists_everything_missing_and_keeps_the_draft(ctx, users):
    contract = contract_of("student")
    editing.save_student_part(contract, users["student"], {"study_plan": "   ", "needs_details": "Horaires"}, contract.version)
    with pytest.raises(Incomplete) as caught:
        workflow.submit(contract, users["student"])
    assert {field for field, _ in caught.value.problems} == {"study_plan", "charter_accepted"}
    ctx.expire_all()
    assert contract.status == DRAFT
    assert contract.needs_details == "Horaires"


@pytest.mark.parametrize("username", ["detu", "teacher", "counsellor", "registrar", "referent", "admin", "student2"])
def test_only_the_student_validates(ctx, users, username):
    contract = contract_of("student")
    fill_student_part(contract, users["student"])
    with pytest.raises(NotAllowed):
        workflow.submit(contract, users[username])
    assert contract.status == DRAFT


def test_validation_is_refused_while_impersonating(ctx, users):
    contract = contract_of("student")
    fill_student_part(contract, users["student"])
    with pytest.raises(NotAllowed):
        workflow.submit(contract, users["student"], impersonator=users["admin"])
    assert contract.status == DRAFT


def test_detu_of_the_programme_signs_a_submitted_contract(ctx, users):
    contract = first_contract(ctx, SUBMITTED, "L1MATH")
    workflow.sign(contract, users["detu"])
    assert contract.status == SIGNED
    assert contract.signed_by_id == users["detu"].id
    assert contract.signed_hash == content_hash(contract)
    last = contract.events[-1]
    assert (last.from_status, last.to_status, last.content_hash) == (SUBMITTED, SIGNED, contract.signed_hash)


@pytest.mark.parametrize("username", ["detu2", "teacher", "counsellor", "registrar", "referent", "admin", "student"])
def test_only_a_detu_of_the_programme_signs(ctx, users, username):
    contract = first_contract(ctx, SUBMITTED, "L1MATH")
    with pytest.raises(NotAllowed):
        workflow.sign(contract, users[username])
    assert contract.status == SUBMITTED


def test_signature_is_refused_while_impersonating(ctx, users):
    contract = first_contract(ctx, SUBMITTED, "L1MATH")
    with pytest.raises(NotAllowed):
        workflow.sign(contract, users["detu"], impersonator=users["admin"])


@pytest.mark.parametrize("status", [DRAFT, RETURNED, SIGNED])
def test_only_submitted_contracts_are_signed_or_returned(ctx, users, status):
    contract = first_contract(ctx, status, "L1MATH")
    with pytest.raises(NotAllowed):
        workflow.sign(contract, users["detu"])
    with pytest.raises(NotAllowed):
        workflow.return_to_student(contract, users["detu"], "Motif")
    assert contract.status == status


def test_signing_needs_an_hour_volume_for_every_specific_need(ctx, users):
    contract = contract_of("student")
    need = ctx.scalar(select(Accommodation).where(Accommodation.code == "RSE01"))
    fill_student_part(contract, users["student"], accommodations=[str(need.id)])
    workflow.submit(contract, users["student"])
    with pytest.raises(Incomplete) as caught:
        workflow.sign(contract, users["detu"])
    assert caught.value.problems[0][0] == "accommodation_hours"
    item = contract.accommodations[0]
    editing.save_detu_part(contract, users["detu"], {"needs-0-line": item.id, "needs-0-hours": "12"}, contract.version)
    workflow.sign(contract, users["detu"])
    assert contract.status == SIGNED


def test_return_needs_a_reason_then_the_student_validates_again(ctx, users):
    contract = contract_of("student")
    fill_student_part(contract, users["student"])
    workflow.submit(contract, users["student"])
    with pytest.raises(Incomplete):
        workflow.return_to_student(contract, users["detu"], "  ")
    assert contract.status == SUBMITTED
    workflow.return_to_student(contract, users["detu"], "Précisez votre projet.")
    assert (contract.status, contract.returned_reason) == (RETURNED, "Précisez votre projet.")
    assert contract.events[-1].reason == "Précisez votre projet."
    fill_student_part(contract, users["student"], study_plan="Devenir ingénieure en informatique.")
    workflow.submit(contract, users["student"])
    assert contract.status == SUBMITTED
    assert [e.to_status for e in contract.events] == [DRAFT, SUBMITTED, RETURNED, SUBMITTED]


def test_signed_contract_is_read_only_for_everyone_but_the_comment(ctx, users):
    contract = first_contract(ctx, SIGNED, "L1MATH")
    with pytest.raises(NotAllowed):
        editing.save_detu_part(contract, users["detu"], {"path_notes": "x"}, contract.version)
    with pytest.raises(NotAllowed):
        editing.save_student_part(contract, contract.student.user, {"study_plan": "x"}, contract.version)
    editing.save_comment(contract, users["counsellor"], "Bon courage.", contract.version)
    assert contract.comment == "Bon courage."


def test_content_hash_is_stable_and_follows_the_content(ctx, users):
    from app.contracts import document

    contract = first_contract(ctx, SUBMITTED, "L1MATH")
    first = content_hash(contract)
    assert first == contract.submitted_hash
    assert content_hash(contract) == first
    contract.comment = "Un commentaire ne change pas le contenu."
    assert content_hash(contract) == first
    contract.study_plan += " Et plus."
    assert content_hash(contract) != first
    assert document.fingerprint(document.live(contract)) == content_hash(contract)
    ctx.rollback()


def test_a_signed_contract_keeps_the_fingerprint_it_was_signed_with(ctx, users):
    contract = first_contract(ctx, SIGNED, "L1MATH")
    assert content_hash(contract) == contract.signed_hash
    contract.study_plan += " Changé par la base."  # no page can, but nothing signed follows it
    ctx.flush()
    assert content_hash(contract) == contract.signed_hash
    ctx.rollback()


def test_new_year_contract_carries_over_study_plan_and_needs(ctx, users):
    settings = ctx.get(Settings, 1)
    signed_last_year = ctx.scalars(
        select(Contract).where(Contract.year == settings.current_year - 1, Contract.status == SIGNED)
    ).all()
    previous = next(c for c in signed_last_year if c.accommodations)
    student = previous.student
    existing = workflow.find_contract(student, settings.current_year)
    if existing is not None:
        ctx.delete(existing)
        ctx.commit()
    contract = workflow.start_contract(student, settings.current_year, INITIAL, student.user)
    assert contract.study_plan == previous.study_plan
    assert [a.accommodation.code for a in contract.accommodations] == [a.accommodation.code for a in previous.accommodations]
    assert contract.status == DRAFT
    assert contract.events[0].to_status == DRAFT


def test_start_prefills_double_inscription_from_registrations(ctx, users):
    student = ctx.scalar(select(Student).where(Student.user_id == users["student2"].id))
    contract = workflow.start_contract(student, ctx.get(Settings, 1).current_year, INITIAL, users["student2"])
    assert contract.second_programme_from_sis
    assert contract.second_programme_label == "Licence 1 Lettres modernes"
    assert contract.programme.step_code == "L1MATH"


def test_reorientation_contract_needs_setting_and_profile_code(ctx, users):
    settings = ctx.get(Settings, 1)
    student = ctx.scalar(select(Student).where(Student.user_id == users["student"].id))
    other = ctx.scalar(select(Student).where(Student.user_id == users["student2"].id))
    with pytest.raises(NotAllowed):  # a secondary registration without the profile code
        workflow.start_contract(other, settings.current_year, REORIENTATION, users["student2"])
    settings.reorientation_allowed = False
    ctx.commit()
    with pytest.raises(NotAllowed):
        workflow.start_contract(student, settings.current_year, REORIENTATION, users["student"])
    settings.reorientation_allowed = True
    ctx.commit()
    contract = workflow.start_contract(student, settings.current_year, REORIENTATION, users["student"])
    assert (contract.kind, contract.programme.step_code) == (REORIENTATION, "L1LETM")
    with pytest.raises(NotAllowed):  # one contract per student, year and kind
        workflow.start_contract(student, settings.current_year, REORIENTATION, users["student"])


def test_closed_campaign_refuses_student_changes_and_validation(ctx, users):
    settings = ctx.get(Settings, 1)
    campaign = ctx.scalar(select(Campaign).where(Campaign.year == settings.current_year))
    campaign.closes_on = date.today() - timedelta(days=1)
    campaign.opens_on = date.today() - timedelta(days=60)
    ctx.commit()
    contract = contract_of("student")
    with pytest.raises(NotAllowed):
        fill_student_part(contract, users["student"])
    with pytest.raises(NotAllowed):
        workflow.submit(contract, users["student"])
    assert contract.status == DRAFT
