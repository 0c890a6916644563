"""Every bad input to every command gets one clear line: a bad-input matrix over the whole CLI.

The cases are generated from the command line itself: every `evals` command and every one of
its parameters, read from click's definitions, gets bad values chosen by the parameter's type
(`bad_values`): wrong type, zero / negative / out of range, empty, paths that do not exist or
are the wrong kind or hold a foreign file, unknown models, families, fixtures, personas,
variants and agents. A parameter whose type has no rule there fails `test_every_parameter_has_bad_values`,
so a new option is covered (or the test says what to add) the day it is added.

Each case runs in-process (click's CliRunner) from a valid base invocation of the command with
one value replaced, with no Docker engine reachable (DOCKER_HOST points at a socket that does
not exist) and with every function that would start work replaced by a tripwire. A case passes
when the command exits non-zero with exactly one line (besides click's usage header) naming
the option or the value (and every choice, where there is a fixed set), with no traceback, no
tripwire reached and nothing written: not to results/, not to the log or output folder given,
not to the working folder. `-T` values of `inspect eval tasks/<family>` are checked the same
way through `family_task` with Inspect's own parsing, and twice through `inspect eval` itself.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import click
import numpy as np
import pytest
from click.testing import CliRunner

import evals.demo
import evals.docker_engine
import evals.images
import evals.matrix
import evals.regress_run
import evals.task
import evals.validate
from evals import cli_types
from evals.cli import main
from evals.paths import PERSONAS_DIR, RESULTS_DIR, TASKS_DIR
from evals.synthetic import SyntheticVariant, write_synthetic_logs

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
NO_ENGINE = "unix:///nonexistent-evals-bad-input.sock"

# --------------------------------------------------------------------------- the commands


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every leaf command, by its words (`images build`)."""
    found: dict[str, click.Command] = {}
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.update(commands(command, (*prefix, name)))
        else:
            found[" ".join((*prefix, name))] = command
    return found


COMMANDS = commands()

#: A valid invocation of each command (parameter name -> its tokens; `<...>` are placeholders
#: filled in from `world`): a case replaces one parameter's tokens with a bad value.
BASE: dict[str, dict[str, list[str]]] = {
    "coverage": {},
    "demo": {"log_dir": ["--log-dir", "<out>/logs"]},
    "doctor": {},
    "families": {},
    "images build": {"families": ["db_optimize"]},
    "images push": {"registry": ["registry.example.com/evals"], "dry_run": ["--dry-run"]},
    "leaderboard": {"log_dirs": ["<logs>"], "out_dir": ["--out", "<out>/report"]},
    "matrix": {"models": ["--model", "replay/oracle"], "log_dir": ["--log-dir", "<out>/logs"]},
    "personas": {},
    "power": {},
    "regress": {"baseline": ["--baseline", "<logs>"], "candidate": ["--candidate", "<logs>"]},
    "validate": {"names": ["db_optimize/n_plus_one_orders"]},
}

#: Parameters whose bad values need a base without some other parameter (which would be refused first).
BASE_WITHOUT: dict[tuple[str, str], tuple[str, ...]] = {
    ("regress", "persona_file"): ("candidate",),  # --persona instead of --candidate
}

#: Progress lines a command prints before it can know its input is bad (the logs are read first).
PROGRESS = ("reading logs ...",)

#: Free-text options (no type can know the good values): their bad values, checked by the command.
FREE_TEXT: dict[tuple[str, str], list[str]] = {
    ("regress", "variant"): ["nosuch-variant", ""],
    ("validate", "changed_since"): ["no-such-revision", ""],
}

# --------------------------------------------------------------------------- bad values by type


@dataclass(frozen=True)
class Bad:
    """One bad value (`None`: leave a required parameter out) and what its line must say."""

    value: str | None
    says: tuple[str, ...] = ()
    """words the error line must contain besides the culprit (e.g. every valid choice)"""
    why: str = ""


def family_choices() -> tuple[str, ...]:
    from evals.fixtures import family_names

    return tuple(family_names(TASKS_DIR))


def persona_choices(*extra: str) -> tuple[str, ...]:
    from evals.personas import scan_personas

    return (*scan_personas(PERSONAS_DIR)[0], *extra)


