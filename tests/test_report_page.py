"""The leaderboard page as a reader gets it: rendered for a synthetic matrix run (two personas,
the crossed variants, under react and claude-code, 40 fixtures, 3 epochs, some infrastructure
failures), opened in headless Chromium, and its links followed into a real `inspect view`.

Chromium is Debian's package, driven by Playwright (`make browser` installs both; the test
fails, never skips, without them). Screenshots go to the test's folder, and also to
$EVALS_SCREENSHOTS when set (e.g. EVALS_SCREENSHOTS=/work/runs).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

import pytest

from evals import formatting as fmt
from evals.comparisons import comparisons
from evals.leaderboard import build_report, write_report
from evals.logdata import load_samples
from evals.paths import PERSONAS_DIR
from evals.personas import load_personas
from evals.prices import load_prices
from evals.synthetic import SyntheticVariant, write_matrix_logs, write_synthetic_logs

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 1280
NUMBER_LINE = re.compile(
    r"^backend resolves \d+\.\d points more than backend-developer \(95% CI [−+]?\d+\.\d to [−+]?\d+\.\d, "
    r"p [=<] 0?\.\d+\): (not )?a detectable difference; ", re.MULTILINE,
)
SAMPLE_ROUTE = re.compile(r"^#/logs/(?P<log>[^#?]+?)/samples/sample/(?P<id>[^/]+)/(?P<epoch>\d+)/$")
LOG_ROUTE = re.compile(r"^#/logs/(?P<log>[^#?]+?\.eval)/samples/$")


def chromium_path() -> str:
    path = os.environ.get("EVALS_CHROMIUM") or shutil.which("chromium")
    assert path, "no Chromium: run `make browser` (installs Debian's chromium package)"
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A synthetic matrix run and its report, written once for the module."""
    root = tmp_path_factory.mktemp("board")
    write_matrix_logs(root / "logs", fixtures=40, epochs=3, infra_rate=0.03, seed=7,
                      lift={("backend", "backend"): 0.25, ("backend", "backend-developer"): 0.2})  # fmt: skip
    data = load_samples(root / "logs", load_prices())
    report = build_report(data.samples, load_personas(PERSONAS_DIR))
    write_report(report, root / "out")
    return root, data.samples, report


def test_the_answer_comes_first_one_line_per_pair(run):
    """Per agent: the persona pair, the prompt alone (two tool sets), the tools alone (two
    prompts) and each persona against the control, each a plain line, pairs within an agent."""
    _, _, report = run
    found = comparisons(report)
    for agent in ("react", "claude-code"):
        mine = [c for c in found if c.agent == agent]
        assert [c.kind for c in mine] == ["persona", "prompt", "prompt", "tools", "tools", "control", "control"]
        for c in mine:
            assert c.more_variant.startswith("claude-code:") == c.fewer_variant.startswith("claude-code:") == (agent == "claude-code")
            assert c.diff >= 0 and c.low <= c.diff <= c.high
        persona = mine[0]
        assert NUMBER_LINE.match(persona.line()), persona.line()
        # the lift given to backend's prompt shows, in this direction, as a detectable difference
        assert persona.more == "backend" and persona.detectable
        assert persona.line().endswith(f"MDE of this run {fmt.mde(persona.mde)}.")
    # the prompt with the tools held equal: both sides have the same tools
    prompt = next(c for c in found if c.kind == "prompt" and c.agent == "react")
    assert prompt.line().startswith("With ") and "prompt resolves" in prompt.line()
    order = [c.agent for c in found]
    assert order.index("react") < order.index("claude-code")  # the default agent first


def test_an_mde_over_100_points_is_a_dash_with_the_reason(tmp_path):
    write_synthetic_logs(tmp_path / "logs", [
        SyntheticVariant("backend", "backend", "backend", [1.0, 0.0, 1.0]),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", [0.0, 1.0, 0.0]),
    ], epochs=1, seed=1)  # fmt: skip
    report = build_report(load_samples(tmp_path / "logs").samples, load_personas(PERSONAS_DIR))
    (c,) = comparisons(report)
    assert c.mde > 1
    assert "this run is too small to detect any difference (MDE over 100 points)" in c.line()
    write_report(report, tmp_path / "out")
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    html = (tmp_path / "out" / "leaderboard.html").read_text()
    assert f"| {fmt.DASH} |" in markdown and fmt.MDE_TOO_LARGE in markdown
    assert f'title="{fmt.MDE_TOO_LARGE}"' in html and "104 points" not in html + markdown


