"""The Alembic migrations, on SQLite and PostgreSQL: at head the schema is the models' own
(nothing left for autogenerate), and a plan stored before ``plan.warnings`` existed still
reads back after the upgrade, and the downgrade undoes it.

Oracle: Alembic's ``compare_metadata`` against ``SQLModel.metadata``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from stockwise.api.core.db import alembic_config, make_engine, migrate
from stockwise.api.models import PlanPublic, PlanRecord
from stockwise.api.models.base import utcnow
from stockwise.api.storage import store_dataset
from stockwise.data import from_frames
from tests.api.tiny import tiny_tables


def test_head_is_the_models_schema_and_old_plans_read_back(database_url):
    engine = make_engine(database_url)
    try:
        migrate(engine, "0003")  # before plan.warnings and plan.bound
        with Session(engine) as session:
            dataset = store_dataset(session, from_frames(tiny_tables()), "tiny", "pat")
            old = sa.table(
                "plan",
                *(sa.column(c) for c in ("dataset_id", "status", "solver", "wall_time")),
                *(sa.column(c) for c in ("n_orders", "blob_id", "created_by", "created_at")),
                *(sa.column(c, sa.JSON()) for c in ("params", "costs", "relaxations", "summary")),
            )
            session.execute(
                old.insert().values(
                    dataset_id=dataset.id,
                    status="optimal",
                    solver="highs",
                    wall_time=1.0,
                    n_orders=0,
                    blob_id=dataset.blob_id,
                    created_by="pat",
                    created_at=utcnow(),
                    params={"horizon": 8},
                    costs={"total": 1.0},
                    relaxations=[],
                    summary=["status optimal"],
                )
            )
            session.commit()

        migrate(engine)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        with Session(engine) as session:
            plan = PlanPublic.model_validate(session.get(PlanRecord, 1))
        assert plan.warnings == [] and plan.bound is None and plan.summary == ["status optimal"]

        command.downgrade(alembic_config(engine), "0003")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("plan")}
        assert "warnings" not in columns and "bound" not in columns
        migrate(engine)
    finally:
        engine.dispose()