def bad_values(param: click.Parameter) -> list[Bad] | None:
    """The bad values for a parameter, from its declared type (None: no rule for this type)."""
    t = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return [Bad("<flag>=yes", ("does not take a value",), "a value given to a flag")]
    if isinstance(t, click.IntRange):
        values = [Bad("abc", ("not a valid integer",), "wrong type"), Bad("1.5", ("not a valid integer",), "wrong type")]
        if t.min is not None:
            values += [Bad(str(t.min - 1), ("range",), "below the range"), Bad("-1", ("range",), "negative")]
        if t.max is not None:
            values.append(Bad(str(t.max + 1), ("range",), "above the range"))
        return values
    if isinstance(t, click.FloatRange):
        values = [Bad("abc", ("not a valid float",), "wrong type"), Bad("", ("not a valid float",), "empty")]
        if t.min is not None:
            values += [Bad(str(t.min - 0.5), ("range",), "below the range")]
            if t.min_open:
                values.append(Bad(str(t.min), ("range",), "the open lower bound"))
        if t.max is not None:
            values += [Bad(str(t.max + 0.5), ("range",), "above the range"), Bad("7", ("range",), "far above")]
            if t.max_open:
                values.append(Bad(str(t.max), ("range",), "the open upper bound"))
        return values
    if isinstance(t, click.Choice):
        return [Bad("nosuch", tuple(t.choices), "unknown choice"), Bad("", tuple(t.choices), "empty")]
    if isinstance(t, cli_types.ModelName):
        return [Bad("nosuch/model", ("unknown model provider", "anthropic", "replay"), "unknown provider"),
                Bad("replay/genius", ("replay/oracle", "replay/noop"), "unknown scripted model"),
                Bad("claude-sonnet-4-5", ("provider/model",), "no provider"),
                Bad("", ("provider/model",), "empty")]  # fmt: skip
    if isinstance(t, cli_types.FamilyName):
        return [Bad("nosuch", family_choices(), "unknown family"), Bad("", family_choices(), "empty")]
    if isinstance(t, cli_types.FixtureSelector):
        return [Bad("nosuch", family_choices(), "unknown family"),
                Bad("db_optimize/nosuch", ("n_plus_one_orders", "keyset_pagination"), "unknown fixture"),
                Bad("", family_choices(), "empty")]  # fmt: skip
    if isinstance(t, cli_types.FixtureList):
        return [Bad("nosuch_fixture", ("n_plus_one_orders", "order_outbox"), "unknown fixture"),
                Bad("a,,b", ("empty fixture id",), "an empty id"), Bad("", ("empty fixture id",), "empty")]  # fmt: skip
    if isinstance(t, cli_types.EpochList):
        return [Bad("abc", ("epoch counts",), "wrong type"), Bad("0", ("from 1 to",), "zero"),
                Bad("-1", ("from 1 to",), "negative"), Bad("1.5", ("whole numbers",), "not whole"),
                Bad("1,,3", ("epoch counts",), "an empty count"), Bad("", ("epoch counts",), "empty"),
                Bad(f"1,{t.MAX + 1}", ("from 1 to",), "above the range")]  # fmt: skip
    if isinstance(t, cli_types.AgentList):
        return [Bad("nosuch", ("react", "claude-code"), "unknown agent"),
                Bad("react,nosuch", ("react", "claude-code"), "one unknown agent"),
                Bad("", ("react", "claude-code"), "empty")]  # fmt: skip
    if isinstance(t, cli_types.PersonaName):
        choices = persona_choices(*t.extra)
        return [Bad("nosuch", choices, "unknown persona"), Bad("", choices, "empty"),
                Bad("<missing>.md", ("cannot be read",), "a persona file that does not exist"),
                Bad("<binary>.md", ("not UTF-8",), "a foreign persona file")]  # fmt: skip
    if isinstance(t, cli_types.VariantName):
        return [Bad("nosuch", ("backend", "backend-developer", "none+tools:minimal"), "unknown variant"),
                Bad("", ("backend", "none+tools:minimal"), "empty")]  # fmt: skip
    if isinstance(t, cli_types.Registry):
        return [Bad("", ("registry",), "empty"), Bad("https://reg.example.com", ("without a scheme",), "a scheme"),
                Bad("Reg.Example.com", ("lower-case",), "upper case")]  # fmt: skip
    if isinstance(t, cli_types.ViewerUrl):
        return [Bad("", ("viewer address",), "empty"), Bad("127.0.0.1:7575", ("viewer address",), "no scheme"),
                Bad("ftp://host/", ("viewer address",), "not http"), Bad("http://host:port/", ("viewer address",), "a port that is no number"),
                Bad("http://host/#/logs", ("without ?query or #fragment",), "a fragment")]  # fmt: skip
    if isinstance(t, cli_types.OutDir):
        return [Bad("", ("folder name",), "empty"), Bad("<file>", ("is a file",), "an existing file"),
                Bad("<file>/sub", ("is a file",), "under a file")]  # fmt: skip
    if isinstance(t, cli_types.TasksDir):
        return [Bad("<missing>", ("does not exist",), "does not exist"), Bad("", ("does not exist",), "empty"),
                Bad("<file>", ("is a file",), "a file"), Bad("<empty-dir>", ("no task families",), "no families")]  # fmt: skip
    if isinstance(t, cli_types.AppendFile):
        return [Bad("", ("file name",), "empty"), Bad("<dir>", ("is a directory",), "a folder"),
                Bad("<missing>/summary.md", ("does not exist",), "in a missing folder")]  # fmt: skip
    if isinstance(t, click.Path) and t.exists:
        values = [Bad("<missing>", ("does not exist",), "does not exist"), Bad("", ("does not exist",), "empty")]
        if not t.file_okay:
            values += [Bad("<file>", ("is a file",), "a file for a folder"),
                       Bad("<junk-logs>", ("no logs of this harness",), "a folder of foreign files"),
                       Bad("<empty-dir>", ("no Inspect logs",), "an empty folder")]  # fmt: skip
        if not t.dir_okay:
            values += [Bad("<dir>", ("is a directory",), "a folder for a file"),
                       Bad("<binary>", (), "a foreign binary file"), Bad("<latin1>", (), "not UTF-8 text"),
                       Bad("<empty-file>", (), "an empty file"), Bad("<list.yaml>", (), "YAML of the wrong shape")]  # fmt: skip
        return values
    return None


