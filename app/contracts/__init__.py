"""The contract: its model, workflow, editing rules, and the staff and student pages."""


def init_app(app, appbuilder):
    from app.contracts.views import register

    register(appbuilder)
