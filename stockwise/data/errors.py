"""Validation problems, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One broken rule: where (file, 1-based data row, column), the value, and the rule.

    ``row`` counts data rows from 1 (the header is not a row), so in a CSV file the
    problem is on line ``row + 1``. ``row`` is ``None`` for a problem of a whole file or
    column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
            if self.file.endswith((".csv", ".csv.gz")):
                where += f" (line {self.row + 1})"
        if self.column is not None:
            where += f", column {self.column}"
        value = "" if self.value is None else f" value {self.value!r}:"
        return f"{where}:{value} {self.rule}"


class ValidationError(ValueError):
    """The input breaks one or more rules; ``issues`` lists every one of them."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        shown = "\n".join(f"  - {i}" for i in self.issues[:50])
        more = len(self.issues) - 50
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(f"{len(self.issues)} problem(s) in the input:\n{shown}")