def free_text(command: str, param: click.Parameter) -> list[Bad] | None:
    values = FREE_TEXT.get((command, param.name or ""))
    return None if values is None else [Bad(v, (), "checked by the command") for v in values]


@dataclass(frozen=True)
class Case:
    command: str
    param: str | None
    bad: Bad
    extra: tuple[str, ...] = field(default=())
    """tokens added instead of a replaced parameter (generic cases)"""

    @property
    def id(self) -> str:
        value = "(left out)" if self.bad.value is None else repr(self.bad.value)
        return f"{self.command}:{self.param or '-'}={value}"


def generated_cases() -> list[Case]:
    cases: list[Case] = []
    for name, command in COMMANDS.items():
        cases.append(Case(name, None, Bad(None, ("No such option", "--no-such-option"), "unknown option"),
                          ("--no-such-option",)))  # fmt: skip
        if not any(isinstance(p, click.Argument) for p in command.params):
            cases.append(Case(name, None, Bad(None, ("unexpected extra argument", "surplus"), "extra argument"),
                              ("surplus",)))  # fmt: skip
        for param in command.params:
            if param.name == "help":
                continue
            for bad in bad_values(param) or free_text(name, param) or []:
                cases.append(Case(name, param.name, bad))
            if param.required:
                cases.append(Case(name, param.name, Bad(None, ("Missing",), "a required parameter left out")))
    return cases


