"""Every problem with a bearer token answers 401 ``{"message": …}``.

Flask-JWT-Extended answers 422 ``{"msg": …}`` for a malformed or tampered token and uses its own
key everywhere; API clients need one shape: the one Flask-AppBuilder's API answers use.
"""
from flask import jsonify

CHALLENGE = 'Bearer realm="ConPeRe API"'


def unauthorized(message, error="invalid_token"):
    response = jsonify(message=message)
    response.status_code = 401
    # RFC 6750: say how to authenticate, and why the token was refused.
    response.headers["WWW-Authenticate"] = f'{CHALLENGE}, error="{error}"' if error else CHALLENGE
    return response


def init_jwt_errors(jwt_manager):
    jwt_manager.unauthorized_loader(lambda reason: unauthorized("Missing or unusable credentials: " + reason, None))
    jwt_manager.invalid_token_loader(lambda reason: unauthorized("Invalid token: " + reason))
    jwt_manager.expired_token_loader(lambda header, data: unauthorized("The token has expired: log in again."))
    jwt_manager.revoked_token_loader(lambda header, data: unauthorized("The token has been revoked: log in again."))
    jwt_manager.needs_fresh_token_loader(lambda header, data: unauthorized("A fresh token is required: log in again."))
    jwt_manager.user_lookup_error_loader(lambda header, data: unauthorized("The token's account no longer exists."))
    jwt_manager.token_verification_failed_loader(lambda header, data: unauthorized("The token was refused."))


class KeyErrors:
    """Mixed into our APIs: Flask-AppBuilder answers a refused API key with ``response_401``."""

    def response_401(self):
        return unauthorized("Invalid API key: unknown, expired or revoked, or its account is deactivated.")
