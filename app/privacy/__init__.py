"""Data protection: the log of staff reads, retention and anonymisation, « Mes données », the notice.

- ``reads``: ``record_read``/``record_reads``, called wherever staff read contracts (the contracts
  package sends ``contract_read``/``contracts_read`` instead: it cannot import this package, which reads
  contracts), and the log's search;
- ``retention``: the anonymisation of contracts past their retention period (job and command);
- ``my_data``: everything held about a student; ``notice``: the information notice;
- ``views``: the read log pages and « Mes données ».
"""


def init_app(app, appbuilder):
    from flask import g

    from app.contracts import signals
    from app.jobs.registry import register_job
    from app.privacy import cli, notice, reads, retention, views

    signals.contract_read.connect(reads.record_read)
    signals.contracts_read.connect(reads.record_reads)
    views.register(appbuilder)
    cli.init_app(app)
    register_job("retention", retention.retention_job, cron_setting="RETENTION_CRON",
                 description="Anonymise contracts past their retention period; delete old read-log lines")

    @app.context_processor
    def notice_context():
        user = getattr(g, "user", None)
        if not notice.pending(user):
            return {"privacy_notice_pending": False}
        return {"privacy_notice_pending": True, "privacy_notice_facts": notice.facts(),
                "privacy_notice_html": notice.text()}
