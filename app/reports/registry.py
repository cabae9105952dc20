"""The reports, in the order of the menu; ``/reports/<name>/`` opens one."""
from app.reports import needs, pending, profiles, progress, support, trends

REPORTS = [progress.REPORT, pending.REPORT, needs.REPORT, support.REPORT, profiles.REPORT, trends.REPORT]
BY_NAME = {report.name: report for report in REPORTS}


def find(name):
    return BY_NAME.get(name)
