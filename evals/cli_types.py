"""Click parameter types of the `evals` command line: each kind of value is checked once, where
the option is declared, so every command that takes it refuses a bad value with the same line
(`Invalid value for '--model': ...`) before anything runs or touches Docker.

The bad-input matrix (`tests/test_bad_input.py`) walks the commands and picks bad values by
these types: an option whose type it does not know fails that test until it is taught one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .errors import HarnessError


def _tasks_dir(ctx: click.Context | None) -> Path:
    """The command's `--tasks-dir` (declared eager, so it is converted first), else tasks/."""
    from .paths import TASKS_DIR

    chosen = ctx.params.get("tasks_dir") if ctx is not None else None
    return Path(chosen) if chosen else TASKS_DIR


# ---------------------------------------------------------------------------- models


def known_providers() -> list[str]:
    """Model providers Inspect can resolve here: its own and the plugins' (`replay/` is ours).

    Read from Inspect's registry, as `get_model` does, but without creating a model: that needs
    no network and no API key (`anthropic/...` is accepted before a key is looked for)."""
    import inspect_ai.model  # noqa: F401  (registers Inspect's own providers)
    from inspect_ai._util.entrypoints import ensure_entry_points
    from inspect_ai._util.registry import registry_find, registry_info

    ensure_entry_points()  # installed plugins, among them this project's replay/ models
    found = registry_find(lambda info: info.type == "modelapi")
    return sorted({registry_info(api).name.split("/")[-1] for api in found})


def model_problem(value: str) -> str | None:
    """Why `value` cannot be a model name (None when it can): the provider must be known and a
    scripted `replay/` model must be one of ours. The model part is not checked: the provider
    decides that when it runs."""
    from .replay import POLICIES

    provider, _, name = value.strip().partition("/")
    scripted = ", ".join(f"replay/{p}" for p in POLICIES)
    if not provider or not name:
        return (f"'{value}' is not a model name: give provider/model, e.g. "
                f"anthropic/claude-sonnet-4-5 or a scripted model ({scripted})")  # fmt: skip
    known = known_providers()
    if provider not in known:
        return f"unknown model provider '{provider}' in '{value}': known providers are {', '.join(known)}"
    if provider == "replay" and name not in POLICIES and not _is_cheat(name):
        return f"unknown scripted model '{value}': choose one of {scripted}"
    return None


def _is_cheat(name: str) -> bool:
    from .cheats import CHEATS

    return name.startswith("cheat-") and name.removeprefix("cheat-") in CHEATS


class ModelName(click.ParamType):
    """`provider/model` with a provider Inspect knows: the one model check of every `--model`."""

    name = "provider/model"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        problem = model_problem(str(value))
        if problem:
            self.fail(problem, param, ctx)
        return str(value).strip()


# ---------------------------------------------------------------------------- tasks


class FamilyName(click.ParamType):
    """A task family under the command's tasks folder."""

    name = "family"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .fixtures import family_names

        tasks_dir = _tasks_dir(ctx)
        known = family_names(tasks_dir)
        if value not in known:
            self.fail(f"unknown task family '{value}': choose from {', '.join(known) or f'(none in {tasks_dir})'}",
                      param, ctx)  # fmt: skip
        return str(value)


class FixtureSelector(click.ParamType):
    """`FAMILY` or `FAMILY/FIXTURE` (what `evals validate` takes)."""

    name = "family[/fixture]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .fixtures import load_family

        family, slash, fixture = str(value).partition("/")
        FamilyName().convert(family, param, ctx)
        if slash:
            try:
                ids = [f.id for f in load_family(_tasks_dir(ctx) / family)]
            except HarnessError as ex:
                self.fail(str(ex), param, ctx)
            if fixture not in ids:
                self.fail(f"unknown fixture '{value}': {family} has {', '.join(ids)}", param, ctx)
        return str(value)


class FixtureList(click.ParamType):
    """Comma-separated fixture ids; which families have them is checked by the command."""

    name = "id[,id…]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        ids = [part.strip() for part in str(value).split(",")]
        if not all(ids):
            self.fail(f"'{value}' has an empty fixture id: give comma-separated ids, e.g. "
                      "n_plus_one_orders,missing_index_lookup", param, ctx)  # fmt: skip
        return ",".join(ids)


class EpochList(click.ParamType):
    """Comma-separated epoch counts (`1,3,5`), each a whole number from 1 to `MAX`."""

    name = "K[,K…]"
    MAX = 100

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        if not all(p.isdigit() and 1 <= int(p) <= self.MAX for p in parts):
            self.fail(f"'{value}' is not a list of epoch counts: give whole numbers from 1 to {self.MAX}, "
                      "comma-separated, e.g. 1,3,5", param, ctx)  # fmt: skip
        return tuple(dict.fromkeys(int(p) for p in parts))


