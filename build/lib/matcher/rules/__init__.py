"""The rule language: parse, type-check and evaluate policy expressions.

``compile_expression(text, schema, expected)`` is the one entry point; it raises
:class:`RuleError` (syntax or type) and nothing else.
"""

from matcher.rules.errors import Position, RuleError, RuleSyntaxError, RuleTypeError
from matcher.rules.expression import Expression, compile_expression
from matcher.rules.schema import FactSpec, Schema

__all__ = [
    "Expression",
    "FactSpec",
    "Position",
    "RuleError",
    "RuleSyntaxError",
    "RuleTypeError",
    "Schema",
    "compile_expression",
]
