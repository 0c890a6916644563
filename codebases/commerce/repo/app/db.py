"""Database engine and sessions (SQLAlchemy 2.0, psycopg 3).

The schema belongs to Alembic (`alembic upgrade head`, or `python -m app.cli init-db`); nothing
here creates tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from .settings import Settings, get_settings


def make_engine(settings: Settings) -> Engine:
    return create_engine(
        settings.sync_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=1800,
        connect_args={
            "connect_timeout": settings.db_connect_timeout_seconds,
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
            "application_name": "commerce",
        },
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


_engine: Engine | None = None
_sessionmaker: sessionmaker[Session] | None = None


def get_engine() -> Engine:
    """The process-wide engine for scripts and the CLI (the web app keeps its own)."""
    global _engine, _sessionmaker
    if _engine is None:
        _engine = make_engine(get_settings())
        _sessionmaker = make_sessionmaker(_engine)
    return _engine


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """A session committed at the end of the block (rolled back on error)."""
    if factory is None:
        get_engine()
        factory = _sessionmaker
    assert factory is not None
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_db(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a session for the request. Services decide when to commit; whatever
    was not committed is rolled back when the request ends."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        session.close()


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def init_db() -> None:
    """Bring the schema to the latest revision (Alembic)."""
    from .migrations import upgrade

    upgrade("head")
