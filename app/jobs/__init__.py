"""Scheduled jobs, run by one dedicated scheduler process (never inside web workers).

Packages declare jobs with ``app.jobs.registry.register_job``; ``flask --app run scheduler`` runs
them under a database lock, ``flask --app run jobs`` lists them.
"""


def init_app(app, appbuilder):
    from app.jobs import cli

    cli.init_app(app)
