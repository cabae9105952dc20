"""Faculties, programmes, students, registrations and the assignments of staff to them."""


def init_app(app, appbuilder):
    from app.people.views import register

    register(appbuilder)
