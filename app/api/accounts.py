"""Service accounts and their API keys: what administrators do, as plain functions.

A service account is an ``ab_user`` holding only the ``ApiReader`` role, with a random password
nobody knows (no login form, no JWT, no share of the people's login limit); it reads with
Flask-AppBuilder API keys, stored hashed. A key is shown once, when issued; revoking it or
deactivating the account stops it at the next request.
"""
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app import roles as R
from app.api.models import ServiceAccount
from app.extensions import db
from app.people.models import Faculty

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
EMAIL_DOMAIN = "service-account.invalid"  # RFC 2606: never delivered


class AccountError(ValueError):
    """A request an administrator must correct; the message says what to change."""


@dataclass
class Scope:
    purpose: str
    faculty_codes: tuple = ()
    all_faculties: bool = False
    health_needs: bool = False


def _faculties(scope):
    if scope.all_faculties:
        return []
    codes = sorted(set(scope.faculty_codes))
    if not codes:
        raise AccountError("Choose the faculties this account reads, or all faculties.")
    found = db.session.scalars(select(Faculty).where(Faculty.code.in_(codes))).all()
    unknown = sorted(set(codes) - {f.code for f in found})
    if unknown:
        raise AccountError(f"Unknown faculty code(s): {', '.join(unknown)}.")
    return found


def _purpose(scope):
    purpose = (scope.purpose or "").strip()
    if not purpose or len(purpose) > 500:
        raise AccountError("Say in a sentence (at most 500 characters) what the account is for.")
    return purpose


def create_service_account(username, scope, created_by=None):
    """A new service account with this scope; raises AccountError."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise AccountError("A service account name has 3 to 64 characters: lowercase letters, digits, '.', '_', '-'.")
    sm = current_app.appbuilder.sm
    if sm.find_user(username=username) is not None:
        raise AccountError(f"An account named {username} already exists.")
    purpose, faculties = _purpose(scope), _faculties(scope)
    user = sm.add_user(
        username=username, first_name="Service", last_name=username,
        email=f"{username}@{EMAIL_DOMAIN}", role=sm.find_role(R.API_READER), commit=False,
    )
    if not user:
        raise AccountError(f"The account {username} could not be created.")
    account = ServiceAccount(user=user, purpose=purpose, all_faculties=scope.all_faculties,
                             health_needs=scope.health_needs, faculties=faculties, created_by=created_by)
    db.session.add(account)
    db.session.commit()
    return account


def update_scope(account, scope, active=True):
    account.purpose = _purpose(scope)
    account.faculties = _faculties(scope)
    account.all_faculties = scope.all_faculties
    account.health_needs = scope.health_needs
    account.user.active = active
    db.session.commit()


def issue_key(account, name, expires_on=None):
    """A new key for the account: {"key": "sst_…", "uuid", …}; the key is never shown again."""
    name = (name or "").strip()
    if not name or len(name) > 256:
        raise AccountError("Name the key (at most 256 characters), e.g. the host that uses it.")
    # Flask-AppBuilder keeps key times in the server's local time (datetime.now()).
    if expires_on is not None and expires_on <= datetime.now():
        raise AccountError("The expiry date must be in the future.")
    issued = current_app.appbuilder.sm.create_api_key(user=account.user, name=name, expires_on=expires_on)
    if issued is None:
        raise AccountError("The key could not be created.")
    return issued


def revoke_key(key_uuid):
    """Revoke a service account's key; False when there is no such key."""
    sm = current_app.appbuilder.sm
    key = sm.get_api_key_by_uuid(key_uuid)
    if key is None or service_account_of_user(key.user_id) is None:
        return False
    return sm.revoke_api_key(key_uuid)


def service_accounts():
    return db.session.scalars(select(ServiceAccount).order_by(ServiceAccount.id)).all()


def service_account_of_user(user_id):
    return db.session.scalar(select(ServiceAccount).where(ServiceAccount.user_id == user_id))


def keys_of(account):
    """The account's keys, newest first, with their last use (never their secret)."""
    return current_app.appbuilder.sm.find_api_keys_for_user(account.user_id)
