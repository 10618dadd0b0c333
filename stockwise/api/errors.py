"""Library errors as 4xx responses that name the file, row, column or parameter."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session, SQLModel

from stockwise.data import ValidationError
from stockwise.engine.planning import ProblemError
from stockwise.scenarios import WhatIfError
from stockwise.solvers import SolverError


class PolicyInputError(ValueError):
    """Policy options that do not fit the dataset (the library's message names the option)."""


def issue_detail(err: ValidationError) -> list[dict]:
    """Each issue in FastAPI's error shape (``loc``, ``msg``, ``type``) plus its fields."""
    return [
        {
            "loc": [i.file]
            + ([i.row] if i.row is not None else [])
            + ([i.column] if i.column else []),
            "msg": str(i),
            "type": "data_validation",
            "file": i.file,
            "row": i.row,
            "column": i.column,
            "value": i.value,
            "rule": i.rule,
        }
        for i in err.issues
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(ValidationError)
    async def _data_invalid(_request: Request, err: ValidationError) -> JSONResponse:
        return JSONResponse({"detail": issue_detail(err)}, status_code=422)

    @app.exception_handler(ProblemError)
    async def _problem_invalid(_request: Request, err: ProblemError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": ["body"], "msg": str(err), "type": "planning_problem"}]},
            status_code=422,
        )

    @app.exception_handler(WhatIfError)
    async def _whatif_invalid(_request: Request, err: WhatIfError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": ["body", "whatif"], "msg": str(err), "type": "whatif"}]},
            status_code=422,
        )

    @app.exception_handler(PolicyInputError)
    async def _policy_invalid(_request: Request, err: PolicyInputError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": ["body"], "msg": str(err), "type": "policy"}]}, status_code=422
        )

    @app.exception_handler(SolverError)
    async def _solver_unusable(_request: Request, err: SolverError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": ["body", "solver"], "msg": str(err), "type": "solver"}]},
            status_code=422,
        )


def require(session: Session, table: type[SQLModel], row_id: int, field: str) -> None:
    """422 naming ``field`` when the body refers to a row that does not exist."""
    if session.get(table, row_id) is None:
        name = table.__tablename__
        raise HTTPException(
            422, [{"loc": ["body", field], "msg": f"no {name} {row_id}", "type": "unknown_id"}]
        )
