"""API settings from the environment (``STOCKWISE_*``, and ``DATABASE_URL`` / ``REDIS_URL``).

Settings are built by :func:`get_settings` (or passed to ``create_app``), never at import,
so tests can run several differently configured apps in one process.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator can configure; each field reads ``STOCKWISE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="STOCKWISE_", extra="ignore")

    data_dir: Path = Field(
        Path("stockwise-data"), description="Folder for the SQLite database and job queue"
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("STOCKWISE_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL; default: SQLite file <data_dir>/stockwise.db",
    )
    redis_url: str | None = Field(
        None,
        validation_alias=AliasChoices("STOCKWISE_REDIS_URL", "REDIS_URL"),
        description="Use RedisHuey at this URL instead of the embedded SQLite queue",
    )
    queue_name: str = Field("stockwise", description="Queue name (Redis key prefix)")
    workers: int = Field(
        1, ge=0, description="Job worker threads inside the API process; 0 = external worker"
    )
    migrate_on_start: bool = Field(True, description="Apply Alembic migrations at startup")
    token_ttl_minutes: int = Field(60 * 12, gt=0, description="Lifetime of login tokens")
    auth_cache_seconds: float = Field(
        5.0, ge=0, description="How long a verified token is trusted before re-reading it"
    )
    max_upload_bytes: int = Field(50_000_000, gt=0, description="Largest request body accepted")
    sync_time_limit: float = Field(
        30.0, gt=0, description="[s] solver time limit for ?wait=true plans"
    )
    heartbeat_seconds: float = Field(2.0, gt=0, description="How often a running job checks in")
    stale_after_seconds: float = Field(
        15.0, gt=0, description="A running job silent this long has lost its worker"
    )
    max_attempts: int = Field(2, ge=1, description="Runs of a job before a lost worker fails it")
    log_level: str = Field("INFO", description="Python logging level")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'stockwise.db'}"

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.db"


def get_settings() -> Settings:
    """Settings read from the environment now."""
    return Settings()
