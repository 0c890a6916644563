"""The command line as a user meets it: exit codes, JSON output, clear errors without tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DATA = Path(__file__).parent / "data" / "families"


def cli(*args: str, env: dict[str, str] | None = None, timeout: int = 1500) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )  # fmt: skip


def test_fixture_with_a_missing_part_is_named(tmp_path):
    family = tmp_path / "tasks" / "toy"
    shutil.copytree(DATA / "toy", family)
    shutil.rmtree(family / "fixtures" / "calc_total" / "tests")
    result = cli("evals", "validate", "--tasks-dir", str(tmp_path / "tasks"))
    assert result.returncode == 2
    assert "calc_total: missing tests" in result.stderr and "Traceback" not in result.stderr


def test_personas_lists_both_documents():
    result = cli("evals", "personas", "--json")
    assert result.returncode == 0
    listing = json.loads(result.stdout)
    assert listing["errors"] == []
    rows = {r["name"]: r for r in listing["personas"]}
    assert set(rows) == {"backend", "backend-developer"}
    assert rows["backend-developer"]["tools"] == ["Read", "Write", "Edit", "Bash", "Grep", "Glob"]
    assert rows["backend-developer"]["title"] == "Backend Developer"
    assert rows["backend"]["prompt_chars"] > 1000
    assert rows["backend"]["notes"] and "MultiEdit, LS" in rows["backend"]["notes"][0]


def test_personas_lists_every_good_file_and_reports_every_bad_one(tmp_path):
    """One bad file no longer hides the others: all loadable ones are listed (with the `name:`
    field and the notes on tools granted but absent), each bad one is reported, exit 2."""
    folder = tmp_path / "root" / "personas"
    folder.mkdir(parents=True)
    (folder / "odd.md").write_text("---\nname: odd\ntools: Read, Teleport\n---\nHi\n")
    (folder / "wrapped.md").write_text(
        "---\nname: wrapped\ndescription: Use it.\n<example>\nuser: hi\n</example>\n---\nHi\n")
    (folder / "mcp-user.md").write_text(
        "---\nname: Database Helper\ntools: Read, Bash, mcp__postgres__query, Task\n---\nHi\n")
    (folder / "plain.md").write_text("# Plain Persona\n\n## System Prompt\nBe plain.\n")
    env = {"EVALS_ROOT": str(tmp_path / "root")}

    result = cli("evals", "personas", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    for shown in ("mcp-user.md", "Database Helper", "plain.md", "Plain Persona", "mcp__postgres__query"):
        assert shown in result.stdout
    assert "mcp-user.md: mcp__postgres__query: granted MCP tools, absent under every agent" in result.stdout
    assert "odd.md: unknown tool name(s): Teleport" in result.stderr
    assert "wrapped.md: front matter is not valid YAML" in result.stderr
    assert "Claude Code would skip this file too" in result.stderr and "description: |" in result.stderr
    assert "odd.md" not in result.stdout and "wrapped.md" not in result.stdout

    result = cli("evals", "personas", "--json", env=env)
    assert result.returncode == 2
    listing = json.loads(result.stdout)
    rows = {r["file"]: r for r in listing["personas"]}
    assert set(rows) == {"mcp-user.md", "plain.md"}
    assert rows["mcp-user.md"]["title"] == "Database Helper"
    assert rows["mcp-user.md"]["tools"] == ["Read", "Bash"]
    assert rows["mcp-user.md"]["unavailable"] == ["mcp__postgres__query", "Task"]
    assert len(rows["mcp-user.md"]["notes"]) == 2
    assert {e["file"] for e in listing["errors"]} == {"odd.md", "wrapped.md"}
    assert all(e["problem"] for e in listing["errors"])


def test_inspect_eval_with_unknown_persona_has_no_traceback():
    result = cli("inspect", "eval", "tasks/db_optimize", "-T", "persona=nobody", "--model", "replay/noop",
                 "--log-dir", "/tmp/evals-unused-logs")  # fmt: skip
    assert result.returncode != 0
    assert "unknown persona 'nobody'" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_harness_errors_are_inspect_prerequisite_errors_when_inspect_is_loaded():
    """`inspect eval` prints a `PrerequisiteError` as a plain line; it imports Inspect before it
    loads a task file, so the harness's errors derive from it there. A command that never loads
    Inspect gets plain exceptions, which the `evals` command line prints the same way."""
    check = ("import sys; {first}from evals.errors import LocatedError; "
             "print(any(c.__name__ == 'PrerequisiteError' for c in LocatedError.__mro__))")
    for first, expected in (("import inspect_ai; ", "True"), ("", "False")):
        result = subprocess.run([str(BIN / "python"), "-c", check.format(first=first)], cwd=ROOT,
                                capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0 and result.stdout.strip() == expected, result.stderr


def test_unknown_scripted_model_is_explained():
    result = cli("inspect", "eval", "tasks/db_optimize", "--model", "replay/genius", "--log-dir", "/tmp/evals-unused-logs")
    assert result.returncode != 0
    assert "replay/oracle" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.docker
def test_doctor_reports_everything_present():
    result = cli("evals", "doctor")
    assert result.returncode == 0, result.stdout
    for check in ("docker engine", "docker compose", "personas", "fixtures", "base image", "fixture images"):
        assert check in result.stdout


def test_readme_family_table_is_made_from_the_fixtures():
    """The README's task-family table is `evals families --markdown`: a fixture added, removed or
    moved onto a codebase changes the command's output, and the README must follow."""
    from evals.families import family_rows
    from evals.fixtures import load_all

    result = cli("evals", "families", "--markdown")
    assert result.returncode == 0, result.stderr
    table = result.stdout.strip()
    for fixture in load_all():
        assert f"{fixture.id} ({fixture.difficulty})" in table, fixture.id
    assert f"{len(load_all())} fixtures" in table and len(family_rows()) == table.count("\n| `")
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index("<!-- families:start -->"), readme.index("<!-- families:end -->")
    assert readme[start:end].split("-->", 1)[1].strip() == table, "README family table is stale: paste `evals families --markdown`"


def test_coverage_maps_every_family_and_matches_the_readme():
    """Every task family measures some claim, and the README's claims map is the command's output."""
    result = cli("evals", "coverage", "--json")
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)
    assert set(claims) == {"backend", "backend-developer"}
    from evals.fixtures import family_names

    measured = {fam for rows in claims.values() for row in rows for fam in row["families"]}
    assert measured == set(family_names()), "a family measures no claim, or a claim names a missing family"
    # the stacks beyond Python are named where they are measured (codebase.yaml's `stack`)
    other = {row["claim"]: row for row in claims["backend"]}["other stacks (Node.js, Java, Go, C#)"]
    assert {"Go (net/http)", "TypeScript on Node.js (Express)"} <= set(other["stacks"]), other

    table = cli("evals", "coverage", "--markdown").stdout.strip()
    readme = (ROOT / "README.md").read_text()
    start, end = readme.index("<!-- claims-map:start -->"), readme.index("<!-- claims-map:end -->")
    assert readme[start:end].split("-->", 1)[1].strip() == table, "README claims map is stale: paste `evals coverage --markdown`"
