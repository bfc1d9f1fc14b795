"""Errors of the rule language. Every one carries the position in the expression text."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column inside an expression's text."""

    line: int
    column: int


class RuleError(Exception):
    """Base of every error the rule language raises: syntax, type and name errors.

    Nothing else escapes :func:`matcher.rules.compile_expression`; callers may rely on it.
    """

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.position.line}:{self.position.column}: {self.message}"


class RuleSyntaxError(RuleError):
    """The text is not an expression of the language."""


class RuleTypeError(RuleError):
    """Well formed but ill typed: unknown field or function, wrong operand types."""
