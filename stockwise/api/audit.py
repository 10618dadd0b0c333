"""Write audit events: who ran or changed what."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from stockwise.api.auth import Principal
from stockwise.api.core.logging import request_id
from stockwise.api.models import AuditEvent


def record(
    session: Session,
    who: Principal,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    *,
    commit: bool = True,
) -> None:
    """Add an audit event (committed with the change it describes unless ``commit`` is off)."""
    session.add(
        AuditEvent(
            user_id=who.id,
            username=who.username,
            action=action,
            target=target,
            detail=detail or {},
            request_id=request_id.get(),
        )
    )
    if commit:
        session.commit()
