"""The data interface of the generated list pages: FAB's, with a count that stops at ``COUNT_CAP``.

FAB counts a list by wrapping its whole query, every column of every row: 33 ms for the 105,000
students of a large university, twice the rows' own query. Past the cap the page says « more than »
(as the contract list does), and a search narrows the list to an exact count again.
"""
from flask_appbuilder.models.sqla.interface import SQLAInterface

COUNT_CAP = 10000


class CappedCount(int):
    """A count that stopped at the cap: the list widget says « more than » (``count.capped``)."""

    capped = True


class ListInterface(SQLAInterface):
    def query_count(self, query, filters=None, select_columns=None):
        inner = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        count = inner.limit(COUNT_CAP + 1).count()
        return CappedCount(COUNT_CAP) if count > COUNT_CAP else count
