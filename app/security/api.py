"""The API's sign-in: ``POST /api/v1/security/login`` with the browser login's rules (rate limits,
directory down → 503), refresh, and ``POST /api/v1/security/logout`` that ends the token's session.

Every token carries the id of its API session (``sid``, see ``app.security.sessions``): a logout,
a password change or a deactivation ends the session, and its refresh and access tokens with it.
"""
from datetime import timedelta

from flask import current_app, request
from flask_appbuilder.api import safe
from flask_appbuilder.const import API_SECURITY_ACCESS_TOKEN_KEY, API_SECURITY_REFRESH_TOKEN_KEY
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.views import expose
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt, get_jwt_identity, jwt_required
from marshmallow import ValidationError

from app.security import sessions, throttle
from app.security.directory import DirectoryUnavailable

class SecurityApi(FabSecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Authenticate and get a JWT access token (and a refresh token when asked)
        ---
        post:
          description: >-
            Same accounts and rules as the login page: too many attempts from one address
            answer 429, an unreachable directory 503, wrong credentials 401 (the same answer
            for an unknown login and a wrong password).
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    username: {type: string}
                    password: {type: string}
                    provider: {type: string, enum: [db, ldap]}
                    refresh: {type: boolean}
          responses:
            200:
              description: Authentication successful
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token: {type: string}
                      refresh_token: {type: string}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            429:
              description: Too many login attempts from this address
            503:
              description: The directory cannot be reached
        """
        if not throttle.login_allowed():
            return self.response(429, message="Too many login attempts: wait, then try again.")
        if not request.is_json:
            return self.response_400(message="Request payload is not JSON")
        try:
            payload = login_post.load(request.json)
        except ValidationError as error:
            return self.response_400(message=error.messages)
        if not throttle.account_allowed(payload["username"]):
            return self.response(429, message="Too many failed logins for this account: wait, then try again.")
        # The schema already refused a provider other than the configured one (unless allowed).
        try:
            user = self.appbuilder.sm.authenticate(
                payload["username"], payload["password"], provider=payload.get("provider")
            )
        except DirectoryUnavailable:
            return self.response(503, message="The directory cannot be reached: try again later.")
        if user is None:
            throttle.account_failed(payload["username"])
            return self.response_401()
        refresh = bool(payload.get("refresh"))
        lifetime = _expiry("JWT_REFRESH_TOKEN_EXPIRES" if refresh else "JWT_ACCESS_TOKEN_EXPIRES")
        claims = {"sid": sessions.start(user, sessions.API, lifetime)}
        answer = {API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(
            identity=str(user.id), fresh=True, additional_claims=claims)}
        if refresh:
            answer[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(
                identity=str(user.id), additional_claims=claims)
        return self.response(200, **answer)

    @expose("/refresh", methods=["POST"])
    @jwt_required(refresh=True)
    @safe
    def refresh(self):
        """Get a new access token with a refresh token whose session is still open
        ---
        post:
          description: >-
            Refused (401) once the session ended: logout, password changed, account deactivated.
          responses:
            200:
              description: A new access token
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token: {type: string}
            401:
              $ref: '#/components/responses/401'
          security:
            - jwt_refresh: []
        """
        token = create_access_token(identity=get_jwt_identity(), fresh=False,
                                    additional_claims={"sid": get_jwt().get("sid")})
        return self.response(200, **{API_SECURITY_ACCESS_TOKEN_KEY: token})

    @expose("/logout", methods=["POST"])
    @jwt_required(verify_type=False)
    @safe
    def logout(self):
        """End the session of this token: its refresh and access tokens are refused from now on
        ---
        post:
          description: >-
            Send the access token or the refresh token. Both stop working.
          responses:
            200:
              description: Signed out
            401:
              $ref: '#/components/responses/401'
          security:
            - jwt: []
        """
        sessions.end(get_jwt().get("sid"), "logout")
        return self.response(200, message="Signed out")


def _expiry(setting):
    value = current_app.config.get(setting)
    if isinstance(value, timedelta):
        return value
    return timedelta(days=30) if setting == "JWT_REFRESH_TOKEN_EXPIRES" else timedelta(minutes=15)
