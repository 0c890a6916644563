"""Reading the app's database as its superuser (never through the app)."""

from __future__ import annotations

from typing import Any

from gradekit import pg


def rows(sql: str, params: tuple | dict | None = None) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    with pg.connect(row_factory=dict_row) as con:
        return list(con.execute(sql, params).fetchall())


def one(sql: str, params: tuple | dict | None = None) -> dict[str, Any] | None:
    found = rows(sql, params)
    assert len(found) <= 1, f"expected at most one row, got {len(found)}"
    return found[0] if found else None


def scalar(sql: str, params: tuple | dict | None = None) -> Any:
    with pg.connect() as con:
        row = con.execute(sql, params).fetchone()
    return None if row is None else row[0]
