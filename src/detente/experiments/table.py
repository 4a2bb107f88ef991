"""Rows of results as Arrow tables: nested results flattened to dotted columns.

A row is a flat mapping from column name to a scalar (number, boolean, string,
null) or a list; nested result objects become dotted names, e.g.
``result.solutions.nash.value``. Columns are grouped by prefix: ``draw`` (or
``session``), ``parameter.*``, ``result.*``, ``claim.*``.

A run's chunks all have one schema, fixed before the first chunk runs
(:func:`result_fields` from an example of the results, :func:`table_of` to
lay rows out in it), so the columns and their types never depend on which
units a chunk holds: numbers are doubles, a value whose shape is not a plain
scalar or list (a list of mappings, a field that was null in the example) is
JSON text, and a value that does not fit its column is kept as JSON text in
the ``extra`` column rather than lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

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


JSON_TEXT = {b"detente.json": b"true"}
"""Metadata of a column holding JSON text (any shape, decoded by the reader)."""
EXTRA = "extra"
"""The column for result values the run's schema has no place for: JSON ``{field: value}``."""


def value_type(value: Value) -> pa.DataType | None:
    """The column type of a result value, or ``None`` where it is stored as JSON text.

    Scalars and lists (of lists) of one kind of scalar get a type of their own;
    numbers are doubles, whatever a particular value happens to be.

    >>> value_type(3), value_type([1, 2.5]), value_type([[1.0], []]), value_type(None)
    (DataType(double), ListType(list<item: double>), ListType(list<item: list<item: double>>), None)
    """
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int | float):
        return pa.float64()
    if isinstance(value, str):
        return pa.string()
    if not isinstance(value, list):
        return None
    inner = {value_type(v) for v in value if v is not None and v != []}
    kind = inner.pop() if len(inner) == 1 else None
    nested = kind is not None and pa.types.is_list(kind)
    if kind is None or (nested and pa.types.is_list(kind.value_type)):
        return None
    return pa.list_(kind)


def result_fields(results: Mapping[str, Value], prefix: str) -> list[pa.Field]:
    """The columns for results shaped like ``results`` (an example), flattened under ``prefix``.

    >>> [str(f.type) for f in result_fields({"a": {"b": 1, "c": None}, "d": "x"}, "result")]
    ['double', 'string', 'string']
    """
    fields: list[pa.Field] = []
    for key, value in results.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping) and value:
            fields.extend(result_fields(value, name))
            continue
        kind = value_type(value)
        fields.append(
            pa.field(name, pa.string(), metadata=JSON_TEXT)
            if kind is None
            else pa.field(name, kind)
        )
    return fields


def place(
    results: Mapping[str, Value], prefix: str, schema: pa.Schema
) -> tuple[dict[str, Value], dict[str, Value]]:
    """Lay ``results`` out in the columns of ``schema``: ``(columns, extra)``.

    A value goes to the column of its dotted name when it fits the column's
    type; a mapping whose columns are in the schema is spread over them (a
    null one leaves them null); anything else is kept in ``extra``.

    >>> schema = pa.schema(result_fields({"a": {"b": 1.0}, "n": 2}, "r"))
    >>> place({"a": None, "n": "two", "new": [1]}, "r", schema)
    ({}, {'r.n': 'two', 'r.new': [1]})
    """
    columns: dict[str, Value] = {}
    extra: dict[str, Value] = {}
    _place(results, prefix, schema, columns, extra)
    return columns, extra


def _place(
    value: Value,
    name: str,
    schema: pa.Schema,
    columns: dict[str, Value],
    extra: dict[str, Value],
) -> None:
    index = schema.get_field_index(name)
    if index >= 0 and fits(value, schema.field(index)):
        columns[name] = value
    elif isinstance(value, Mapping) and index < 0:
        for key, inner in value.items():
            _place(inner, f"{name}.{key}", schema, columns, extra)
    elif not (value is None and any(n.startswith(f"{name}.") for n in schema.names)):
        extra[name] = value


def fits(value: Value, field: pa.Field) -> bool:
    """Whether ``value`` can be stored in ``field`` as it is (JSON text columns take anything)."""
    return value is None or field.metadata == JSON_TEXT or _fits(value, field.type)


def _fits(value: Any, kind: pa.DataType) -> bool:
    if value is None:
        return True
    if pa.types.is_boolean(kind):
        return isinstance(value, bool)
    if pa.types.is_floating(kind):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if pa.types.is_integer(kind):
        return isinstance(value, int) and not isinstance(value, bool)
    if pa.types.is_string(kind):
        return isinstance(value, str)
    if pa.types.is_list(kind):
        return isinstance(value, list) and all(_fits(v, kind.value_type) for v in value)
    return False


def table_of(rows: Sequence[Mapping[str, Value]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of ``rows`` with exactly the columns and types of ``schema``.

    Missing values are null; JSON text columns hold ``json.dumps`` of their value.

    >>> schema = pa.schema([pa.field("n", pa.float64()), pa.field("j", pa.string(), metadata=JSON_TEXT)])
    >>> table_of([{"n": 1, "j": {"a": 1}}, {}], schema).to_pylist()
    [{'n': 1.0, 'j': '{"a": 1}'}, {'n': None, 'j': None}]
    """
    arrays = []
    for column in schema:
        values = [row.get(column.name) for row in rows]
        if column.metadata == JSON_TEXT:
            arrays.append(_json(values))
        else:
            arrays.append(pa.array(values, type=column.type))
    return pa.Table.from_arrays(arrays, schema=schema)


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

    Tables of one schema (a run's chunks) are joined as they are. Otherwise
    (runs written before schemas were fixed) column order never depends on
    which table a column first appeared in, so the result is the same however
    the rows were split.

    >>> a = pa.table({"draw": [0], "result.b": [1]})
    >>> b = pa.table({"result.a": [None], "result.b": [2.5], "draw": [1]})
    >>> concatenate([a, b], ["draw"]).column_names
    ['draw', 'result.a', 'result.b']
    """
    tables = list(tables)
    if tables and all(t.schema == tables[0].schema for t in tables):
        return pa.concat_tables(tables)  # one run's chunks: its schema, in its order
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


def claim_holds(table: pa.Table, claim: str) -> NDArray[np.bool_]:
    """Whether ``claim`` holds on each row (its column ``claim.CLAIM``); a null (the claim
    could not be judged on that draw) counts as not holding.

    >>> claim_holds(pa.table({"claim.c": [True, None, False]}), "c").tolist()
    [True, False, False]
    """
    return np.asarray(table.column(f"claim.{claim}").fill_null(False).to_numpy(), dtype=bool)


def valid_rows(table: pa.Table) -> NDArray[np.bool_]:
    """Which rows' scenario was valid: those with a null ``invalid`` (every row, without that
    column).

    >>> valid_rows(pa.table({"draw": [0, 1, 2], "invalid": [None, "no deal", None]})).tolist()
    [True, False, True]
    >>> valid_rows(pa.table({"draw": [0, 1]})).tolist()
    [True, True]
    """
    if "invalid" not in table.column_names:
        return np.ones(table.num_rows, dtype=bool)
    return ~np.asarray(table.column("invalid").is_valid().to_numpy(zero_copy_only=False))