# ---------------------------------------------------------------------------- variants


class AgentList(click.ParamType):
    """Comma-separated agents (`react,claude-code`)."""

    name = "agent[,agent]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        from .agents import AGENTS

        chosen = tuple(a.strip() for a in str(value).split(","))
        unknown = [a or "''" for a in chosen if a not in AGENTS]
        if unknown:
            self.fail(f"unknown agent(s) {', '.join(unknown)}: choose from {', '.join(AGENTS)}", param, ctx)
        return tuple(dict.fromkeys(chosen))


class PersonaName(click.ParamType):
    """A persona in personas/ (or a path to a persona file), or one of `extra` (`none`;
    `minimal`/`all` for a tool set)."""

    name = "persona"

    def __init__(self, *extra: str) -> None:
        self.extra = extra

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .paths import PERSONAS_DIR
        from .personas import load_persona, scan_personas

        value = str(value)
        if value in self.extra:
            return value
        try:
            if value.endswith(".md") or "/" in value:
                load_persona(Path(value))
                return value
            loaded, broken = scan_personas(PERSONAS_DIR)
        except HarnessError as ex:
            self.fail(str(ex), param, ctx)
        for error in broken:
            if Path(error.path).stem == value:
                self.fail(str(error), param, ctx)
        if value not in loaded:
            choices = ", ".join([*loaded, *self.extra])
            self.fail(f"unknown persona '{value}': choose one of {choices} (or a path to a persona .md file)",
                      param, ctx)  # fmt: skip
        return value


class VariantName(click.ParamType):
    """A matrix variant as logs name it (`backend`, `backend+tools:minimal`, `claude-code:none`)."""

    name = "variant"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .matrix import parse_variant
        from .paths import PERSONAS_DIR
        from .personas import load_personas

        try:
            parse_variant(str(value), list(load_personas(PERSONAS_DIR)))
        except HarnessError as ex:
            self.fail(str(ex), param, ctx)
        return str(value)


# ---------------------------------------------------------------------------- paths


def _blocked_by_a_file(path: Path) -> Path | None:
    """The first existing ancestor of `path` when it is not a folder (nothing can be made there)."""
    for parent in [path, *path.absolute().parents]:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


class OutDir(click.Path):
    """A folder the command writes into (made when missing): not empty, not a file, not under one."""

    def __init__(self, path_type: type = str) -> None:
        super().__init__(file_okay=False, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            self.fail("give a folder name (an empty one would mean the current folder)", param, ctx)
        blocked = _blocked_by_a_file(Path(value).parent)
        if blocked is not None:
            self.fail(f"cannot make folder '{value}': {blocked} is a file", param, ctx)
        return super().convert(value, param, ctx)


class TasksDir(click.Path):
    """A folder of task families (`--tasks-dir`): it must hold at least one."""

    def __init__(self) -> None:
        super().__init__(exists=True, file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .fixtures import family_names

        path = super().convert(value, param, ctx)
        if not family_names(path):
            self.fail(f"no task families in '{value}' (a family is a folder with a fixtures/ folder)", param, ctx)
        return path


class AppendFile(click.Path):
    """A file the command appends to: not a folder, in a folder that exists."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            self.fail("give a file name", param, ctx)
        parent = Path(value).absolute().parent
        if not parent.is_dir():
            self.fail(f"cannot write '{value}': folder {parent} does not exist", param, ctx)
        return super().convert(value, param, ctx)


class Registry(click.ParamType):
    """An image registry, `host[:port][/path]`."""

    name = "registry"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .k8s import normalise_registry

        try:
            registry = normalise_registry(str(value))
        except HarnessError as ex:
            self.fail(str(ex), param, ctx)
        if not registry:
            self.fail("give a registry, e.g. registry.example.com:5000/evals", param, ctx)
        return registry


class ViewerUrl(click.ParamType):
    """Where `inspect view` serves: `http(s)://host[:port]/`; the report's links start with it."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from urllib.parse import urlsplit

        text = str(value).strip()
        try:
            parts = urlsplit(text)
            port = parts.port  # raises on a port that is not a number
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(f"'{text}' is not a viewer address: give http://HOST[:PORT]/, "
                      "e.g. http://127.0.0.1:7575/ (where `inspect view` serves)", param, ctx)
        if parts.query or parts.fragment:
            self.fail(f"'{text}': give the viewer's address without ?query or #fragment", param, ctx)
        del port
        return text if text.endswith("/") else text + "/"


MODEL = ModelName()
FAMILY = FamilyName()
