"""Writing many rows fast: COPY on PostgreSQL, batched executemany elsewhere (SQLite, for tests).

Rows are dicts; the columns written are those the migrated table has, so a column added by a later
migration with a default needs nothing here, and a NOT NULL column without a default is reported
by name instead of failing half-way.
"""
from itertools import chain, islice

import sqlalchemy as sa


class SchemaChanged(RuntimeError):
    """The schema needs a value the generator does not produce."""


def _check_required(table, row):
    """A NOT NULL column without a default that the rows do not fill: say which."""
    required = [c.name for c in table.columns if c.name not in row and not c.primary_key
                and not c.nullable and c.server_default is None]
    if required:
        raise SchemaChanged(f"{table.name}: no value for {', '.join(required)} (update bench/)")


class BulkWriter:
    def __init__(self, connection):
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.counts = {}
        self.references_checked_per_row = True

    def defer_reference_checks(self):
        """PostgreSQL checks each row's foreign keys one by one (most of a COPY's time): skip that in this
        transaction when allowed (superuser), then ``check_references`` checks them all with one join each."""
        if self.postgresql and self.connection.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
            self.connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            self.references_checked_per_row = False

    def check_references(self):
        """Every foreign key of the written tables points at an existing row."""
        inspector = sa.inspect(self.connection)
        broken = []
        for table in self.counts:
            for fk in inspector.get_foreign_keys(table):
                on = " AND ".join(f'p."{r}" = c."{l}"' for l, r in zip(fk["constrained_columns"], fk["referred_columns"]))
                present = " AND ".join(f'c."{l}" IS NOT NULL' for l in fk["constrained_columns"])
                orphans = self.connection.scalar(sa.text(
                    f'SELECT COUNT(*) FROM "{table}" c LEFT JOIN "{fk["referred_table"]}" p ON {on} '
                    f'WHERE {present} AND p."{fk["referred_columns"][0]}" IS NULL'))
                if orphans:
                    broken.append(f"{table}.{','.join(fk['constrained_columns'])}: {orphans}")
        if broken:
            raise SchemaChanged("rows point at missing rows: " + "; ".join(broken))

    def _table(self, name):
        return sa.Table(name, sa.MetaData(), autoload_with=self.connection)

    def write(self, table, rows):
        """Insert ``rows`` (an iterable of dicts with the same keys) into ``table``; returns the count."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        reflected = self._table(table)
        _check_required(reflected, first)
        columns = [name for name in first if name in reflected.columns]
        rows = chain([first], rows)
        count = self._copy(table, columns, rows) if self.postgresql else self._insert(reflected, columns, rows)
        self.counts[table] = self.counts.get(table, 0) + count
        return count

    def _copy(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        raw = self.connection.connection.driver_connection
        count = 0
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
                count += 1
        return count

    def _insert(self, table, columns, rows, batch=5000):
        statement = table.insert()
        count = 0
        while chunk := [{c: row[c] for c in columns} for row in islice(rows, batch)]:
            self.connection.execute(statement, chunk)
            count += len(chunk)
        return count

    def reset_sequences(self, tables):
        """After explicit ids: the next id the application takes follows the largest written."""
        if not self.postgresql:
            return  # SQLite takes max(rowid) + 1 by itself
        for table in tables:
            self.connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table}\"), false)"))