#: bad input that no type can see: options that mean something only with another, pairs that
#: cannot go together, environment variables
EXTRA_CASES = [
    Case("validate", None, Bad(None, ("--persona", "--agent"), "--persona without --agent"), ("--persona", "backend")),
    Case("validate", None, Bad(None, ("--concurrency", "--agent"), "--concurrency with --agent"),
         ("--agent", "react", "--concurrency", "2")),
    Case("validate", None, Bad(None, ("--except-sample", "--agent"), "--except-sample with --agent"),
         ("--agent", "react", "--except-sample")),
    Case("validate", None, Bad(None, ("--persona", "nosuch", "choose one of"), "persona through the agent"),
         ("--agent", "react", "--persona", "nosuch")),
    Case("validate", None, Bad(None, ("--tasks-dir", "does not exist"), "a missing tasks folder"), ("--tasks-dir", "<missing>")),
    Case("matrix", None, Bad(None, ("--alpha", "--until-decided"), "--alpha without --until-decided"), ("--alpha", "0.1")),
    Case("matrix", None, Bad(None, ("--epochs", "--until-decided"), "--epochs with --until-decided"),
         ("--until-decided", "--epochs", "3")),
    Case("matrix", None, Bad(None, ("--baseline", "--candidate", "different"), "the same variant twice"),
         ("--until-decided", "--baseline", "backend", "--candidate", "backend")),
    Case("matrix", None, Bad(None, ("n_plus_one_orders", "api_design"), "a fixture outside the chosen family"),
         ("--families", "api_design", "--fixtures", "n_plus_one_orders")),
    Case("matrix", None, Bad(None, ("--tasks-dir", "is a file"), "a tasks folder that is a file"), ("--tasks-dir", "<file>")),
    Case("coverage", None, Bad(None, ("--json", "--markdown"), "two output formats"), ("--json", "--markdown")),
    Case("regress", None, Bad(None, ("--candidate", "--persona"), "both candidates"), ("--persona", str(PERSONAS_DIR / "backend.md"))),
    Case("regress", None, Bad(None, ("--candidate-log-dir", "--persona"), "a candidate log folder without --persona"),
         ("--candidate-log-dir", "<out>/cand")),
    Case("regress", None, Bad(None, ("claude-code", "react"), "an agent the logs do not have"), ("--agent", "claude-code")),
    Case("regress", "candidate", Bad(None, ("--candidate", "--persona"), "neither candidate")),
    Case("leaderboard", None, Bad(None, ("<binary>", "malformed price table"), "a foreign price table"), ("--prices", "<binary>")),
    Case("power", None, Bad(None, ("--json", "--markdown"), "two output formats"), ("--json", "--markdown")),
    Case("power", None, Bad(None, ("--prices", "--from"), "a price table without --from"), ("--prices", "<list.yaml>")),
    Case("power", None, Bad(None, ("<binary>", "malformed price table"), "a foreign price table"),
         ("--from", "<logs>", "--prices", "<binary>")),
    Case("power", None, Bad(None, ("epoch counts", "1,3,x"), "one bad count among good ones"), ("--epochs", "1,3,x")),
]

CASES = generated_cases() + EXTRA_CASES

# --------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Files the placeholders stand for: good logs, foreign files, a file, a folder."""
    root = tmp_path_factory.mktemp("bad-input")
    write_synthetic_logs(root / "logs", [SyntheticVariant("backend", "backend", "backend", np.full(6, 0.5))],
                         epochs=1, seed=1)  # fmt: skip
    (root / "junk-logs").mkdir()
    (root / "junk-logs" / "x.eval").write_bytes(b"PK\x03\x04 not a zip")
    (root / "junk-logs" / "y.eval").write_bytes(os.urandom(256))
    (root / "empty-dir").mkdir()
    (root / "dir").mkdir()
    (root / "file").write_text("a file\n")
    (root / "binary").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    (root / "binary.md").write_bytes(b"\xff\xfe\x00\x01" + os.urandom(64))
    (root / "latin1").write_bytes("prix: café\n".encode("latin-1"))
    (root / "empty-file").write_bytes(b"")
    (root / "list.yaml").write_text("- anthropic/x\n- 3\n")
    cwd = root / "cwd"
    cwd.mkdir()
    return {"root": str(root), "logs": str(root / "logs"), "junk-logs": str(root / "junk-logs"),
            "empty-dir": str(root / "empty-dir"), "dir": str(root / "dir"), "file": str(root / "file"),
            "binary": str(root / "binary"), "latin1": str(root / "latin1"), "empty-file": str(root / "empty-file"),
            "list.yaml": str(root / "list.yaml"), "missing": str(root / "missing"), "out": str(root / "out"),
            "cwd": str(cwd)}  # fmt: skip


def fill(token: str, world: dict[str, str], option: str = "") -> str:
    """`<name>...` placeholders -> paths of the world (`<flag>` -> the option itself)."""
    if token.startswith("<flag>"):
        return option + token.removeprefix("<flag>")
    for name in sorted(world, key=len, reverse=True):
        token = token.replace(f"<{name}>", world[name])
    return token


class GotTooFar(AssertionError):
    """A command with bad input reached a step that runs something."""


TRIPWIRES: tuple[str, ...] = (
    "evals.docker_engine.require_engine", "evals.images.ensure_images", "evals.task.ensure_images",
    "evals.images.push_images", "evals.demo.run_demo", "evals.matrix.run_matrix", "evals.matrix.run_until_decided",
    "evals.validate.run_validation", "evals.validate.run_agent_validation", "evals.regress_run.run_candidate",
)  # fmt: skip


ORIGINALS = {name: pkgutil.resolve_name(name) for name in TRIPWIRES}


