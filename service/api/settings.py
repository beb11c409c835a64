"""Settings of the HTTP service, read from ``MULIN_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """How the service runs; every field can be set as ``MULIN_<FIELD>`` in the environment.

    Nothing reads the environment at import time: build ``Settings()`` where the service
    starts (``mulin serve``, ``mulin token``) and hand it to :func:`service.api.create_app`.
    """

    model_config = SettingsConfigDict(env_prefix="MULIN_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./mulin.db",
        description="SQLAlchemy URL; postgresql://… uses the psycopg driver.",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Larger request bodies get 413."
    )
    plan_pool_size: int = Field(default=1, ge=1, le=32, description="Plans solved at once.")
    max_queued_plans: int = Field(
        default=100, ge=1, description="Plan requests beyond this many waiting get 429."
    )
    default_time_limit: float = Field(
        default=30.0, gt=0, description="Solver seconds when a plan request gives none."
    )
    max_time_limit: float = Field(default=600.0, gt=0, description="Longest time limit allowed.")
    max_plan_workers: int = Field(default=8, ge=1, le=64, description="Most CP-SAT workers.")
    migrate_on_start: bool = Field(
        default=True, description="Bring the database schema up to date when the app starts."
    )
    migrations_dir: Path | None = Field(
        default=None, description="Alembic scripts; default: migrations/ beside the package."
    )
    feed_secret: SecretStr | None = Field(
        default=None,
        description="Signs calendar feed links; unset: a random key, links change on restart.",
    )
    broker_url: str | None = Field(
        default=None,
        description=(
            "Celery broker (redis://127.0.0.1:6379/0 or amqp://guest@127.0.0.1//): plan jobs "
            "go to `mulin worker` processes; unset: solved in this process (embedded pool)."
        ),
    )
    queue_prefix: str = Field(
        default="mulin",
        pattern=r"^[A-Za-z0-9_.-]{1,40}$",
        description="Names the two task queues: <prefix>.plans and <prefix>.batch.",
    )
    audit_flush_seconds: float = Field(
        default=0.2,
        gt=0,
        le=60.0,
        description="Audit rows of reads are written in batches this often (and at shutdown).",
    )
    job_lease_seconds: float = Field(
        default=30.0,
        ge=1.0,
        le=3600.0,
        description="A running job whose worker has not renewed its lease for this long is "
        "queued again (the worker counts as gone).",
    )
    carry_over_grace_days: int = Field(
        default=2,
        ge=0,
        le=60,
        description="Days after a week before its unrecorded visits count as not done and "
        "come back into the next week's plan.",
    )
