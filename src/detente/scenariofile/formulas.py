"""Numbers written as formulas over a scenario's named parameters.

Any number in a scenario file may be given as a string starting with ``=``:
``=c_A``, ``=2 * delta``, ``=(1 - h_B) * G_A``. A formula is parsed with the
standard library's parser and evaluated by walking a small whitelist of node
kinds (numbers, parameter names, ``+ - * / ** %``, unary minus and a few
functions); anything else is refused. Nothing is ever passed to ``eval``.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
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


class FormulaError(ValueError):
    """A formula is malformed or refers to an unknown parameter."""


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
    """The value of a formula given parameter values.

    >>> evaluate("=(1 - h_B) * G_A", {"h_B": 0.1, "G_A": 6})
    5.4
    """
    return float(_eval(_parse(formula).body, parameters))


@functools.lru_cache(maxsize=4096)
def _parse(formula: str) -> ast.Expression:
    """The syntax tree of a formula (memoised: sweeps evaluate the same formulas at every draw;
    the trees are only read)."""
    text = formula[1:] if formula.startswith("=") else formula
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"formula {formula!r} is not valid arithmetic: {error.msg}") from None


def _eval(node: ast.AST, parameters: Mapping[str, float]) -> float:
    match node:
        case ast.Constant(value=bool()):
            raise FormulaError("a formula cannot contain true/false")
        case ast.Constant(value=int() | float() as number):
            return float(number)
        case ast.Name(id=name):
            if name not in parameters:
                known = ", ".join(sorted(parameters)) or "none declared"
                raise FormulaError(f"unknown parameter {name!r}; parameters: {known}")
            return float(parameters[name])
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            try:
                return _BINARY[type(op)](_eval(left, parameters), _eval(right, parameters))
            except (ZeroDivisionError, OverflowError) as error:
                raise FormulaError(f"formula arithmetic failed: {error}") from None
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, parameters)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _eval(operand, parameters)
        case ast.Call(func=ast.Name(id=fname), args=args, keywords=[]) if fname in _FUNCTIONS:
            try:
                return float(_FUNCTIONS[fname](*(_eval(a, parameters) for a in args)))
            except (TypeError, ValueError, OverflowError) as error:
                raise FormulaError(f"{fname}(...) failed: {error}") from None
    allowed = "numbers, parameter names, + - * / ** %, and " + ", ".join(_FUNCTIONS)
    raise FormulaError(f"formulas may use only {allowed}")
