"""The Alembic history builds exactly the schema the models describe, both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.migrations import alembic_config, downgrade, upgrade
from app.models import Base


def test_models_match_the_migrated_schema(engine):
    with engine.connect() as con:
        context = MigrationContext.configure(con, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_history_is_linear_with_one_head():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == ["0008"]
    revisions = [r.revision for r in scripts.walk_revisions()]
    assert revisions == [f"{n:04d}" for n in range(8, 0, -1)]


def test_downgrade_to_base_and_back(engine, settings):
    downgrade("base", settings.database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade("0004", settings.database_url)
    assert "invoices" in inspect(engine).get_table_names()
    assert "outbox_events" not in inspect(engine).get_table_names()
    upgrade("head", settings.database_url)
    assert {"orders", "outbox_events", "idempotency_keys"} <= set(inspect(engine).get_table_names())