def original(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Put back the real function a tripwire replaced (for tests that run further on purpose)."""
    monkeypatch.setattr(name, ORIGINALS[name])


def tripwire(name: str):  # type: ignore[no-untyped-def]
    def hit(*args: object, **kwargs: object) -> None:
        raise GotTooFar(f"{name} was called")

    return hit


@pytest.fixture
def isolated(world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No engine, tripwires in place, a working folder of our own."""
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.chdir(world["cwd"])
    for name in TRIPWIRES:
        monkeypatch.setattr(name, tripwire(name))
    return world


def snapshot(*folders: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for folder in folders if folder.exists() for p in [folder, *folder.rglob("*")]}


def argv(case: Case, world: dict[str, str]) -> list[str]:
    command = COMMANDS[case.command]
    params = {p.name: p for p in command.params}
    dropped = {case.param, *BASE_WITHOUT.get((case.command, case.param or ""), ())}
    base = {k: v for k, v in BASE[case.command].items() if k not in dropped}
    options = [t for name, tokens in base.items() if isinstance(params[name], click.Option) for t in tokens]
    arguments = [t for name, tokens in base.items() if isinstance(params[name], click.Argument) for t in tokens]
    if case.param and case.bad.value is not None:
        param = params[case.param]
        if isinstance(param, click.Argument):
            arguments.append(case.bad.value)
        elif case.bad.value.startswith("<flag>"):
            options.append(fill(case.bad.value, world, param.opts[0]))
        else:
            options += [param.opts[0], case.bad.value]
    tokens = [*case.command.split(), *options, *case.extra, *arguments]
    return [fill(t, world) for t in tokens]


def error_lines(output: str) -> list[str]:
    """The lines a user reads as the error: click's usage header and blank lines left out."""
    return [line for line in output.splitlines()
            if line.strip() and not line.startswith(("Usage: ", "Try '")) and line not in PROGRESS]  # fmt: skip


def culprits(case: Case, world: dict[str, str]) -> list[str]:
    """Ways the line may name the culprit: the option's name or metavar, or the bad value."""
    names: list[str] = []
    if case.param:
        param = {p.name: p for p in COMMANDS[case.command].params}[case.param]
        names += [*param.opts, (param.name or "").upper(), str(param.metavar or "")]
        if case.bad.value and len(case.bad.value) > 2 and not case.bad.value.startswith("<flag>"):
            names.append(fill(case.bad.value, world))
    return [n for n in names if n]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_clear_line(case: Case, isolated: dict[str, str]) -> None:
    world = isolated
    before = snapshot(RESULTS_DIR, Path(world["cwd"]), ROOT / "logs")
    result = CliRunner().invoke(main, argv(case, world), prog_name="evals")
    got = result.output
    assert not isinstance(result.exception, GotTooFar), f"bad input reached {result.exception}\n{got}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unhandled {type(result.exception).__name__}: {result.exception}\n{got}")
    assert result.exit_code == 2, (result.exit_code, got)
    lines = error_lines(got)
    assert len(lines) == 1, f"expected one line, got:\n{got}"
    line = lines[0]
    assert "Traceback" not in got
    says = [fill(word, world) for word in case.bad.says]
    assert all(word in line for word in says), f"{line!r} should say {says}"
    names = culprits(case, world)
    assert not names or any(n in line for n in names), f"{line!r} names none of {names}"
    assert snapshot(RESULTS_DIR, Path(world["cwd"]), ROOT / "logs") == before, "something was written"
    assert not Path(world["out"]).exists(), "the output folder was made"


def test_every_parameter_has_bad_values() -> None:
    """A parameter whose type has no rule in `bad_values` (and is not listed as free text) is
    not covered: give it a type with a rule (a click range, a Choice, a cli_types type)."""
    uncovered = [f"evals {name} {param.name} ({type(param.type).__name__})"
                 for name, command in COMMANDS.items() for param in command.params
                 if param.name != "help" and bad_values(param) is None and free_text(name, param) is None]  # fmt: skip
    assert not uncovered, f"no bad values for: {', '.join(uncovered)}"
    assert set(BASE) == set(COMMANDS), "every command needs a valid base invocation in BASE"


# --------------------------------------------------------------------------- no engine

