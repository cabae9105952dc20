"""The REST API under /api/v1/ for other applications (Pégase, BI tools), described at /api/v1/_openapi.

- ``contracts``: the endpoints; ``query``: the list's ``q``; ``resource``: what a reader gets;
- ``openapi``: the OpenAPI document; ``errors``: 401 for every token problem;
- ``models``, ``accounts``, ``views``, ``cli``: service accounts (machine clients) and their API keys.
"""


def init_app(app, appbuilder):
    from flask_appbuilder.api.manager import SwaggerView

    from app.api import cli, views
    from app.api.contracts import ContractApi
    from app.api.errors import init_jwt_errors
    from app.api.openapi import OpenApiDocument

    appbuilder.add_api(ContractApi)
    # FAB_ADD_OPENAPI_VIEWS is off: the same two views, with the document completed.
    appbuilder.add_api(OpenApiDocument)
    appbuilder.add_view_no_menu(SwaggerView)
    init_jwt_errors(appbuilder.sm.jwt_manager)
    views.register(appbuilder)
    cli.init_app(app)
