"""Measure the pages that must stay fast on a large organisation, against a baseline run beside them.

    .venv/bin/python benchmarks/run.py [--db sqlite|postgres|both] [--reps N] [--rebuild]

Builds (once, then reuses) 1,000 projects / 100,000 tasks / 2,000 people in a scratch SQLite file under
benchmarks/.cache/ and/or the PostgreSQL database ``portfolium_bench``, then times each request in process with
Django's test client (server time: middleware, view, queries, template; no network), after a warm-up.
The baseline is ``GET /healthz`` through the same stack, so ratios hold across machines. Beside the pages, one
write: a task's duration changed through the API, which reschedules a 2,000-task project in the same request.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import generate  # noqa: E402  (needs the paths above)

CACHE = HERE / ".cache"
SQLITE_PATH = CACHE / "bench.sqlite3"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/portfolium_bench")
TARGET_MS = 300.0  # p95 of every page and read
WRITE_TARGET_MS = 1000.0  # p95 of a plan change that reschedules a 2,000-task project in the same request


@dataclass
class Row:
    db: str
    name: str
    who: str
    url: str
    status: int
    median_ms: float
    p95_ms: float
    queries: int
    kbytes: float
    # this process's CPU time: steadier than wall time on a busy machine (excludes PostgreSQL)
    cpu_ms: float = 0.0
    target_ms: float = TARGET_MS
    ratio: float = 0.0
    verdict: str = ""


# --- scratch databases --------------------------------------------------------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg
    from psycopg import sql as pgsql

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(pgsql.SQL(sql).format(db=pgsql.Identifier(name)))


def _pg_exists() -> bool:
    import psycopg

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def marker(db: str) -> Path:
    return CACHE / f"{db}.built"


def reset_database(db: str) -> None:
    """Start from an empty database (the cached one was built by another generator version, or half-built)."""
    marker(db).unlink(missing_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        if _pg_exists():
            _pg_admin("DROP DATABASE {db} WITH (FORCE)")
        _pg_admin("CREATE DATABASE {db}")


def prepare(db: str, rebuild: bool) -> bool:
    """Make sure the scratch database exists (before Django connects); True if it must be generated."""
    CACHE.mkdir(parents=True, exist_ok=True)
    fresh = marker(db).exists() and marker(db).read_text().strip() == generate.GENERATOR_VERSION
    if rebuild or not fresh:
        reset_database(db)
        return True
    return False


# --- timing -------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(
    client: Any, url: str, *, reps: int, warmup: int, send: Callable[[int], Any] | None = None
) -> tuple[int, float, float, int, float, float]:
    """Time ``reps`` requests after ``warmup`` untimed ones: GET ``url``, or ``send(n)`` for the n-th request
    (counting from 0, warm-up included) when it is given. The status is the last timed request's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = send or (lambda _n: client.get(url))
    for n in range(warmup):
        request(n)
    times, cpu = [], []
    status = 0
    for n in range(warmup, warmup + reps):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = request(n)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        status = response.status_code
    with CaptureQueriesContext(connection) as captured:  # a separate run: capturing queries costs time
        response = request(warmup + reps)
    return (
        status,
        statistics.median(times),
        percentile(times, 0.95),
        len(captured),
        len(response.content) / 1024,
        statistics.median(cpu),
    )


def child(db: str, reps: int, warmup: int, rebuild: bool, out: Path) -> int:
    url = f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else POSTGRES_URL
    try:
        build = prepare(db, rebuild)
    except Exception as exc:  # an unreachable server, most often
        print(f"{db}: cannot prepare the scratch database: {exc}", file=sys.stderr)
        return 1
    generate.configure(url)
    from django.core.management import call_command
    from django.test import Client

    from portfolium.accounts.models import User
    from portfolium.demo.seed import ADMIN_USERNAME, demo_portfolio_manager

    call_command("migrate", interactive=False, verbosity=0)
    if build:
        print(f"Building the large organisation in {db} (once; later runs reuse it)…", file=sys.stderr)
        generate.generate()
        marker(db).write_text(generate.GENERATOR_VERSION)
    if db == "postgres":
        _analyze()

    manager = User.objects.get(username=demo_portfolio_manager())
    admin = User.objects.get(username=ADMIN_USERNAME)
    anonymous = Client()
    signed_in = {}
    for who, user in (("portfolio manager", manager), ("org admin", admin)):
        signed_in[who] = Client()
        signed_in[who].force_login(user)

    from portfolium.projects.models import Project

    # The largest project plan of the demo organisation (the 2,000-task one has rows of its own below): the
    # WBS outline page scales with its tasks.
    largest = (
        Project.objects.exclude(code=generate.LARGE_PROJECT_CODE)
        .order_by("-task_count", "id")
        .values_list("id", flat=True)
        .first()
    )
    cases = [("baseline: GET /healthz", "anonymous", anonymous, "/healthz")]
    for who, client in signed_in.items():
        cases.append(("portfolio overview", who, client, "/overview/"))
        cases.append(("project list API", who, client, "/api/projects?limit=100"))
    cases.append(("project page, largest WBS", "org admin", signed_in["org admin"], f"/projects/{largest}/"))
    cases.append(("goals page", "portfolio manager", signed_in["portfolio manager"], "/goals/"))
    cases.append(("my work", "portfolio manager", signed_in["portfolio manager"], "/my-work/"))
    rows: list[Row] = []
    for name, who, client, path in cases:
        status, median, p95, queries, kbytes, cpu = measure(client, path, reps=reps, warmup=warmup)
        rows.append(Row(db, name, who, path, status, median, p95, queries, kbytes, cpu))
    rows += large_project_rows(db, reps=reps, warmup=warmup)
    baseline = rows[0].median_ms or 1e-9
    for row in rows:
        row.ratio = row.median_ms / baseline
        if row is rows[0]:
            row.verdict = "baseline"
        elif row.status != 200:
            row.verdict = f"HTTP {row.status}" + (" (route missing?)" if row.status == 404 else "")
        else:
            row.verdict = "PASS" if row.p95_ms <= row.target_ms else "FAIL"
    out.write_text(json.dumps([asdict(r) for r in rows]))
    return 0


