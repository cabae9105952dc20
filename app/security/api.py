"""``POST /api/v1/security/login`` with the browser login's rules: rate limit, directory down → 503."""
from flask import request
from flask_appbuilder.api import safe
from flask_appbuilder.const import API_SECURITY_ACCESS_TOKEN_KEY, API_SECURITY_REFRESH_TOKEN_KEY
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.views import expose
from flask_jwt_extended import create_access_token, create_refresh_token
from marshmallow import ValidationError

from app.security import throttle
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
        # The schema already refused a provider other than the configured one (unless allowed).
        try:
            user = self.appbuilder.sm.authenticate(
                payload["username"], payload["password"], provider=payload.get("provider")
            )
        except DirectoryUnavailable:
            return self.response(503, message="The directory cannot be reached: try again later.")
        if user is None:
            return self.response_401()
        answer = {API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(identity=str(user.id), fresh=True)}
        if payload.get("refresh"):
            answer[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(identity=str(user.id))
        return self.response(200, **answer)
