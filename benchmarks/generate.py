"""Build the large organisation the benchmarks measure: 1,000 projects, 100,000 tasks, 2,000 people, plus one
2,000-task project.

It reuses the demo seed with a bigger size, so it is deterministic and realistic in the same way, then adds one
large project (:func:`large_project_add`) to time a whole reschedule in a request. Run it on its own to fill any
empty, migrated database: ``DATABASE_URL=... python benchmarks/generate.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from portfolium.cli import ProgressBar  # noqa: E402  (the path above must come first)

if TYPE_CHECKING:
    from portfolium.demo.seed import OrgSize, SeedResult
    from portfolium.projects.models import Project

BENCH_SEED = 1000
GENERATOR_VERSION = "2"  # bump when the generated data changes, so cached databases are rebuilt

#: The one large project added beside the demo organisation (its code, and its size in WBS rows).
LARGE_PROJECT_CODE = "ERP-2000"
LARGE_PROJECT_TASKS = 2000
LINKS_PER_TASK = 1.1
WORKSTREAMS = ["Finance", "Supply chain", "Sales & service", "HR & payroll", "Data & reporting"]
RELEASES = ["Release 1", "Release 2", "Release 3", "Release 4"]
RELEASE_PHASES = ["Design", "Build", "Test", "Deployment", "Training & change"]


def configure(database_url: str) -> None:
    """Point Django at ``database_url`` with throwaway settings for a benchmark process, and start it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("PORTFOLIUM_SECRET_KEY", "benchmark-only-key-" + "x" * 48)
    os.environ.setdefault("PORTFOLIUM_DATA_DIR", str(ROOT / "benchmarks" / ".cache"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portfolium.settings"
    # whitenoise warns about a missing STATIC_ROOT; the settings put it under the data directory
    (Path(os.environ["PORTFOLIUM_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def generate(*, seed: int = BENCH_SEED, size: OrgSize | None = None) -> SeedResult:
    """Seed the large organisation into the current (empty, migrated) database with a progress bar."""
    from portfolium.demo.seed import LARGE_SIZE, demo_seed

    bar = ProgressBar("Generating")
    result = demo_seed(seed=seed, size=size or LARGE_SIZE, progress=bar.update)
    c = result.counts
    bar.finish(
        f"{c['projects']:,} projects, {c['tasks']:,} tasks, {c['people']:,} people, "
        f"{c['dependencies']:,} dependencies"
    )
    bar = ProgressBar("Large plan")
    project = large_project_add(seed=seed)
    bar.finish(
        f"{LARGE_PROJECT_CODE}: {project.task_count:,} tasks, {project.dependencies.count():,} links, "
        f"scheduled to finish {project.scheduled_finish}"
    )
    return result


# --- the 2,000-task project ---------------------------------------------------------------------------------


def large_project_add(*, seed: int = BENCH_SEED, tasks: int = LARGE_PROJECT_TASKS) -> Project:
    """Add one project of exactly ``tasks`` WBS rows to a seeded organisation, and schedule it once.

    Five workstreams (level 0) of twenty phases (four releases of design, build, test, deployment and training),
    each phase about eighteen tasks and a closing milestone: the phases of a release follow one another, a release's
    design starts when the previous release's design is signed off, and each workstream starts when the previous
    one's first release is designed. Inside a phase work runs partly in
    parallel. About ``LINKS_PER_TASK`` links per row, all forward in WBS order (so no loop): mostly finish-to-start,
    some start-to-start and finish-to-finish, a fifth with a lag or a lead. It sits in the first programme, run
    by a project manager of the demo with a crew of contributors, on the organisation's default calendar.
    """
    from django.db import transaction

    from portfolium.accounts.models import Membership, Role, User
    from portfolium.demo.seed import default_anchor
    from portfolium.demo.vocabulary import MILESTONES, OBJECTS, VERBS
    from portfolium.portfolios.models import Program
    from portfolium.projects.models import Project, Stage, Task, TaskDependency, TaskKind
    from portfolium.scheduling.services import schedule_recalculate

    rng = random.Random(seed * 31 + 2000)
    n_phases = len(WORKSTREAMS) * len(RELEASES) * len(RELEASE_PHASES)
    n_leaves = tasks - len(WORKSTREAMS) - 2 * n_phases
    if n_leaves < n_phases:
        raise ValueError(f"{tasks} rows are too few for {n_phases} phases")
    with transaction.atomic():
        program = Program.objects.select_related("portfolio").order_by("id").first()
        if program is None:
            raise ValueError("seed the organisation first: the large project joins its first programme")
        template = Project.objects.filter(program=program).select_related("manager").order_by("id").first()
        manager = template.manager if template and template.manager else User.objects.order_by("id").first()
        if manager is None:
            raise ValueError("seed the organisation first: the large project needs a manager")
        crew = list(
            User.objects.filter(memberships__project__program=program, memberships__role=Role.CONTRIBUTOR)
            .exclude(pk=manager.pk)
            .distinct()
            .order_by("id")[:12]
        ) or [manager]
        start = default_anchor() + dt.timedelta(days=14)
        project = Project.objects.create(
            portfolio=program.portfolio,
            program=program,
            code=LARGE_PROJECT_CODE,
            name="Enterprise resource planning rollout",
            manager=manager,
            sponsor=program.manager,
            description="Five workstreams, four releases each: the largest plan in the organisation.",
            stage=Stage.PLANNING,
            start=start,
            finish=start + dt.timedelta(days=3 * 365),
        )
        Membership.objects.bulk_create(
            [Membership(user=manager, project=project, role=Role.MANAGER)]
            + [Membership(user=u, project=project, role=Role.CONTRIBUTOR) for u in crew]
        )

        # The WBS, level by level (a parent's id is needed before its children are written).
        shares = [n_leaves // n_phases + (1 if i < n_leaves % n_phases else 0) for i in range(n_phases)]
        streams = Task.objects.bulk_create(
            [
                Task(project=project, position=i, kind=TaskKind.PHASE, name=name, owner=manager)
                for i, name in enumerate(WORKSTREAMS)
            ]
        )
        phase_rows: list[Task] = []
        for stream in streams:
            for r, release in enumerate(RELEASES):
                for k, step in enumerate(RELEASE_PHASES):
                    phase_rows.append(
                        Task(
                            project=project,
                            parent=stream,
                            position=r * len(RELEASE_PHASES) + k,
                            kind=TaskKind.PHASE,
                            name=f"{stream.name}: {release} {step.lower()}",
                            owner=manager,
                        )
                    )
        phases = Task.objects.bulk_create(phase_rows)
        rows: list[Task] = []
        per_phase: list[tuple[list[Task], Task]] = []  # each phase's leaves in order, and its milestone
        for p, phase in enumerate(phases):
            kind_name = RELEASE_PHASES[p % len(RELEASE_PHASES)]
            release = RELEASES[(p // len(RELEASE_PHASES)) % len(RELEASES)]
            leaves = []
            for j in range(shares[p]):
                owner = rng.choice(crew)
                half_days = max(1, min(40, round(rng.lognormvariate(math.log(8), 0.7))))
                name = f"{rng.choice(VERBS[kind_name])} {rng.choice(OBJECTS)}"
                leaf = Task(
                    project=project,
                    parent=phase,
                    position=j,
                    kind=TaskKind.TASK,
                    owner=owner,
                    name=name[0].upper() + name[1:],
                    duration_minutes=half_days * 240,
                    estimate_hours=Decimal(half_days * 4),
                )
                leaves.append(leaf)
            milestone = Task(
                project=project,
                parent=phase,
                position=len(leaves),
                kind=TaskKind.MILESTONE,
                name=f"{release}: {MILESTONES[kind_name].lower()}",
                owner=manager,
                duration_minutes=0,
            )
            rows += [*leaves, milestone]
            per_phase.append((leaves, milestone))
        Task.objects.bulk_create(rows, batch_size=2000)
        Task.assignees.through.objects.bulk_create(
            [
                Task.assignees.through(task_id=t.pk, user_id=t.owner_id)
                for t in rows
                if t.kind == TaskKind.TASK
            ],
            batch_size=2000,
        )
        TaskDependency.objects.bulk_create(
            [
                TaskDependency(project=project, predecessor=a, successor=b, type=kind, lag=lag, lag_unit=unit)
                for a, b, kind, lag, unit in _large_links(rng, per_phase, round(LINKS_PER_TASK * tasks))
            ],
            batch_size=2000,
        )
        schedule_recalculate(project=project, cascade=False)
        # A few starts pinned a little after where the network puts them (a supplier's date, a freeze window),
        # so a change upstream can still move them: the plan is scheduled again with them.
        pinned = [t for t in rows if t.kind == TaskKind.TASK and rng.random() < 0.01]
        for row in Task.objects.filter(pk__in=[t.pk for t in pinned], start__isnull=False).only(
            "id", "start"
        ):
            assert row.start is not None
            row.constraint_type = "SNET"
            row.constraint_date = row.start + dt.timedelta(days=rng.randint(0, 10))
            row.save(update_fields=["constraint_type", "constraint_date"])
        schedule_recalculate(project=project, cascade=False)
        project.refresh_from_db()
    return project


def large_project_head(project: Project) -> Any:
    """The first task of the large project's network: the one task that follows nothing (the others all
    follow it, directly or not)."""
    from portfolium.projects.models import Task, TaskKind

    return (
        Task.objects.filter(project=project, kind=TaskKind.TASK, predecessor_links__isnull=True)
        .order_by("id")
        .first()
    )


def _large_links(
    rng: random.Random, per_phase: list[tuple[list[Any], Any]], target: int
) -> list[tuple[Any, Any, str, Decimal, str]]:
    """The network of the large project: ``(predecessor, successor, type, lag, unit)``, ``target`` of them."""
    per_stream = len(RELEASES) * len(RELEASE_PHASES)
    links: list[tuple[Any, Any, str, Decimal, str]] = []
    pairs: set[tuple[int, int]] = set()

    def link(a: Any, b: Any, kind: str = "FS", lag: Decimal | None = None, unit: str = "d") -> None:
        if (id(a), id(b)) in pairs:
            return
        pairs.add((id(a), id(b)))
        # An ordinary finish-to-start: mostly no wait; some drying time, a lead or a few hours.
        if lag is None:
            roll = rng.random()
            lag, unit = (
                (Decimal(2), "ed")
                if roll < 0.04
                else (Decimal(-1), "d")
                if roll < 0.08
                else (Decimal(4), "h")
                if roll < 0.11
                else (Decimal(0), "d")
            )
        links.append((a, b, kind, lag, unit))

    order: list[Any] = []  # every leaf and milestone, in WBS order: links only run forward along it
    for p, (leaves, milestone) in enumerate(per_phase):
        stream, within = divmod(p, per_stream)
        release, step = divmod(within, len(RELEASE_PHASES))
        if step:
            entry = per_phase[p - 1][1]  # the previous phase's milestone
        elif release:  # releases overlap: the next one's design starts when this one's is signed off
            entry = per_phase[p - len(RELEASE_PHASES)][1]
        elif stream:
            entry = per_phase[(stream - 1) * per_stream][1]  # the previous workstream's first design sign-off
        else:
            entry = None
        for j, leaf in enumerate(leaves):
            if j == 0 or (rng.random() < 0.2 and entry is not None):
                if entry is not None:
                    link(entry, leaf)
                elif j:
                    link(leaves[0], leaf, "SS", Decimal(1), "d")
            else:
                back = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
                link(leaves[max(0, j - back)], leaf)
        link(leaves[-1], milestone, lag=Decimal(0))
        if len(leaves) > 1:
            link(leaves[-2], milestone, lag=Decimal(0))
        order += [*leaves, milestone]
    position = {id(t): i for i, t in enumerate(order)}
    attempts = 0
    while len(links) < target and attempts < 50 * target:
        attempts += 1
        i = rng.randrange(len(order) - 2)
        j = rng.randrange(i + 1, min(len(order), i + 12))
        a, b = order[i], order[j]
        if a.kind != b.kind or a.kind != "task" or position[id(a)] >= position[id(b)]:
            continue
        roll = rng.random()
        if roll < 0.45:
            link(a, b, "SS", Decimal(rng.choice([25, 50, 75])), "%")
        elif roll < 0.7:
            link(a, b, "SS", Decimal(rng.randint(1, 3)), "d")
        elif roll < 0.9:
            link(a, b, "FF", Decimal(rng.randint(0, 2)), "d")
        else:
            link(a, b, "FS")
    return links


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=BENCH_SEED)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("set DATABASE_URL to the (empty) database to fill", file=sys.stderr)
        return 2
    configure(url)
    from django.core.management import call_command

    from portfolium.demo.seed import organisation_is_seeded

    call_command("migrate", interactive=False, verbosity=0)
    if organisation_is_seeded():
        print("the database already holds an organisation: use an empty one", file=sys.stderr)
        return 1
    generate(seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
