"""Documents: the contract PDF, a programme's PDFs as a ZIP, Excel extractions (on demand and nightly)."""


def init_app(app, appbuilder):
    from app.documents import cli, jobs, links, prepared, tasks, views
    from app.jobs.registry import register_job

    prepared.register()
    views.register(appbuilder)
    links.register()
    cli.init_app(app)
    register_job("faculty-exports", jobs.export_job, cron_setting="EXPORT_CRON",
                 description="Each faculty's Excel extraction into EXPORT_DIR (keeps EXPORT_KEEP)")
    register_job("document-tasks", tasks.tasks_job, cron_setting="DOCUMENT_TASKS_CRON",
                 description="Large extractions and ZIPs users asked for, made off the web workers")