def large_project_rows(db: str, *, reps: int, warmup: int) -> list[Row]:
    """The 2,000-task project, as its manager: the Gantt page, a duration change that reschedules the whole
    project in the same request (a browser session with its CSRF token), and the schedule API."""
    from django.test import Client

    from portfolium.projects.models import Project, Task

    project = Project.objects.select_related("manager").get(code=generate.LARGE_PROJECT_CODE)
    who = "project manager"
    # The first task of the first phase: every other task follows it, so each change moves the whole plan.
    head = generate.large_project_head(project)
    if head is None or project.manager is None:
        raise RuntimeError(f"{project.code} has no first task or no manager: rebuild the scratch database")
    original = head.duration_minutes
    # Alternate, so that every request really changes the plan; four weeks is more than any pinned start absorbs.
    durations = [original + 20 * 480, original]
    # As a browser: the API refuses a session write without the CSRF token.
    client = Client(enforce_csrf_checks=True)
    client.force_login(project.manager)
    gantt, schedule_api, task_api = (
        f"/projects/{project.pk}/gantt/",
        f"/api/projects/{project.pk}/schedule",
        f"/api/tasks/{head.pk}",
    )
    client.get(gantt)  # sets the CSRF cookie, as the page would before the first edit
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""

    def patch(n: int) -> Any:
        response = client.patch(
            task_api,
            data=json.dumps({"duration_minutes": durations[n % 2]}),
            content_type="application/json",
            headers={"X-CSRFToken": csrf},
        )
        if response.status_code != 200:
            print(
                f"{db}: PATCH {task_api} answered {response.status_code}: {response.content[:300]!r}",
                file=sys.stderr,
            )
        return response

    # Check that a change really moves the plan (two untimed requests: the plan ends as it was).
    starts = [dict(Task.objects.filter(project=project).values_list("id", "start"))]
    finishes = []
    for n in (0, 1):
        patch(n)
        starts.append(dict(Task.objects.filter(project=project).values_list("id", "start")))
        finishes.append(Project.objects.values_list("scheduled_finish", flat=True).get(pk=project.pk))
    moved = sum(1 for pk, start in starts[1].items() if start != starts[0].get(pk))
    print(
        f"{db}: {project.code} ({project.task_count:,} tasks) finishes on {finishes[0]} with task {head.pk} "
        f"lasting {durations[0]} min, on {finishes[1]} with {durations[1]} min; the longer duration moves "
        f"{moved:,} tasks' start",
        file=sys.stderr,
    )
    rows = []
    for name, path, send, target in (
        ("Gantt page, 2,000 tasks", gantt, None, TARGET_MS),
        ("reschedule: PATCH task", task_api, patch, WRITE_TARGET_MS),
        ("schedule API, 2,000 tasks", schedule_api, None, TARGET_MS),
    ):
        status, median, p95, queries, kbytes, cpu = measure(client, path, reps=reps, warmup=warmup, send=send)
        rows.append(Row(db, name, who, path, status, median, p95, queries, kbytes, cpu, target_ms=target))
        if send is patch and (warmup + reps + 1) % 2:  # leave the cached plan as it was generated
            patch(1)
    return rows


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum would have gathered them on a server that has been running."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the command ----------------------------------------------------------------------------------------------


def print_table(rows: list[Row], reps: int) -> None:
    header = (
        f"{'db':<9}{'request':<28}{'as':<19}{'median ms':>10}{'p95 ms':>9}{'x base':>9}{'cpu ms':>8}"
        f"{'queries':>9}{'KiB':>8}{'target':>8}  result (p95 <= target ms)"
    )
    print()
    print(
        f"Server time over {reps} requests each, after warm-up (Django test client, in process); "
        "x base = median / baseline median; cpu ms = median CPU time of this process"
    )
    print(
        f"Targets: p95 <= {TARGET_MS:.0f} ms for pages and reads; <= {WRITE_TARGET_MS:.0f} ms for the write that "
        "reschedules the 2,000-task project in the same request"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.db:<9}{r.name:<28}{r.who:<19}{r.median_ms:>10.1f}{r.p95_ms:>9.1f}{r.ratio:>9.1f}{r.cpu_ms:>8.1f}"
            f"{r.queries:>9}{r.kbytes:>8.1f}{r.target_ms:>8.0f}  {r.verdict}"
        )
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time the overview page and the project list API on a large org."
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reps", type=int, default=20, help="timed requests per case (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the scratch databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # JSON output path: one database per process
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    if args.child:
        return child(args.db, args.reps, args.warmup, args.rebuild, Path(args.child))

    # Django reads its settings once per process, so each database is measured in a process of its own.
    rows: list[Row] = []
    failed = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        out = CACHE / f"{db}.result.json"
        CACHE.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        command = [
            sys.executable,
            __file__,
            "--db",
            db,
            "--reps",
            str(args.reps),
            "--warmup",
            str(args.warmup),
            "--child",
            str(out),
        ] + (["--rebuild"] if args.rebuild else [])
        if subprocess.run(command, check=False).returncode != 0 or not out.exists():
            failed.append(db)
            continue
        rows += [Row(**r) for r in json.loads(out.read_text())]
    if rows:
        print_table(rows, args.reps)
    if failed:
        print(f"Not measured: {', '.join(failed)} (see the errors above).", file=sys.stderr)
    return 1 if failed or any(r.verdict == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
