"""Rows of results as Arrow tables: nested results flattened to dotted columns.

A row is a flat mapping from column name to a scalar (number, boolean, string,
null) or a list; nested result objects become dotted names, e.g.
``result.solutions.nash.value``. Columns are grouped by prefix: ``draw`` (or
``session``), ``parameter.*``, ``result.*``, ``claim.*``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from detente.claims import Value


def flatten(results: Mapping[str, Value], prefix: str) -> dict[str, Value]:
    """Nested mappings to dotted keys under ``prefix``; other values are kept as they are.

    >>> flatten({"a": {"b": 1, "c": [1, 2]}, "d": None}, "result")
    {'result.a.b': 1, 'result.a.c': [1, 2], 'result.d': None}
    """
    flat: dict[str, Value] = {}
    for key, value in results.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def to_table(rows: Sequence[Mapping[str, Value]]) -> pa.Table:
    """An Arrow table of ``rows``; a missing key is null; a column Arrow cannot type is JSON text.

    >>> to_table([{"a": 1, "b": True}, {"a": 2.5}]).to_pylist()
    [{'a': 1.0, 'b': True}, {'a': 2.5, 'b': None}]
    """
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = {name: _column([row.get(name) for row in rows]) for name in names}
    return pa.table(columns)


def _column(values: list[Value]) -> pa.Array:
    """A typed column, or JSON text where Arrow cannot type it or Parquet cannot store the type.

    Lists of mappings (schedules: ``[{item: amount}, …]``) are always JSON text:
    as Arrow structs their type would depend on which keys the chunk's rows
    happen to use (or be unstorable when none does), so chunks of one run
    could not be joined, and a value would read back differently with
    another chunk size.

    >>> _column([[{}], []]).type  # a list of empty mappings: no Parquet type exists for it
    DataType(string)
    >>> _column([[{"x": 1.0}], None]).to_pylist()
    ['[{"x": 1.0}]', None]
    """
    if not any(_holds_mappings(v) for v in values):
        try:
            column = pa.array(values)
            if _storable(column.type):
                return column
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return _json(values)


def _holds_mappings(value: Value) -> bool:
    return isinstance(value, list) and any(isinstance(v, Mapping) for v in value)


def _json(values: Sequence[object]) -> pa.Array:
    return pa.array(
        [None if v is None else json.dumps(v, default=str) for v in values], type=pa.string()
    )


def _storable(kind: pa.DataType) -> bool:
    """Whether Parquet can store ``kind`` (it has no type for a struct without fields)."""
    if pa.types.is_struct(kind):
        fields = [kind.field(i).type for i in range(kind.num_fields)]
        return bool(fields) and all(_storable(f) for f in fields)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _storable(kind.value_type)
    return True


def concatenate(tables: Iterable[pa.Table], first: Sequence[str]) -> pa.Table:
    """Tables joined by column name, columns ordered: ``first``, then by prefix group and name.

    Column order never depends on which table a column first appeared in, so
    the result is the same however the rows were split.

    >>> a = pa.table({"draw": [0], "result.b": [1]})
    >>> b = pa.table({"result.a": [None], "result.b": [2.5], "draw": [1]})
    >>> concatenate([a, b], ["draw"]).column_names
    ['draw', 'result.a', 'result.b']
    """
    tables = list(tables)
    try:
        joined = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # results written before lists of mappings
        joined = pa.concat_tables(_as_text(tables), promote_options="permissive")  # were text
    rest = sorted(set(joined.column_names) - set(first), key=_group_order)
    return joined.select([*[n for n in first if n in joined.column_names], *rest])


def _as_text(tables: list[pa.Table]) -> list[pa.Table]:
    """The tables with every column that some hold as text and others as nested values as text."""
    texts = {f.name for t in tables for f in t.schema if pa.types.is_string(f.type)}
    converted = []
    for table in tables:
        for i, field in enumerate(table.schema):
            if field.name in texts and pa.types.is_nested(field.type):
                text = _json(table.column(i).to_pylist())
                table = table.set_column(i, field.name, text)
        converted.append(table)
    return converted


_GROUPS = ("parameter.", "result.", "claim.")


def _group_order(name: str) -> tuple[int, str]:
    group = next((i for i, prefix in enumerate(_GROUPS) if name.startswith(prefix)), len(_GROUPS))
    return group, name
