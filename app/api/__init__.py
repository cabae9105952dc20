"""The REST API under /api/v1/ for other applications (Pégase, BI tools), described at /api/v1/_openapi."""


def init_app(app, appbuilder):
    from app.api.contracts import ContractApi

    appbuilder.add_api(ContractApi)
