"""A tiny, safe arithmetic language for metric definitions (never `eval`).

Python's `ast` parses the text; only numbers, names, + - * /, unary minus and a few
whitelisted function calls are accepted. Two uses share it: derived metrics (names are
metric keys; `lag(metric, n)` is the metric n periods earlier) and field expressions of
simple metrics (names are field paths such as `converted_opportunity__closed_at`).
"""

import ast
from dataclasses import dataclass
from decimal import Decimal

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Neg:
    operand: object


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple


def parse(text: str, functions: dict[str, int]) -> object:
    """The expression tree of `text`; `functions` maps allowed call names to their arity."""
    try:
        tree = ast.parse(str(text).strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {text!r}: {exc.msg}") from None
    return _convert(tree.body, functions)


def _convert(node, functions):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Num(Decimal(str(node.value)))
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return BinOp(_OPS[type(node.op)], _convert(node.left, functions),
                     _convert(node.right, functions))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return Neg(_convert(node.operand, functions))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id
        if name not in functions:
            allowed = ", ".join(sorted(functions)) or "none"
            raise ExpressionError(f"unknown function {name!r} (allowed: {allowed})")
        if len(node.args) != functions[name]:
            raise ExpressionError(f"{name}() takes {functions[name]} arguments")
        return Call(name, tuple(_convert(arg, functions) for arg in node.args))
    raise ExpressionError(
        f"only numbers, names, + - * / and parentheses are allowed, not {ast.unparse(node)!r}"
    )


def names(node) -> set[str]:
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, BinOp):
        return names(node.left) | names(node.right)
    if isinstance(node, Neg):
        return names(node.operand)
    if isinstance(node, Call):
        return set().union(*(names(arg) for arg in node.args))
    return set()


def calls(node, func: str) -> list[Call]:
    if isinstance(node, Call):
        found = [node] if node.func == func else []
        return found + [c for arg in node.args for c in calls(arg, func)]
    if isinstance(node, BinOp):
        return calls(node.left, func) + calls(node.right, func)
    if isinstance(node, Neg):
        return calls(node.operand, func)
    return []


def evaluate(node, lookup) -> Decimal | None:
    """The value of `node`; `lookup(node)` gives the value of a Name or Call leaf.
    Any missing operand or a division by zero makes the result None (no value)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name | Call):
        return lookup(node)
    if isinstance(node, Neg):
        value = evaluate(node.operand, lookup)
        return None if value is None else -value
    left, right = evaluate(node.left, lookup), evaluate(node.right, lookup)
    if left is None or right is None:
        return None
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    return None if right == 0 else left / right
