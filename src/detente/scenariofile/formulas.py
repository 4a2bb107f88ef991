"""Numbers written as formulas over a scenario's named parameters.

Any number in a scenario file may be given as a string starting with ``=``:
``=c_A``, ``=2 * delta``, ``=(1 - h_B) * G_A``. A formula is parsed with the
standard library's parser and evaluated by walking a small whitelist of node
kinds (numbers, parameter names, ``+ - * / ** %``, unary minus and a few
functions); anything else is refused. Nothing is ever passed to ``eval``.

Every formula gives a finite real number or a one-line :class:`FormulaError`:
the square root or logarithm of a negative number, a negative number to a
fractional power, a division by zero and an overflow are errors, never a
complex number, an infinity or NaN. A formula has at most
:data:`MAX_FORMULA_CHARS` characters and nests at most
:data:`MAX_FORMULA_DEPTH` operations deep.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping

from detente.errors import DetenteError

MAX_FORMULA_CHARS = 1000
"""Longest formula, ``=`` included (the shipped scenarios' longest has 62)."""
MAX_FORMULA_DEPTH = 50
"""Deepest nesting of operations and calls in one formula (the shipped ones nest at most 9)."""

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%"}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "ceil": math.ceil,
    "floor": math.floor,
    "round": round,
}


_LARGEST = 1.7976931348623157e308


class FormulaError(DetenteError):
    """A formula is malformed, refers to an unknown parameter or has no finite real value."""


def is_formula(value: object) -> bool:
    """Whether a YAML value is a formula string.

    >>> is_formula("=2*delta"), is_formula("delta"), is_formula(0.9)
    (True, False, False)
    """
    return isinstance(value, str) and value.startswith("=")


def names_in(formula: str) -> set[str]:
    """The parameter names a formula uses.

    >>> sorted(names_in("=(1 - h_B) * G_A"))
    ['G_A', 'h_B']
    """
    tree = _parse(formula)
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called


def evaluate(formula: str, parameters: Mapping[str, float]) -> float:
    """The value of a formula given parameter values: a finite real number.

    >>> evaluate("=(1 - h_B) * G_A", {"h_B": 0.1, "G_A": 6})
    5.4
    >>> evaluate("=(-8) ** (1/3)", {})
    Traceback (most recent call last):
    ...
    detente.scenariofile.formulas.FormulaError: (-8) ** 0.333333: a negative number to a fractional power is not a real number
    """
    return _eval(_parse(formula).body, parameters)


@functools.lru_cache(maxsize=4096)
def _parse(formula: str) -> ast.Expression:
    """The syntax tree of a formula (memoised: sweeps evaluate the same formulas at every draw;
    the trees are only read)."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise FormulaError(
            f"a formula of {len(formula):,} characters; formulas may have at most "
            f"{MAX_FORMULA_CHARS} (define parts of it as parameters)"
        )
    text = formula[1:] if formula.startswith("=") else formula
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(
            f"formula {_brief(formula)} is not valid arithmetic: {error.msg}"
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError(f"formula {_brief(formula)} is not valid arithmetic") from None
    if _depth(tree.body) > MAX_FORMULA_DEPTH:
        raise FormulaError(
            f"formula nested more than {MAX_FORMULA_DEPTH} operations deep; define parts of it "
            "as parameters"
        )
    return tree


def _brief(formula: str) -> str:
    return repr(formula if len(formula) <= 60 else formula[:57] + "...")


def _depth(root: ast.AST) -> int:
    """How deep expressions nest below ``root`` (iteratively: the tree may be deep)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr)
        )
    return deepest


def _eval(node: ast.AST, parameters: Mapping[str, float]) -> float:
    match node:
        case ast.Constant(value=bool()):
            raise FormulaError("a formula cannot contain true/false")
        case ast.Constant(value=int() | float() as number):
            if abs(number) > _LARGEST:  # compares ints exactly, and inf
                raise FormulaError("a number in the formula is too large (at most about 1.8e308)")
            return float(number)
        case ast.Name(id=name):
            if name not in parameters:
                known = ", ".join(sorted(parameters)) or "none declared"
                raise FormulaError(f"unknown parameter {name!r}; parameters: {known}")
            return float(parameters[name])
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            a, b = _eval(left, parameters), _eval(right, parameters)
            shown = f"{_show(a)} {_SYMBOLS[type(op)]} {_show(b)}"
            return _finite(lambda: _BINARY[type(op)](a, b), shown)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, parameters)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _eval(operand, parameters)
        case ast.Call(func=ast.Name(id=fname), args=args, keywords=[]) if fname in _FUNCTIONS:
            values = [_eval(a, parameters) for a in args]
            shown = f"{fname}({', '.join(f'{v:g}' for v in values)})"
            return _finite(lambda: _FUNCTIONS[fname](*values), shown)
    allowed = "numbers, parameter names, + - * / ** %, and " + ", ".join(_FUNCTIONS)
    raise FormulaError(f"formulas may use only {allowed}")


def _show(value: float) -> str:
    return f"({value:g})" if value < 0 else f"{value:g}"


def _finite(compute: Callable[[], object], shown: str) -> float:
    """``compute()`` as a finite real number, or a :class:`FormulaError` saying what ``shown`` is."""
    try:
        value = compute()
    except ZeroDivisionError:
        raise FormulaError(f"{shown}: division by zero") from None
    except OverflowError:
        raise FormulaError(f"{shown}: the result is too large for a number") from None
    except ValueError as error:
        raise FormulaError(f"{shown} is not defined ({error})") from None
    except TypeError as error:
        raise FormulaError(f"{shown}: {error}") from None
    if isinstance(value, complex):  # only ** gives one, from a negative base
        raise FormulaError(f"{shown}: a negative number to a fractional power is not a real number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise FormulaError(f"{shown}: the result is too large for a number") from None
    if not math.isfinite(number):
        raise FormulaError(f"{shown}: the result is too large for a number")
    return number