#: commands that need Docker, each with valid input: with no engine each says so in one line
NEEDS_ENGINE = [
    ["images", "build", "db_optimize"],
    ["images", "push", "registry.example.com/evals"],
    ["validate", "db_optimize/n_plus_one_orders"],
    ["validate", "--agent", "react", "db_optimize/n_plus_one_orders"],
    ["demo", "--log-dir", "<out>/logs"],
    ["matrix", "--model", "replay/oracle", "--log-dir", "<out>/logs"],
    ["matrix", "--model", "replay/oracle", "--until-decided", "--log-dir", "<out>/logs"],
    ["regress", "--baseline", "<logs>", "--persona", str(PERSONAS_DIR / "backend.md"), "--candidate-log-dir", "<out>/c"],
]


@pytest.mark.parametrize("args", NEEDS_ENGINE, ids=[" ".join(a[:3]) for a in NEEDS_ENGINE])
def test_a_command_that_needs_docker_says_so_when_no_engine_answers(args, isolated, monkeypatch) -> None:
    original(monkeypatch, "evals.docker_engine.require_engine")
    original(monkeypatch, "evals.images.push_images")  # it asks the engine's API itself
    result = CliRunner().invoke(main, [fill(a, isolated) for a in args], prog_name="evals")
    assert not isinstance(result.exception, GotTooFar), result.output
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "Docker engine" in line and "needs" in line and NO_ENGINE in line, line
    assert "make docker" in line and "evals doctor" in line, line
    assert not Path(isolated["out"]).exists()


def test_the_model_check_is_inspects_own_registry_without_a_key(monkeypatch) -> None:
    """Only the provider is checked, against the providers Inspect's `get_model` would find: a
    real model needs no API key to pass, the project's scripted ones pass, and what the check
    refuses Inspect refuses too."""
    from inspect_ai.model import get_model

    from evals.cheats import CHEATS

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    for good in ("anthropic/claude-sonnet-4-5", "openai/gpt-4o", "replay/oracle", "replay/noop",
                 f"replay/cheat-{next(iter(CHEATS))}", "mockllm/model"):
        assert cli_types.model_problem(good) is None, good
    assert {"anthropic", "openai", "replay", "mockllm"} <= set(cli_types.known_providers())
    assert cli_types.model_problem("nosuch/model") is not None
    with pytest.raises(ValueError, match="not recognized"):
        get_model("nosuch/model")
    get_model("mockllm/model")  # a provider the check accepts, created by Inspect offline


