"""Settings, campaigns and the catalogue: specific needs, remediations, hour volumes, help texts."""


def init_app(app, appbuilder):
    from app.catalog.views import register

    register(appbuilder)