def test_markdown_and_html_write_every_figure_the_same_way(run):
    root, _, report = run
    markdown = (root / "out" / "leaderboard.md").read_text()
    html = (root / "out" / "leaderboard.html").read_text()
    own = report.overall.set_index("variant").loc["backend"]
    rate = fmt.rate_interval(own["rate"], own["ci_low"], own["ci_high"])
    assert re.fullmatch(r"\d+% \(\d+–\d+%\)", rate)
    for text in (rate, fmt.dollars(own["cost_per_sample"]), fmt.count(own["tokens_per_sample"]),
                 comparisons(report)[0].line()):
        assert text in markdown and text in html, text
    for raw in ("ci_low", "tokens_per_sample", "cache_write_tokens", "nan"):
        assert raw not in html and raw not in markdown


def _page_check(page) -> dict:
    """What a reader would check on the page, collected in the browser."""
    return page.evaluate("""() => {
        const root = document.documentElement;
        const answer = [...document.querySelectorAll('#answer ~ ul.answer li')].map(li => li.innerText);
        const images = [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0}));
        const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
        return {scroll: root.scrollWidth, width: root.clientWidth, answer, images, links,
                text: document.body.innerText,
                tables: [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)};
    }""")


def test_the_page_in_headless_chromium(run):
    """No sideways scrolling at 1280 px (even with every fold open), the answer line, every chart
    loaded, no request leaving the page, and links that are the viewer's routes to real
    samples of real logs."""
    from playwright.sync_api import sync_playwright

    root, samples, report = run
    page_file = root / "out" / "leaderboard.html"
    shots = [root / "board-top.png", root / "board-grid.png", root / "board-full.png"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            closed = _page_check(page)
            page.screenshot(path=str(shots[0]))
            page.evaluate("document.getElementById('grid').scrollIntoView()")
            page.screenshot(path=str(shots[1]))
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            opened = _page_check(page)
            page.screenshot(path=str(shots[2]), full_page=True)
        finally:
            browser.close()
    for state in (closed, opened):
        assert state["scroll"] <= state["width"] == WIDTH, state["scroll"]
        assert max(state["tables"]) <= WIDTH
    assert outside == []
    assert any(NUMBER_LINE.search(line) for line in closed["answer"]), closed["answer"][:2]
    assert len(closed["answer"]) == 14
    assert len(closed["images"]) == 4 and all(i["ok"] for i in closed["images"]), closed["images"]
    # no Markdown syntax, no raw numbers: what a reader sees
    text = opened["text"]
    assert "`" not in text and "**" not in text and "|---" not in text
    assert not re.search(r"(?<![\w.,/:])\d{4,}(?:\.\d+)?(?![\w%])", text.replace(str(root), "")), \
        re.findall(r"(?<![\w.,/:])\d{4,}(?:\.\d+)?(?![\w%])", text)[:5]  # fmt: skip
    # links: every sample once, each the viewer's route to a sample that is in that log
    viewer = report.viewer
    assert viewer is not None and viewer.url == "http://127.0.0.1:7575/"
    known = {(Path(log).resolve(), fixture, int(epoch)) for log, fixture, epoch
             in zip(samples["log"], samples["fixture"], samples["epoch"])}  # fmt: skip
    sample_links, log_links = set(), set()
    for href in opened["links"]:
        if (href.startswith("#") and not href.startswith("#/")) or href == viewer.url:
            continue  # an anchor within the page, or the viewer's own address
        assert href.startswith(viewer.url), href
        route = href[len(viewer.url):]
        if m := SAMPLE_ROUTE.match(route):
            log = (viewer.log_dir / unquote(m["log"])).resolve()
            assert (log, unquote(m["id"]), int(m["epoch"])) in known, href
            sample_links.add((log, m["id"], int(m["epoch"])))
        else:
            m = LOG_ROUTE.match(route)
            assert m and (viewer.log_dir / unquote(m["log"])).is_file(), href
            log_links.add(m["log"])
    assert len(sample_links) == len(samples) == 2 * 7 * 40 * 3
    assert len(log_links) == len(set(samples["log"]))
    target = os.environ.get("EVALS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, Path(target) / shot.name)
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@contextmanager
def inspect_view(log_dir: Path, port: int, cwd: Path) -> Iterator[None]:
    """`inspect view --log-dir LOG_DIR --port PORT` (this venv's), until it answers; stopped after."""
    command = [str(ROOT / ".venv" / "bin" / "inspect"), "view", "--log-dir", str(log_dir), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, "inspect view exited"
            time.sleep(0.5)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_links_open_the_sample_in_inspect_view(run, tmp_path):
    """`inspect view` on the run's log folder, as the report says to start it: a grid square's
    link shows that sample's transcript, a variant's link its log, and its list of logs tells
    the variants apart (the synthetic logs carry the task arguments and tags the harness's
    tasks record, see `test_each_log_says_which_variant_it_is`)."""
    from playwright.sync_api import sync_playwright

    root, samples, _ = run
    port = _free_port()
    data = load_samples(root / "logs")
    report = build_report(data.samples, {}, viewer_url=f"http://127.0.0.1:{port}/")
    assert report.viewer is not None and report.viewer.command().endswith(f"--port {port}")
    row = data.samples[(data.samples["variant"] == "claude-code:backend-developer+tools:backend")].iloc[5]
    sample_url = report.viewer.sample_url(row["log"], row["fixture"], row["epoch"])
    log_url = report.viewer.log_url(row["log"])
    with inspect_view(report.viewer.log_dir, port, tmp_path), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            # first (the viewer reopens the last log it showed): its list of logs says which
            # variant each is, by task arguments and tags (a virtual list: any variant's row)
            args = re.compile(r'^persona="[\w-]+", tools="[\w-]+", agent="(react|claude-code)"$')
            page.goto(report.viewer.url)
            page.get_by_text(args).first.wait_for(timeout=60_000)
            page.get_by_text(re.compile(r"^agent:[\w-]+, persona:[\w-]+, tools:[\w-]+$")).first.wait_for()
            page.get_by_text("Syncing data").last.wait_for(state="hidden", timeout=60_000)
            page.screenshot(path=str(root / "board-viewer-list.png"))
            page.goto(sample_url)
            page.get_by_text(f"Sample {row['fixture']} (Epoch {row['epoch']})").wait_for(timeout=60_000)
            page.screenshot(path=str(root / "board-viewer-sample.png"))
            page.goto(log_url)
            page.get_by_text(Path(row["log"]).stem).first.wait_for(timeout=60_000)
            page.get_by_text(f"{row['family']} — 10 x 3 samples").wait_for(timeout=60_000)
        finally:
            browser.close()
    target = os.environ.get("EVALS_SCREENSHOTS")
    if target:
        for name in ("board-viewer-sample.png", "board-viewer-list.png"):
            shutil.copy(root / name, Path(target) / name)


def test_each_log_says_which_variant_it_is():
    """What `inspect view` lists for a log: tags persona/tools/agent on every task, and the
    demo's tasks made through the family's @task function with those as task arguments."""
    from inspect_ai._util.registry import registry_params  # what Inspect records as task_args

    from evals.demo import demo_fixtures, demo_tasks
    from evals.fixtures import load_family
    from evals.paths import TASKS_DIR

    tasks = demo_tasks("db_optimize", ["backend", "none"], ("react", "claude-code"), build_images=False)
    # the demo's fixtures are the family's small ones (demo_fixtures), named when the family also
    # has fixtures on a shared codebase
    small = demo_fixtures(load_family(TASKS_DIR / "db_optimize"))
    listed = [(t.tags, {k: v for k, v in registry_params(t).items() if k not in ("build_images", "fixtures")},
               t.display_name, registry_params(t).get("fixtures")) for t in tasks]  # fmt: skip
    assert {fixtures for *_, fixtures in listed} == {small}
    listed = [row[:3] for row in listed]
    assert listed == [
        (["persona:backend", "tools:backend", "agent:react"],
         {"persona": "backend", "tools": "backend", "agent": "react"}, "db_optimize (backend)"),
        (["persona:none", "tools:minimal", "agent:react"],
         {"persona": "none", "tools": "minimal", "agent": "react"}, "db_optimize (none+tools:minimal)"),
        (["persona:backend", "tools:backend", "agent:claude-code"],
         {"persona": "backend", "tools": "backend", "agent": "claude-code"}, "db_optimize (claude-code:backend)"),
        (["persona:none", "tools:all", "agent:claude-code"],
         {"persona": "none", "tools": "all", "agent": "claude-code"}, "db_optimize (claude-code:none)"),
    ]  # fmt: skip



def test_many_epochs_are_drawn_as_shares(tmp_path):
    """Past a few epochs a grid cell is one bar of shares (resolved / unresolved / infra), each
    part linking to the first such epoch, so a 200-epoch run stays one screen wide."""
    write_synthetic_logs(tmp_path / "logs", [
        SyntheticVariant("backend", "backend", "backend", [0.7, 1.0, 0.0, 0.5]),
        SyntheticVariant("backend-developer", "backend-developer", "backend-developer", [0.5, 1.0, 0.0, 0.5]),
    ], epochs=12, seed=2, infra_rate=0.1)  # fmt: skip
    report = build_report(load_samples(tmp_path / "logs").samples, {})
    (grid,) = report.grids
    assert not grid.squares and [r.kind for r in grid.rows][1:3] == ["every variant solved", "no variant solved"]
    write_report(report, tmp_path / "out")
    html = (tmp_path / "out" / "leaderboard.html").read_text()
    bars = re.findall(r'<span class="bar">(.*?)</span>', html)
    assert len(bars) == 4 * 2
    for bar in bars:
        widths = [float(w) for w in re.findall(r'style="width:([\d.]+)%"', bar)]
        assert 1 <= len(widths) <= 3 and sum(widths) == pytest.approx(100, abs=0.2)
        assert len(re.findall(r'href="[^"]*/samples/sample/fx\d+/\d+/"', bar)) == len(widths)
    markdown = (tmp_path / "out" / "leaderboard.md").read_text()
    # counts per outcome in the Markdown grid: fixture 1 is always solved unless infra failed
    (line,) = [l for l in markdown.splitlines() if l.startswith("| synthetic/fx0001 |")]
    assert re.fullmatch(r"\| synthetic/fx0001 (\| \d+ ✓( \d+ !)? ){2}\| every variant solved \|", line), line


@pytest.mark.docker
def test_a_real_run_in_the_page_and_the_viewer(tmp_path):
    """The real pipeline (the toy family on the Docker engine, scripted models), its tasks made
    through the family's @task function as the demo makes them: the page shows the answer, its
    links open the samples in `inspect view`, and the viewer's list names each log's persona,
    tools and agent."""
    from inspect_ai import eval as inspect_eval
    from playwright.sync_api import sync_playwright

    from evals.matrix import family_task_function
    from evals.task import tags_for

    toy = family_task_function("toy", ROOT / "tests" / "data" / "families")
    tasks = [toy(persona=p, tools=p, agent="react") for p in ("backend", "backend-developer")]
    logs = inspect_eval(tasks, model=["replay/oracle", "replay/noop"], log_dir=str(tmp_path / "logs"),
                        display="none", fail_on_error=False)  # fmt: skip
    assert all(log.status == "success" for log in logs), [log.error for log in logs]
    for log in logs:
        persona = log.eval.metadata["persona"]
        assert log.eval.task_args_passed == {"persona": persona, "tools": persona, "agent": "react"}
        assert sorted(log.eval.tags or []) == sorted(tags_for(persona, persona, "react"))
    port = _free_port()
    data = load_samples(tmp_path / "logs")
    report = build_report(data.samples, load_personas(PERSONAS_DIR), viewer_url=f"http://127.0.0.1:{port}/")
    write_report(report, tmp_path / "out")
    assert [(c.model, c.kind) for c in report.answer] == [("replay/noop", "persona"), ("replay/oracle", "persona")]
    assert all(c.line().endswith("too few fixtures to compare.") for c in report.answer)  # one fixture
    with inspect_view(report.viewer.log_dir, port, tmp_path), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.goto((tmp_path / "out" / "leaderboard.html").as_uri())
            state = _page_check(page)
            assert state["scroll"] <= state["width"] and len(state["answer"]) == 2
            samples = [h for h in state["links"] if "/samples/sample/" in h]
            assert len(samples) == len(data.samples) == 4
            page.goto(report.viewer.url)  # the list first: the viewer reopens the last log shown
            for persona in ("backend", "backend-developer"):
                page.get_by_text(f'persona="{persona}", tools="{persona}", agent="react"').first.wait_for(timeout=60_000)
            page.get_by_text("Syncing data").last.wait_for(state="hidden", timeout=60_000)
            page.screenshot(path=str(tmp_path / "board-viewer-real-list.png"))
            page.goto(samples[0])
            page.get_by_text("Sample calc_total (Epoch 1)").wait_for(timeout=60_000)
        finally:
            browser.close()
    target = os.environ.get("EVALS_SCREENSHOTS")
    if target:
        shutil.copy(tmp_path / "board-viewer-real-list.png", Path(target) / "board-viewer-real-list.png")
