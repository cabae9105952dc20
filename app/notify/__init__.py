"""Notifications: e-mails (the outbox, digests, reminders) and the same events in the application.

Contract signals queue messages in the outbox and write in-app notifications; scheduled jobs send
the e-mails and write digests and reminders (see ``app.jobs``).
"""


def init_app(app, appbuilder):
    from app.jobs.registry import register_job
    from app.notify import cli, digests, inapp, inapp_views, language, outbox, receivers, reminders, views

    receivers.connect()
    inapp.connect()
    views.register(appbuilder)
    inapp_views.register(app, appbuilder)
    cli.init_app(app)
    language.init_app(app)
    register_job("outbox-send", outbox.send_job, cron_setting="OUTBOX_CRON",
                 description="Send the queued e-mails, retrying failures")
    register_job("detu-digest", digests.digest_job, cron_setting="DIGEST_CRON",
                 description="Daily digest to each DETU (when the settings ask for digests)")
    register_job("campaign-reminders", reminders.reminder_job, cron_setting="REMINDER_CRON",
                 description="Reminders before the campaign closes")
