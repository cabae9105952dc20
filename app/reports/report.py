"""What makes a report: its name (the URL), its title, the filters it takes, its tables and chart."""
from dataclasses import dataclass

ALL_FILTERS = ("year", "faculty", "programme", "status")


@dataclass(frozen=True)
class Report:
    name: str
    title: object
    description: object
    build: object  # build(user, filters, limit) -> [Table, ...]; limit: rows of a list on a page
    chart: object  # a tables.Chart
    filters: tuple = ALL_FILTERS

    action: str = None  # the endpoint of the report's action (reminders), if it has one

    @property
    def menu_name(self):
        """The menu item's name (permissions match it: see ``permissions.py``)."""
        return f"Report {self.name}"

    def tables(self, user, filters, limit=None):
        return self.build(user, filters, limit)
