"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, timezone-aware UTC (SQLModel stores aware datetimes as UTC)."""
    return datetime.now(UTC)
