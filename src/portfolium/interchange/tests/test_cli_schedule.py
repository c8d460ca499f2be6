"""`portfolium schedule FILE [--json]`: a readable table or JSON; bad input is one line and status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portfolium.cli import float_text, main
from portfolium.interchange.tests.oracle import DATA as MSPDI
from portfolium.interchange.tests.test_psplib import TINY

HERE = Path(__file__).parent
SMALL = HERE / "data" / "small.json"
SRC = Path(__file__).resolve().parents[3]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["schedule", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_plan_prints_one_row_per_task_and_the_project_finish(capsys):
    code, out, err = run(capsys, SMALL)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID",
        "Name",
        "Early",
        "start",
        "Early",
        "finish",
        "Late",
        "start",
        "Late",
        "finish",
        "Total",
        "float",
        "Critical",
    ]
    rows = {line.split()[0]: line for line in lines[2:7]}
    assert rows["a"].split()[2:6] == ["2026-01-05", "08:00", "2026-01-06", "17:00"] and rows["a"].endswith(
        "yes"
    )
    assert "3d 4h" in rows["d"] and not rows["d"].endswith("yes")
    assert "Project start:  2026-01-05 08:00" in out
    assert "Project finish: 2026-01-12 17:00" in out


def test_json_output_is_the_schedule_document(capsys):
    code, out, err = run(capsys, SMALL, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["format"] == "portfolium-schedule"
    assert doc["project"]["finish"] == "2026-01-12T17:00"
    assert doc["project"]["critical_path"] == ["a", "b", "c", "done"]
    d = next(t for t in doc["tasks"] if t["id"] == "d")
    assert d["early_start"] == "2026-01-07T08:00" and d["total_float"] == 1680 and d["critical"] is False


def test_a_psplib_instance_schedules_in_periods(tmp_path, capsys):
    path = tmp_path / "tiny.sm"
    path.write_text(TINY)
    code, out, err = run(capsys, path, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["project"]["start"] == "2000-01-01T00:00" and doc["project"]["finish"] == "2000-01-01T00:05"
    assert "resources are not levelled" in err
    code, out, err = run(capsys, path)
    assert code == 0, err
    assert "Makespan: 5 periods (precedence only)" in out and "2000-01-01" not in out


@pytest.mark.skipif(not MSPDI.is_dir(), reason=f"shared MSPDI files not found under {MSPDI}")
def test_an_mspdi_file_shows_its_task_uids_and_notes_what_is_not_modelled(capsys):
    code, out, err = run(capsys, MSPDI / "task-links-project2010-mspdi.xml")
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()[2:5]] == ["1", "2", "3"]
    assert "Project finish: 2014-11-03 17:00" in out
    code, out, err = run(capsys, MSPDI / "sample.xml")
    assert code == 0
    assert "Note: not modelled: resource calendar drives task dates (UID 2)" in err


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.json", None, "missing.json: no such file"),
        ("notes.txt", "just some words\n", "cannot tell the format of"),
        (
            "bad.json",
            '{"format": "portfolium-plan", "version": 1, "start": "2026-01-05T08:00", '
            '"tasks": [{"id": "a", "duration": "5x"}]}',
            "bad.json: tasks[0].duration: '5x' is not a duration",
        ),
        ("broken.xml", "<Project><Tasks>", "is not well-formed XML"),
        (
            "loop.json",
            '{"format": "portfolium-plan", "version": 1, "start": "2026-01-05T08:00", '
            '"tasks": [{"id": "a", "name": "Design"}, {"id": "b", "name": "Build"}], '
            '"links": [{"predecessor": "a", "successor": "b"}, {"predecessor": "b", "successor": "a"}]}',
            "form a loop",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    code, out, err = run(capsys, path)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("portfolium schedule: error: ")
    assert words in err
    assert "Traceback" not in err


def test_a_cycle_names_the_tasks_in_the_loop(tmp_path, capsys):
    path = tmp_path / "loop.json"
    path.write_text(
        json.dumps(
            {
                "format": "portfolium-plan",
                "version": 1,
                "start": "2026-01-05T08:00",
                "tasks": [{"id": "a", "name": "Design"}, {"id": "b", "name": "Build"}],
                "links": [{"predecessor": "a", "successor": "b"}, {"predecessor": "b", "successor": "a"}],
            }
        )
    )
    code, _, err = run(capsys, path)
    assert code == 2
    assert "Design → Build → Design" in err or "Build → Design → Build" in err


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0"), (480, "1d"), (1680, "3d 4h"), (30, "30m"), (-960, "-2d"), (545, "1d 1h 5m")],
)
def test_float_reads_in_days_hours_and_minutes(minutes, text):
    assert float_text(minutes, 480) == text


def test_the_command_runs_in_a_process_of_its_own_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "portfolium.cli", "schedule", str(SMALL), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["project"]["finish"] == "2026-01-12T17:00"
    bad = subprocess.run(
        [sys.executable, "-m", "portfolium.cli", "schedule", "/nonexistent/plan.json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no such file" in bad.stderr
