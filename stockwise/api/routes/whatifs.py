"""What-if specs: store one (validated by the library), list, read, delete; simulations
refer to a stored spec by ``whatif_id``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from sqlmodel import col, select

from stockwise.api import audit
from stockwise.api.deps import Analyst, RowId, SessionDep, Viewer
from stockwise.api.models import WhatIfPublic, WhatIfRecord
from stockwise.scenarios import WhatIfError, parse_whatif

router = APIRouter(prefix="/whatifs", tags=["whatifs"])
MAX_NAME = 200
SPEC = Body(
    description="A what-if spec as in a YAML/JSON file: name, changes (see "
    "``stockwise.scenarios.whatif``); item, location and lane names are checked against "
    "the dataset when a simulation uses it",
    examples=[{"name": "supplier late", "changes": [{"type": "lead_time", "shift": 2}]}],
)


@router.post(
    "",
    response_model=WhatIfPublic,
    status_code=201,
    responses={422: {"description": "the field of the spec that is wrong, and why"}},
)
def create_whatif(
    spec: Annotated[dict[str, Any], SPEC], who: Analyst, session: SessionDep
) -> WhatIfRecord:
    """Validate and store a what-if spec."""
    try:
        name = parse_whatif(spec, source="whatif").name
    except WhatIfError as err:
        raise HTTPException(422, [_error(str(err))]) from err
    if len(name) > MAX_NAME or not name.isprintable():
        raise HTTPException(
            422, [_error(f"whatif.name: expected printable text of at most {MAX_NAME} characters")]
        )
    record = WhatIfRecord(name=name, spec=spec, created_by=who.username)
    session.add(record)
    session.flush()
    audit.record(session, who, "whatif.create", f"whatif:{record.id}", {"name": name})
    session.refresh(record)
    return record


@router.get("", response_model=list[WhatIfPublic])
def list_whatifs(
    who: Viewer, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[WhatIfRecord]:
    query = select(WhatIfRecord).order_by(col(WhatIfRecord.id).desc()).limit(limit)
    return list(session.exec(query))


@router.get("/{whatif_id}", response_model=WhatIfPublic)
def get_whatif(whatif_id: RowId, who: Viewer, session: SessionDep) -> WhatIfRecord:
    return whatif_or_404(session, whatif_id)


@router.delete("/{whatif_id}", status_code=204)
def delete_whatif(whatif_id: RowId, who: Analyst, session: SessionDep) -> None:
    """Delete a stored spec; simulations already submitted with it keep their copy."""
    session.delete(whatif_or_404(session, whatif_id))
    audit.record(session, who, "whatif.delete", f"whatif:{whatif_id}")


def whatif_or_404(session, whatif_id: int) -> WhatIfRecord:
    record = session.get(WhatIfRecord, whatif_id)
    if record is None:
        raise HTTPException(404, f"whatif_id: no what-if {whatif_id}")
    return record


def _error(msg: str) -> dict[str, Any]:
    return {"loc": ["body"], "msg": msg, "type": "whatif"}
