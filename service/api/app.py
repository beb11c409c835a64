"""The FastAPI application: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import Engine

from service.api import docs_pages, redaction
from service.api.audit import AuditLog
from service.api.deps import storable_parameters
from service.api.errors import BodySizeLimit, install_error_handlers
from service.api.jobs import Dispatcher, PlanRunner, lease_of
from service.api.routes import (
    batches,
    exports,
    households,
    imports,
    kpis,
    ledger,
    needs,
    plans,
    records,
    resources,
    scenario,
    stations,
    villages,
    workers,
)
from service.api.settings import Settings
from service.storage.db import make_engine, migrate

API_PREFIX = "/api/v1"
log = logging.getLogger("mulin.api")


class Health(BaseModel):
    """The answer of the health check."""

    status: str


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    def health() -> Health:
        """Whether the service answers (no token needed)."""
        return Health(status="ok")

    return router


def make_dispatcher(engine: Engine, settings: Settings) -> Dispatcher:
    """The task queue when ``broker_url`` is set, else the embedded pool of this process."""
    if settings.broker_url is not None:
        from service.queue.dispatch import QueueDispatcher

        log.info("service started: plan jobs go to the task queue")
        return QueueDispatcher(
            engine, settings.broker_url, settings.queue_prefix, lease_of(settings)
        )
    log.info("service started (plan pool of %d)", settings.plan_pool_size)
    return PlanRunner(engine, settings.plan_pool_size, lease_of(settings))


def create_app(settings: Settings, *, recover_jobs: bool = True) -> FastAPI:
    """Build the HTTP service for these settings.

    The engine is made here (it connects lazily); the schema is migrated, the plan pool and
    the audit writer started when the app starts (its lifespan); when it stops the pool is
    stopped and the waiting audit rows are written.

    Parameters
    ----------
    settings
        Database URL, body size limit, plan pool size and time limits.
    recover_jobs
        Whether the dispatcher queues again, at the start, the jobs that wait or that a dead
        process left running (one process of several does: ``service.api.serving``).

    Returns
    -------
    FastAPI
        The application, with every router under ``/api/v1``.
    """
    engine = make_engine(settings)
    redaction.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            migrate(engine, settings)
        audit = AuditLog(engine, settings.audit_flush_seconds)
        audit.start()
        app.state.audit = audit
        runner = make_dispatcher(engine, settings)
        app.state.runner = runner
        if recover_jobs:
            runner.recover()
        try:
            yield
        finally:
            runner.shutdown()
            audit.close()
            engine.dispose()

    app = FastAPI(
        title="Mulin (睦邻) weekly dispatch service",
        version="1",
        description=(
            "Needs archive and resource library of social work stations, and weekly dispatch "
            "plans (formats mulin.scenario/1 and mulin.plan/1). Every endpoint but /health "
            "needs a bearer token made with `mulin token create`."
        ),
        lifespan=lifespan,
        dependencies=[Depends(storable_parameters)],
        docs_url=None,  # FastAPI's pages load from a CDN: docs_pages serves them offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.feed_secret = exports.feed_secret(settings)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # before needs and resources, whose /{id} routes would take …/needs/export.xlsx
    app.include_router(imports.router, prefix=API_PREFIX)
    # batches before plans, whose /plans/{plan_id} would take /plans/batch
    routers = (
        stations,
        scenario,
        villages,
        workers,
        resources,
        needs,
        batches,
        plans,
        records,
        kpis,
        ledger,
        households,
        exports,
    )
    for module in routers:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(_health_router(), prefix=API_PREFIX)
    docs_pages.install(app)
    # the console's pages at / (not in the OpenAPI); imported here: it imports service.api
    from service.console.routes import install as install_console

    install_console(app)
    return app
