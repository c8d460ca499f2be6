"""Microsoft Project is the oracle: for every MSPDI file in the shared data, the engine's early start, early
finish and total float of each task equal what Project saved (EarlyStart/EarlyFinish, else Start/Finish for
tasks that are neither ALAP nor manual; TotalSlack).

A mismatch on a task whose dates depend on a feature the engine does not model (resource calendars, work
contours, fractions of a minute...) or on stored data no rule reproduces (``oracle.KNOWN``) makes the file
xfail with the reason named; any other mismatch fails. ``python -m portfolium.interchange.tests.oracle``
prints the per-file match table.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from portfolium.interchange.tests.oracle import DATA, compare, main, mspdi_files

FILES = mspdi_files()
pytestmark = pytest.mark.skipif(not FILES, reason=f"shared MSPDI files not found under {DATA}")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(DATA)) for p in FILES])
def test_the_engine_reproduces_the_dates_microsoft_project_saved(path):
    result = compare(path)
    assert result.error is None, f"{result.name}: scheduling failed: {result.error}"
    if not result.tasks:
        pytest.skip(f"{result.name} has no tasks to compare")
    unexplained = result.unexplained
    assert not unexplained, f"{len(unexplained)} mismatches:\n" + "\n".join(map(str, unexplained))
    if result.explained:
        reasons = sorted({m.explained_by or "" for m in result.explained})
        pytest.xfail(f"{len(result.explained)} values differ, explained by: " + " | ".join(reasons))


def test_the_match_table_lists_every_file():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([]) == 0
    text = out.getvalue()
    assert text.startswith("| file | tasks | starts | finishes | floats | not modelled |")
    for path in FILES:
        assert f"| {path.relative_to(DATA)} |" in text
