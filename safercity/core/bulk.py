"""Writing many rows at once.

Django's bulk_update builds one CASE WHEN per field over the whole batch, which the database
evaluates row by row: quadratic in the batch size (minutes for 135,000 parcels). These write
one parameterised UPDATE per row through executemany instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection, models, transaction

BATCH = 5000


def update_values(model: type[models.Model], fields: list[str], rows: list[list[Any]]) -> int:
    """UPDATE many rows; each row holds the fields' database values (or plain dates and
    times, adapted as insert_values does), then the primary key. Returns the number of rows."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    meta: Any = model._meta  # fields named here are concrete columns
    fields_of = [meta.get_field(name) for name in fields]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields_of)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608 - names from the model
    adapters = _adapters(fields_of)
    prepared: list[Any] = [_adapted(row, adapters) for row in rows] if adapters else rows
    # One transaction (a savepoint inside the caller's): outside one, SQLite commits, and
    # syncs to disk, after every row of an executemany.
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start : start + BATCH])
    return len(rows)


def update_rows(objects: list[Any], fields: list[str]) -> int:
    """Write `fields` of many saved model objects of one model."""
    if not objects:
        return 0
    model = type(objects[0])
    columns = [model._meta.get_field(name) for name in fields]
    return update_values(
        model,
        fields,
        [[c.get_db_prep_save(getattr(o, c.attname), connection) for c in columns] + [o.pk]
         for o in objects],
    )  # fmt: skip


def insert_values(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> int:
    """INSERT many rows of plain Python values in `fields` order, with no model objects: COPY
    on PostgreSQL, executemany on SQLite (dates and times adapted as Django would). For bulk
    loads where building and preparing a model object per row is most of the cost."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    meta: Any = model._meta
    columns = [meta.get_field(name) for name in fields]
    names = ", ".join(quote(c.column) for c in columns)
    table = quote(meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:  # as in update_values
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        adapters = _adapters(columns)
        prepared: list[Any] = [_adapted(row, adapters) for row in rows] if adapters else rows
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start : start + BATCH])
    return len(rows)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """INSERT many rows given as {column's attribute name: value}; every other column takes
    its field's default (the database has none of its own), JSON columns are encoded, and the
    primary key is left to the database. insert_values underneath."""
    meta: Any = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    encoded = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    names = [f.attname for f in fields]
    unknown = {name for row in rows for name in row} - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    values = [
        tuple(
            json.dumps(row.get(name, defaults[name])) if name in encoded
            else row.get(name, defaults[name])
            for name in names
        )
        for row in rows
    ]  # fmt: skip
    return insert_values(model, [f.name for f in fields], values)


Adapter = tuple[int, Callable[[Any], Any], dict[Any, Any]]


def _adapters(columns: list[Any]) -> list[Adapter]:
    """Each date or time column's adapter (SQLite takes them as text), with a memo (a month's
    file holds one coded month and many repeated times)."""
    ops = connection.ops
    kinds = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
    }
    return [
        (index, kinds[kind], {})
        for index, kind in enumerate(c.get_internal_type() for c in columns)
        if kind in kinds
    ]


def _adapted(row: tuple[Any, ...] | list[Any], adapters: list[Adapter]) -> list[Any]:
    """The row with its plain dates and times adapted (values already prepared are kept)."""
    values = list(row)
    for index, adapt, memo in adapters:
        value = values[index]
        if isinstance(value, date):  # a datetime is a date too
            found = memo.get(value)
            if found is None:
                found = memo[value] = adapt(value)
            values[index] = found
    return values
