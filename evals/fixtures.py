"""Fixture folders: a backend repository with a problem, its hidden tests and reference fix.

A fixture is data only (see README, "Fixture format"); this module reads and checks a folder
and turns it into a `Fixture`. Nothing here touches Docker.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codebases import Codebase, CodebaseError, codebases_dir, load_codebase, starting_repo
from .errors import LocatedError
from .paths import IMAGES_DIR, SERVICES_DIR, TASKS_DIR
from .yamlfile import read_mapping

DEFAULT_SOURCE = ("**/*.py",)
DEFAULT_TEST_TIMEOUT = 300
DEFAULT_PER_TEST_TIMEOUT = 60
DEFAULT_COLLECT_TIMEOUT = 120
"""seconds the hidden tests may take to be collected (importing the agent's code)"""
WORKDIR = "/repo"

_KNOWN_KEYS = {
    "id",
    "family",
    "difficulty",
    "image",
    "services",
    "tests",
    "source",
    "timeouts",
    "resources",
    "description",
    "codebase",
    "measures",
}


class FixtureError(LocatedError):
    """A fixture folder that cannot be used, with the folder and the problem in the message."""


@dataclass(frozen=True)
class Fixture:
    """One fixture, as read from its folder."""

    id: str
    family: str
    path: Path
    issue: str
    image: str
    services: tuple[str, ...]
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    source: tuple[str, ...] = DEFAULT_SOURCE
    difficulty: str = "medium"
    test_timeout: int = DEFAULT_TEST_TIMEOUT
    per_test_timeout: int = DEFAULT_PER_TEST_TIMEOUT
    collect_timeout: int = DEFAULT_COLLECT_TIMEOUT
    resources: dict[str, Any] = field(default_factory=dict)
    codebase: str | None = None
    """the shared codebase this fixture breaks (None: the fixture has its own repo/)"""
    starting_repo: Path | None = None
    """for a codebase fixture: the codebase with `break.patch` applied (see evals.codebases)"""
    measures: tuple[str, ...] = ()
    """claimed expertise this fixture measures besides its family's (evals.claims area names)"""
    visible_tests: str | None = None
    """the codebase's command for its own test suite (must pass on the starting repository)"""
    kits: tuple[Path, ...] = ()
    """kit folders the hidden tests import besides kit/ (a codebase's kit)"""
    image_warm: str | None = None
    """the codebase's command that warms caches when the fixture's image is built"""

    @property
    def repo_dir(self) -> Path:
        """The starting repository: `repo/`, or the codebase with the break applied."""
        return self.starting_repo or self.path / "repo"

    @property
    def tests_dir(self) -> Path:
        return self.path / "tests"

    @property
    def solution_dir(self) -> Path:
        return self.path / "solution"

    def solution_patch(self, name: str = "reference") -> Path:
        return self.solution_dir / f"{name}.patch"

    @property
    def issue_sha256(self) -> str:
        return issue_digest(self.issue)


def issue_digest(text: str) -> str:
    """Identify a fixture by its issue text (how scripted models find their fixture)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _str_list(value: Any, path: Path, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FixtureError(path, f"'{key}' must be a list of strings")
    return tuple(value)


def _defined_tests(test_file: Path) -> dict[str, set[str] | None]:
    """Top-level names of a hidden test file: a class maps to its method names (None when it
    has base classes, whose tests cannot be resolved statically), anything else to an empty set."""
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"), str(test_file))
    except (SyntaxError, UnicodeDecodeError, ValueError) as ex:
        raise FixtureError(test_file, f"hidden test file does not parse: {ex}") from None
    names: dict[str, set[str] | None] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            methods = {
                item.name for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            } | {t.id for item in node.body if isinstance(item, ast.Assign)
                 for t in item.targets if isinstance(t, ast.Name)}  # fmt: skip
            names[node.name] = None if node.bases else methods
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update({t.id: set() for t in targets if isinstance(t, ast.Name)})
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update({(a.asname or a.name).split(".")[0]: set() for a in node.names})
    return names


def _missing_test(test_id: str, defined: dict[str, set[str] | None]) -> str | None:
    """Why `test_id` names no test defined in its file (None when it does)."""
    parts = [part.split("[", 1)[0] for part in test_id.split("::")[1:]]
    if not parts or not all(parts):
        return "malformed (expected file.py::name or file.py::Class::name)"
    top = parts[0]
    if top not in defined:
        known = ", ".join(sorted(n for n in defined if n.startswith(("test", "Test")))) or "none"
        return f"no test or class '{top}' in tests/{test_id.split('::', 1)[0]} (defined there: {known})"
    if len(parts) > 1:
        methods = defined[top]
        if methods is not None and parts[1] not in methods:
            return f"class '{top}' has no method '{parts[1]}' (it has: {', '.join(sorted(methods)) or 'none'})"
    return None


def load_fixture(path: Path | str, family: str | None = None) -> Fixture:
    """Read and check one fixture folder."""
    path = Path(path).resolve()
    meta_path = path / "fixture.yaml"
    if not meta_path.is_file():
        raise FixtureError(path, "missing fixture.yaml")
    meta = read_mapping(meta_path, FixtureError)
    unknown = sorted(set(meta) - _KNOWN_KEYS)
    if unknown:
        raise FixtureError(meta_path, f"unknown key(s): {', '.join(unknown)}")

    codebase = _codebase(meta, meta_path, path)
    parts = (("issue.md", "file"), ("break.patch", "file") if codebase else ("repo", "dir"), ("tests", "dir"))
    for part, kind in parts:
        target = path / part
        ok = target.is_file() if kind == "file" else target.is_dir()
        if not ok:
            raise FixtureError(path, f"missing {part} ({'the ' + kind})")
    issue = (path / "issue.md").read_text(encoding="utf-8").strip()
    if not issue:
        raise FixtureError(path / "issue.md", "is empty")

    image = meta.get("image", codebase.image if codebase else "python-web")
    if not (IMAGES_DIR / str(image) / "Dockerfile").is_file():
        raise FixtureError(meta_path, f"image '{image}' has no sandboxes/images/{image}/Dockerfile")
    services = _str_list(meta.get("services"), meta_path, "services") if "services" in meta or not codebase \
        else codebase.services
    for service in services:
        if not (SERVICES_DIR / f"{service}.yaml").is_file():
            raise FixtureError(meta_path, f"service '{service}' has no sandboxes/services/{service}.yaml")

    tests = meta.get("tests") or {}
    if not isinstance(tests, dict):
        raise FixtureError(meta_path, "'tests' must be a mapping with fail_to_pass / pass_to_pass")
    f2p = _str_list(tests.get("fail_to_pass"), meta_path, "tests.fail_to_pass")
    p2p = _str_list(tests.get("pass_to_pass"), meta_path, "tests.pass_to_pass")
    if not f2p:
        raise FixtureError(meta_path, "tests.fail_to_pass is empty: nothing would show a fix")
    defined: dict[str, dict[str, set[str] | None]] = {}
    for test_id in f2p + p2p:
        file_part = test_id.split("::", 1)[0]
        if "::" not in test_id or not (path / "tests" / file_part).is_file():
            raise FixtureError(
                meta_path, f"hidden test id '{test_id}' does not name a file in tests/ (file.py::name)"
            )
        if file_part not in defined:
            defined[file_part] = _defined_tests(path / "tests" / file_part)
        problem = _missing_test(test_id, defined[file_part])
        if problem:
            raise FixtureError(meta_path, f"hidden test id '{test_id}': {problem}")

    timeouts = meta.get("timeouts") or {}
    resources = meta.get("resources") or {}
    if not isinstance(timeouts, dict) or not isinstance(resources, dict):
        raise FixtureError(meta_path, "'timeouts' and 'resources' must be mappings")
    family = str(meta.get("family") or family or path.parent.parent.name)
    fixture_id = str(meta.get("id") or path.name)
    starting = None
    if codebase:
        if (path / "repo").exists():
            raise FixtureError(path, f"has both repo/ and codebase: {codebase.name} (a codebase fixture "
                               "carries only its break.patch)")  # fmt: skip
        try:
            starting = starting_repo(codebase, path / "break.patch", f"{family}.{fixture_id}.{_path_key(path)}")
        except CodebaseError as ex:
            raise FixtureError(path / "break.patch", ex.problem) from None
    default_source = codebase.source if codebase else DEFAULT_SOURCE
    measures = _str_list(meta.get("measures"), meta_path, "measures")
    from .claims import unknown_areas_problem  # local: claims is about personas, loaded only here

    if problem := unknown_areas_problem(measures):
        raise FixtureError(meta_path, problem)
    return Fixture(
        id=fixture_id,
        family=family,
        path=path,
        issue=issue,
        image=str(image),
        services=services,
        fail_to_pass=f2p,
        pass_to_pass=p2p,
        source=_str_list(meta.get("source"), meta_path, "source") or default_source,
        difficulty=str(meta.get("difficulty", "medium")),
        test_timeout=int(timeouts.get("tests", DEFAULT_TEST_TIMEOUT)),
        per_test_timeout=int(timeouts.get("per_test", DEFAULT_PER_TEST_TIMEOUT)),
        collect_timeout=int(timeouts.get("collect", DEFAULT_COLLECT_TIMEOUT)),
        resources=dict(resources),
        codebase=codebase.name if codebase else None,
        measures=tuple(dict.fromkeys([*(codebase.measures if codebase else ()), *measures])),
        visible_tests=codebase.visible_tests if codebase else None,
        starting_repo=starting,
        kits=(codebase.kit_dir,) if codebase and codebase.kit_dir.is_dir() else (),
        image_warm=codebase.warm if codebase else None,
    )


def _path_key(path: Path) -> str:
    """Tells apart two copies of one fixture (their starting repositories live side by side)."""
    return hashlib.sha256(str(path).encode()).hexdigest()[:6]


def _codebase(meta: dict[str, Any], meta_path: Path, path: Path) -> Codebase | None:
    """The codebase a fixture names (`codebase:`), looked up beside its tasks folder."""
    name = meta.get("codebase")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise FixtureError(meta_path, "'codebase' must be the name of a folder under codebases/")
    try:
        return load_codebase(codebases_dir(path.parent.parent.parent), name.strip())
    except CodebaseError as ex:
        raise FixtureError(meta_path, str(ex)) from None


def load_family(family_dir: Path | str) -> list[Fixture]:
    """Every fixture under `<family>/fixtures/`, sorted by id."""
    family_dir = Path(family_dir)
    fixtures_dir = family_dir / "fixtures"
    if not fixtures_dir.is_dir():
        raise FixtureError(family_dir, "has no fixtures/ folder")
    fixtures = [
        load_fixture(child, family=family_dir.name)
        for child in sorted(fixtures_dir.iterdir())
        if child.is_dir() and not child.name.startswith((".", "_"))
    ]
    ids = [f.id for f in fixtures]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise FixtureError(fixtures_dir, f"duplicate fixture id(s): {', '.join(duplicates)}")
    return sorted(fixtures, key=lambda f: f.id)


def family_names(tasks_dir: Path = TASKS_DIR) -> list[str]:
    """Task families: folders under tasks/ that have fixtures."""
    return sorted(
        child.name for child in tasks_dir.iterdir() if (child / "fixtures").is_dir()
    ) if tasks_dir.is_dir() else []


def load_all(families: list[str] | None = None, tasks_dir: Path = TASKS_DIR) -> list[Fixture]:
    """Fixtures of the named families (default: all)."""
    known = family_names(tasks_dir)
    chosen = families or known
    missing = [f for f in chosen if f not in known]
    if missing:
        raise FixtureError(tasks_dir, f"unknown task family: {', '.join(missing)} (known: {', '.join(known)})")
    return [fixture for family in chosen for fixture in load_family(tasks_dir / family)]
