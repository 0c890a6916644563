"""Grading rules as pure functions: which changes count, and outcomes in, verdict out."""

import subprocess
import sys

import pytest

from evals.grading import (
    JUnitParseError,
    Outcome,
    Verdict,
    grade,
    parse_junit,
    select_changes,
    junit_name,
)

PRISTINE = {
    "app/main.py": b"print('slow')\n",
    "app/models.py": b"class A: ...\n",
    "tests/test_api.py": b"def test_ok(): assert True\n",
    "README.md": b"readme\n",
}


def test_only_source_changes_count():
    final = dict(PRISTINE)
    final["app/main.py"] = b"print('fast')\n"          # accepted
    final["app/new_module.py"] = b"X = 1\n"             # accepted (new source file)
    del final["app/models.py"]                          # accepted deletion
    final["tests/test_api.py"] = b"def test_ok(): pass\n"  # visible test edited
    final["conftest.py"] = b"import pytest\n"           # planted conftest
    final["app/conftest.py"] = b"import pytest\n"
    final["sitecustomize.py"] = b"import os\n"
    final["pytest.ini"] = b"[pytest]\n"
    final["evil.pth"] = b"import os\n"
    final["pytest.py"] = b"def main(): return 0\n"
    final["README.md"] = b"changed\n"                   # not a source file
    final["app/link.py"] = None                         # a symlink
    final["app/__pycache__/main.cpython-311.pyc"] = b"\0"
    changes = select_changes(PRISTINE, final, ("**/*.py",))
    assert changes.accepted == {
        "app/main.py": b"print('fast')\n",
        "app/new_module.py": b"X = 1\n",
        "app/models.py": None,
    }
    assert set(changes.ignored) == {
        "tests/test_api.py", "conftest.py", "app/conftest.py", "sitecustomize.py",
        "pytest.ini", "evil.pth", "pytest.py", "README.md", "app/link.py",
    }
    assert "symlink" in changes.ignored["app/link.py"]
    assert "outside the fixture's source" in changes.ignored["README.md"]


def test_source_globs_extend_to_other_files():
    final = dict(PRISTINE, **{"migrations/0002.sql": b"ALTER TABLE x;\n"})
    changes = select_changes(PRISTINE, final, ("**/*.py", "migrations/**"))
    assert "migrations/0002.sql" in changes.accepted


def test_unchanged_tree_has_no_changes():
    changes = select_changes(PRISTINE, dict(PRISTINE), ("**/*.py",))
    assert changes.accepted == {} and changes.ignored == {}


@pytest.mark.parametrize(
    "test_id, junit",
    [
        ("test_x.py::test_a", ("test_x", "test_a")),
        ("sub/test_x.py::TestC::test_a[1-2]", ("sub.test_x.TestC", "test_a[1-2]")),
    ],
)
def test_ids_map_to_junit_names(test_id, junit):
    assert junit_name(test_id) == junit


def _junit(tmp_path, body: str) -> tuple[str, int]:
    """Run real pytest on a file and return its JUnit XML and exit code."""
    (tmp_path / "test_h.py").write_text(body)
    report = tmp_path / "r.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "-o", "junit_family=xunit2", f"--junitxml={report}", str(tmp_path / "test_h.py")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    return report.read_text(), result.returncode


def test_real_pytest_report_all_pass(tmp_path):
    xml, code = _junit(tmp_path, "def test_a(): pass\nclass TestK:\n    def test_b(self): pass\n")
    statuses = parse_junit(xml)
    assert statuses[("test_h", "test_a")] is Outcome.PASSED
    report = grade(statuses, ["test_h.py::test_a"], ["test_h.py::TestK::test_b"], code)
    assert report.verdict is Verdict.RESOLVED and report.pass_rate == 1.0


def test_real_pytest_report_with_failure_and_error(tmp_path):
    xml, code = _junit(
        tmp_path,
        "import pytest\n"
        "@pytest.fixture\ndef boom():\n    raise RuntimeError('x')\n"
        "def test_a(): assert 1 == 2\n"
        "def test_b(boom): pass\n"
        "def test_c(): pass\n"
        "@pytest.mark.skip\ndef test_d(): pass\n",
    )
    statuses = parse_junit(xml)
    assert statuses[("test_h", "test_a")] is Outcome.FAILED
    assert statuses[("test_h", "test_b")] is Outcome.ERROR
    assert statuses[("test_h", "test_d")] is Outcome.SKIPPED
    report = grade(statuses, ["test_h.py::test_a", "test_h.py::test_d"], ["test_h.py::test_c"], code)
    assert report.verdict is Verdict.UNRESOLVED
    assert report.tests == {"test_h.py::test_a": "failed", "test_h.py::test_d": "skipped", "test_h.py::test_c": "passed"}
    assert report.pass_rate == pytest.approx(1 / 3)


def test_required_test_missing_from_report_is_not_passed(tmp_path):
    xml, code = _junit(tmp_path, "def test_a(): pass\n")
    report = grade(parse_junit(xml), ["test_h.py::test_a", "test_h.py::test_gone"], [], code)
    assert report.verdict is Verdict.UNRESOLVED and report.tests["test_h.py::test_gone"] == "missing"


def test_exit_code_cross_check_catches_a_forged_report(tmp_path):
    # a report claiming success while the runner failed is not trusted (and vice versa)
    xml, _ = _junit(tmp_path, "def test_a(): pass\n")
    assert grade(parse_junit(xml), ["test_h.py::test_a"], [], exit_code=1).verdict is Verdict.UNRESOLVED
    assert grade(parse_junit(xml), ["test_h.py::test_a"], [], exit_code=3).verdict is Verdict.UNRESOLVED
    failing, code = _junit(tmp_path, "def test_a(): assert False\n")
    assert code == 1
    assert grade(parse_junit(failing), ["test_h.py::test_a"], [], exit_code=0).verdict is Verdict.UNRESOLVED


def test_no_report_is_unresolved_and_garbage_report_is_an_error():
    assert grade(None, ["t.py::a"], [], exit_code=4).verdict is Verdict.UNRESOLVED
    with pytest.raises(JUnitParseError):
        parse_junit("PASSED PASSED PASSED")


def test_a_canary_that_passes_means_the_run_was_tampered_with(tmp_path):
    from evals.grading import canary_tests

    honest = canary_tests("test_c", ("test_a1", "test_a2"), (3, 4))
    (tmp_path / "test_c.py").write_text(honest)
    xml, code = _junit(tmp_path, "def test_a(): pass\n")
    # the canaries are collected only from test_c.py: re-run over the folder
    report_path = tmp_path / "all.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "-o", "junit_family=xunit2", f"--junitxml={report_path}", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    statuses = parse_junit(report_path.read_text())
    canaries = ["test_c.py::test_a1", "test_c.py::test_a2"]
    ok = grade(statuses, ["test_h.py::test_a"], [], result.returncode, canaries)
    assert result.returncode == 1 and ok.verdict is Verdict.RESOLVED
    # a report where the canaries "passed" (in-process tampering) is not trusted
    forged = dict(statuses)
    forged[("test_c", "test_a1")] = Outcome.PASSED
    assert grade(forged, ["test_h.py::test_a"], [], 1, canaries).verdict is Verdict.UNRESOLVED
    missing = {k: v for k, v in statuses.items() if k[0] != "test_c"}
    assert "tampered" in grade(missing, ["test_h.py::test_a"], [], 1, canaries).reason
