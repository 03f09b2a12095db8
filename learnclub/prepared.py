"""Hot queries whose SQL is built once (Prepared): the lookups every request makes, and a
first submission's writes. Kept beside the database handle (learnclub.db) it runs them on."""
from datetime import datetime

import peewee

from learnclub.db import db


class Prepared:
    """A hot query whose SQL peewee builds once per kind of database, not on every call
    (building a wide SELECT costs more than running it on an indexed column).

    `build(*values)` makes the query. It is built and compiled once with `samples` (one per
    value, unlike any real value and any constant of the query; `Prepared.IDS` for a list of
    ids, an IN list, compiled once per length) to find where each value goes among the
    parameters; a call then binds its values to the kept SQL and reads the rows through the
    query's own row reader (models, joined rows as peewee makes them), or, for an INSERT,
    UPDATE or DELETE, runs it (`run`). Only for queries whose SQL does not depend on the
    values otherwise: equality on ids, slugs and hashes, no None in a condition (a value
    written may be None). Values are passed as the database stores them (ids, not rows,
    strings as they are, times as the column's `db_value` gives them)."""

    IDS = object()  #: the sample of a list of ids
    TIME = datetime(1901, 2, 3, 4, 5, 6, 789)  #: a sample of a time (as `db_value` gives)

    def __init__(self, build, *samples):
        self.build, self.samples, self._made = build, samples, {}

    def _made_for(self, database, values):
        lengths = tuple(len(v) if s is Prepared.IDS else None
                        for s, v in zip(self.samples, values, strict=True))
        key = (type(database), lengths)
        made = self._made.get(key)
        if made is None:
            samples = [s if n is None else [-8_000_000_000 - 10_000 * i - k for k in range(n)]
                       for i, (s, n) in enumerate(zip(self.samples, lengths, strict=True))]
            query = self.build(*samples)
            if isinstance(query, peewee.Insert) and database.returning_clause \
                    and query._returning is None and query._pk_returning():
                query = query.returning(*query._pk_returning())  # as peewee runs it
            sql, params = database.get_sql_context().sql(query).query()
            where = {}
            for i, sample in enumerate(samples):
                where.update(((v, (i, k)) for k, v in enumerate(sample)) if isinstance(
                    sample, list) else [(sample, (i, None))])
            slots = [where.get(p) if isinstance(p, (int, str, datetime)) else None
                     for p in params]
            if {s for s in slots if s is not None} != set(where.values()):
                raise ValueError(f"{self.build}: every sample must be a parameter")
            made = self._made[key] = (query, sql, tuple(zip(slots, params, strict=True)))
        return made

    def _execute(self, values):
        query, sql, params = self._made_for(db.obj, values)
        return query, db.execute_sql(sql, [param if slot is None else
                                           values[slot[0]] if slot[1] is None else
                                           values[slot[0]][slot[1]] for slot, param in params])

    def rows(self, *values):
        """The rows (models) the query built from `values` reads."""
        query, cursor = self._execute(values)
        return list(query._get_cursor_wrapper(cursor))

    def run(self, *values):
        """Run the INSERT, UPDATE or DELETE the query built from `values`: an INSERT gives
        the new row's id (None when ON CONFLICT kept the old row), the others the number of
        rows they changed."""
        query, cursor = self._execute(values)
        if not isinstance(query, peewee.Insert):
            return cursor.rowcount
        if query._returning:
            row = cursor.fetchone()
            return row[0] if row else None
        return cursor.lastrowid if cursor.rowcount else None

    def first(self, *values):
        """The first row, or None."""
        rows = self.rows(*values)
        return rows[0] if rows else None