def test_a_bad_evals_model_is_named_before_docker(isolated, monkeypatch) -> None:
    """`evals demo` takes its model from EVALS_MODEL when an API key is set: the same check."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-not-used")
    monkeypatch.setenv("EVALS_MODEL", "nosuch/model")
    result = CliRunner().invoke(main, ["demo", "--log-dir", f"{isolated['out']}/logs"], prog_name="evals")
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert line.startswith("error: EVALS_MODEL: unknown model provider 'nosuch'") and "anthropic" in line, line


def test_a_missing_api_key_is_one_line(isolated, monkeypatch) -> None:
    """`anthropic/...` passes the model check without a key; Inspect refuses it when the run
    starts (before any sample), and that is one line too."""
    from inspect_ai.model import get_model

    monkeypatch.setattr("evals.docker_engine.require_engine", lambda: None)
    monkeypatch.setattr("evals.matrix.run_matrix", lambda models, *a, **k: get_model(models[0], memoize=False))
    result = CliRunner().invoke(main, ["matrix", "--model", "anthropic/claude-sonnet-4-5", "--log-dir",
                                       f"{isolated['out']}/logs"], prog_name="evals")  # fmt: skip
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert line.startswith("error: ") and "ANTHROPIC_API_KEY" in line and "[bold]" not in line, line


def test_doctor_says_how_to_start_a_missing_engine(isolated, monkeypatch) -> None:
    original(monkeypatch, "evals.docker_engine.require_engine")
    result = CliRunner().invoke(main, ["doctor"], prog_name="evals")
    assert result.exit_code == 1, result.output
    assert "no daemon answers" in result.output and "make docker" in result.output, result.output


def test_inspect_eval_without_an_engine_is_one_line(isolated, tmp_path) -> None:
    """`inspect eval` builds missing images when it loads a task: with no engine it stops there
    with one line instead of starting a build of the base image."""
    logs = tmp_path / "logs"
    result = subprocess.run([str(BIN / "inspect"), "eval", "tasks/db_optimize", "--model", "replay/noop",
                             "--log-dir", str(logs)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "DOCKER_HOST": NO_ENGINE})  # fmt: skip
    output = " ".join((result.stdout + result.stderr).split())  # Inspect wraps its message to the terminal
    assert result.returncode != 0 and "Traceback" not in output, output[-3000:]
    assert "needs the Docker engine" in output and "make docker" in output, output[-3000:]
    assert not logs.exists() or not any(logs.iterdir())


# --------------------------------------------------------------------------- -T values

#: bad `-T` values of `inspect eval tasks/<family>`, as typed, and what the line must say
BAD_TASK_PARAMETERS = [
    ("persona=nobody", ("unknown persona 'nobody'", "backend-developer", "none")),
    ("persona=", ("-T persona=", "give one name")),
    ("persona=backend,none", ("-T persona=backend,none", "give one name")),
    ("persona=/nonexistent/p.md", ("/nonexistent/p.md", "cannot be read")),
    ("tools=everything", ("unknown tool set 'everything'", "minimal", "all")),
    ("tools=a,b", ("-T tools=a,b", "give one name")),
    ("agent=nobody", ("unknown agent 'nobody'", "react", "claude-code")),
    ("agent=", ("-T agent=", "react", "claude-code")),
    ("sandbox=nowhere", ("unknown sandbox 'nowhere'", "docker-sdk", "k8s")),
    ("sandbox=", ("-T sandbox=", "docker-sdk", "k8s")),
    ("fixtures=nope", ("unknown fixture(s) nope", "n_plus_one_orders")),
    ("fixtures=a,,b", ("unknown fixture(s)", "n_plus_one_orders")),
    ("message_limit=abc", ("-T message_limit=abc", "above 0")),
    ("message_limit=0", ("-T message_limit=0", "above 0")),
    ("message_limit=-5", ("-T message_limit=-5", "above 0")),
    ("token_limit=1.5", ("-T token_limit=1.5", "above 0")),
    ("token_limit=", ("-T token_limit=", "above 0")),
    ("time_limit=abc", ("-T time_limit=abc", "above 0")),
    ("time_limit=true", ("-T time_limit=True", "above 0")),
    ("time_limit=60", ("-T time_limit=60 is too small", "time_limit=")),
    ("nosuch=1", ("unknown task parameter(s) -T nosuch", "persona")),
]


@pytest.mark.parametrize("arg,says", BAD_TASK_PARAMETERS, ids=[a for a, _ in BAD_TASK_PARAMETERS])
def test_bad_task_parameter_is_one_clear_error(arg, says, monkeypatch) -> None:
    """As `inspect eval tasks/db_optimize -T ARG` would pass it (Inspect's own parsing): an
    error Inspect prints as one line (a PrerequisiteError), raised before any image or container."""
    from inspect_ai._util.config import parse_cli_args
    from inspect_ai._util.error import PrerequisiteError

    from evals.task import family_task

    monkeypatch.setattr("evals.task.ensure_images", tripwire("ensure_images"))
    with pytest.raises(PrerequisiteError) as raised:
        family_task(TASKS_DIR / "db_optimize", **parse_cli_args([arg]))
    message = str(raised.value)
    assert "\n" not in message and all(word in message for word in says), message


def test_inspect_eval_prints_a_bad_task_parameter_as_one_line(tmp_path) -> None:
    """The chain above, end to end once (`tests/test_cli.py` does it for an unknown persona)."""
    logs, says = tmp_path / "logs", "-T message_limit=abc: give a whole number above 0"
    result = subprocess.run([str(BIN / "inspect"), "eval", "tasks/db_optimize", "-T", "message_limit=abc", "--model", "replay/noop",
                             "--log-dir", str(logs)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "DOCKER_HOST": NO_ENGINE})  # fmt: skip
    output = " ".join((result.stdout + result.stderr).split())  # Inspect wraps its message to the terminal
    assert result.returncode != 0 and says in output and "Traceback" not in output, output[-3000:]
    assert not logs.exists() or not any(logs.iterdir())


# --------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_during_leaderboard_leaves_the_old_report(isolated, monkeypatch) -> None:
    out = Path(isolated["root"]) / "report-interrupted"
    whole = CliRunner().invoke(main, ["leaderboard", isolated["logs"], "--out", str(out)], prog_name="evals")
    assert whole.exit_code == 0, whole.output
    assert {"leaderboard.md", "leaderboard.html", "resolved_rate.png"} <= {p.name for p in out.iterdir()}
    assert not list(out.glob(".staging-*")), "the staging folder was left behind"
    for made in out.iterdir():
        made.unlink()
    (out / "leaderboard.md").write_text("old report\n")

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("evals.report_html.to_html", interrupted)  # after the charts and the .md are made
    result = CliRunner().invoke(main, ["leaderboard", isolated["logs"], "--out", str(out)], prog_name="evals")
    assert result.exit_code == 130, result.output
    assert f"interrupted: nothing was written to {out}; run the same command again" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["leaderboard.md"]
    assert (out / "leaderboard.md").read_text() == "old report\n"


def _engine_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evals.docker_engine.require_engine", lambda: None)


@pytest.mark.parametrize("how", ["cancelled logs", "no logs", "KeyboardInterrupt"])
def test_ctrl_c_during_demo_writes_no_report_and_says_how_to_go_on(how, isolated, monkeypatch, tmp_path) -> None:
    _engine_ok(monkeypatch)
    results = tmp_path / "results"
    monkeypatch.setattr("evals.demo.RESULTS_DIR", results)
    original(monkeypatch, "evals.demo.run_demo")
    monkeypatch.setattr("evals.demo.demo_tasks", lambda *a, **k: [object()])

    def inspect_eval(*args: object, **kwargs: object) -> list[object]:
        if how == "KeyboardInterrupt":
            raise KeyboardInterrupt
        if how == "no logs":  # what Inspect's eval returns after Ctrl-C with several tasks running
            return []
        return [SimpleNamespace(status="success"), SimpleNamespace(status="cancelled")]

    monkeypatch.setattr("evals.demo.inspect_eval", inspect_eval)
    result = CliRunner().invoke(main, ["demo", "--log-dir", str(tmp_path / "logs")], prog_name="evals")
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith(("interrupted", "error"))]
    assert line.startswith(f"interrupted: nothing was written to {results}") and "run `evals demo` again" in line
    assert not results.exists() or not any(results.iterdir())


def test_ctrl_c_during_validate_names_what_is_left(isolated, monkeypatch) -> None:
    """A real SIGINT while the gradings run: asyncio cancels them, nothing is printed as a
    report, and the line gives the command that validates exactly the fixtures left."""
    import asyncio
    import signal

    _engine_ok(monkeypatch)
    monkeypatch.setattr("evals.images.ensure_images", lambda *a, **k: {})
    original(monkeypatch, "evals.validate.run_validation")

    async def grading(fixtures, epochs, concurrency, progress, finished, visible):  # type: ignore[no-untyped-def]
        finished.append(fixtures[0])
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(30)

    monkeypatch.setattr("evals.validate.validate_fixtures", grading)
    result = CliRunner().invoke(main, ["validate", "--epochs", "2", "db_optimize", "caching"], prog_name="evals")
    assert result.exit_code == 130, result.output
    (line,) = error_lines(result.output)
    from evals.fixtures import load_family

    ids = [f.id for f in load_family(TASKS_DIR / "db_optimize")]
    left = len(ids) - 1 + len(load_family(TASKS_DIR / "caching"))
    rest = " ".join(f"db_optimize/{i}" for i in ids[1:])  # a family with nothing done is named whole
    assert line == (f"interrupted: 1 fixture(s) validated before the interrupt, {left} left; no report "
                    f"was printed; to validate the rest: evals validate --epochs 2 {rest} caching"), line


def test_ctrl_c_during_matrix_says_run_again_to_resume(isolated, monkeypatch, tmp_path) -> None:
    _engine_ok(monkeypatch)
    original(monkeypatch, "evals.matrix.run_matrix")
    monkeypatch.setattr("evals.matrix.matrix_tasks", lambda *a, **k: [])
    monkeypatch.setattr("evals.matrix._reap", lambda why: None)

    def eval_set(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # what Inspect's eval_set raises once it has saved the cancelled logs

    monkeypatch.setattr("evals.matrix.eval_set", eval_set)
    logs = tmp_path / "logs"
    result = CliRunner().invoke(main, ["matrix", "--model", "replay/oracle", "--log-dir", str(logs)], prog_name="evals")
    assert result.exit_code == 130, result.output
    (line,) = error_lines(result.output)
    assert line == f"interrupted: finished work is kept in {logs}: run the same command again to resume"


def test_ctrl_c_during_regress_is_no_verdict(isolated, monkeypatch) -> None:
    """Exit 1 is the gate's "significantly worse": an interrupted gate must not look like one."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("evals.logdata.load_samples", interrupted)
    result = CliRunner().invoke(main, ["regress", "--baseline", isolated["logs"], "--candidate", isolated["logs"]])
    assert result.exit_code == 130 and "interrupted: no verdict" in result.output, result.output
