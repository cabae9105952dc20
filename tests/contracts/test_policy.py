"""app.policy's contract rules: one SQL rule for lists and by-id reads, the union of roles."""
import pytest
from sqlalchemy import select

from app import policy
from app.contracts.models import Contract
from tests.access import USERS


@pytest.mark.parametrize("username", [u for u in USERS if u != "anonymous"])
def test_reading_by_id_answers_exactly_what_the_lists_show(ctx, users, username):
    user = users[username]
    listed = set(ctx.scalars(policy.contracts_query(user).with_only_columns(Contract.id)).all())
    every = ctx.scalars(select(Contract.id)).all()
    assert set(policy.readable_contracts(user, every)) == listed
    for pk in every[:12]:
        assert (policy.readable_contract(user, pk) is not None) == (pk in listed)


def test_anonymous_reads_nothing(ctx):
    from flask_login import AnonymousUserMixin

    every = ctx.scalars(select(Contract.id)).all()
    assert policy.readable_contracts(AnonymousUserMixin(), every) == {}


@pytest.mark.parametrize("bad", [None, "", "abc", "1.5", -1, 0, 2**31, 10**30, "9" * 40])
def test_malformed_ids_read_nothing_and_never_fail(ctx, users, bad):
    assert policy.readable_contract(users["admin"], bad) is None
    assert policy.readable_contracts(users["admin"], [bad]) == {}


def test_loader_options_are_applied(ctx, users):
    from sqlalchemy import inspect

    from app.contracts import loading

    pk = ctx.scalar(select(Contract.id).order_by(Contract.id))
    ctx.expunge_all()
    contract = policy.readable_contract(users["admin"], pk, *loading.document())
    assert "student" not in inspect(contract).unloaded and "accommodations" not in inspect(contract).unloaded


def test_the_api_reads_one_contract_through_the_policy_with_a_token(app, client, bearer):
    from tests.contracts.staff import one_contract
    from app.people.models import Programme

    headers = bearer("detu")
    mine = one_contract(app, Programme.step_code == "L1MATH")
    theirs = one_contract(app, Programme.step_code == "L3MATH")
    assert client.get(f"/api/v1/contracts/{mine}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/contracts/{theirs}", headers=headers).status_code == 404
