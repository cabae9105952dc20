"""Prepared reports and charts (campaign follow-up, needs, support, profiles, trends) and the
staff dashboard; every figure counts only what ``app.policy`` lets the user see."""


def init_app(app, appbuilder):
    from app.reports.format import cell_text
    from app.reports.tables import is_masked
    from app.reports.views import register

    register(appbuilder)
    app.jinja_env.filters["report_cell"] = cell_text
    app.jinja_env.tests["masked"] = is_masked
