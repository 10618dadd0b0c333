"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

# Free text that reaches a database column: no control characters (PostgreSQL rejects NUL).
TEXT = r"^[^\x00-\x1f\x7f]*$"


def utcnow() -> datetime:
    """Now, timezone-aware UTC (SQLModel stores aware datetimes as UTC)."""
    return datetime.now(UTC)
