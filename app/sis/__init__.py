"""The student information system (Apogée): the seam, the Apogée client, the sync.

``init_app`` registers the sync-run pages, the contract page's IP panel, the CLI commands and two
jobs of the scheduler process (never of web workers): the nightly sync, and the start of the runs
requested from the page.
"""
REQUESTS_JOB = "apogee-sync-requests"


def run_scheduled_sync(app):
    """The nightly job: one sync of the current year; a run already in progress is left alone."""
    import logging

    from app.sis.sync import SyncOptions, SyncRefused, run_sync

    with app.app_context():
        try:
            run = run_sync(SyncOptions(trigger="schedule", started_by="scheduler"), app=app)
        except SyncRefused as exc:
            logging.getLogger(__name__).warning("Nightly sync skipped: %s", exc)
            return None
        return run


def run_requested_syncs(app):
    """Every minute: start the run requested from the page, if any."""
    from app.sis.sync import run_requested

    return run_requested(app)


def init_app(app, appbuilder):
    from app.contracts.panels import register_panel
    from app.jobs.registry import register_job
    from app.sis import cli
    from app.sis.panel import sis_record_panel
    from app.sis.views import register

    register(appbuilder)
    register_panel(sis_record_panel)
    cli.init_app(app)
    register_job(
        "apogee-sync", run_scheduled_sync, cron_setting="SYNC_CRON",
        description="Nightly sync of programmes, students and registrations from Apogée",
    )
    register_job(
        REQUESTS_JOB, run_requested_syncs, cron_setting="SYNC_REQUESTS_CRON",
        description="Starts the Apogée syncs requested from the sync page",
    )
