"""Seed a realistic organisation, the same one every time for a given seed: the demo, tests and benchmarks.

Everything is drawn from ``random.Random(seed)`` and dated around an anchor day ("today" in the story the data
tells: by default the Monday of the current week, so the demo always looks current), so two seeds with the same
arguments write identical data. Rows go in with ``bulk_create``; every project is then scheduled by the real
service (calendars with public holidays, durations, mixed links, constraints, actuals), so its dates, floats
and rollups are what the product computes itself. Active projects carry baselines saved before their slips.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from portfolium.accounts.models import Membership, Role, Team, User
from portfolium.audit.models import AuditAction, AuditEvent
from portfolium.audit.services import audit_record
from portfolium.demo.vocabulary import (
    AMBER_REASONS,
    BLOCKED_REASONS,
    CANCEL_REASONS,
    COMPONENTS,
    EXECUTIVES,
    FIRST_NAMES,
    GOALS,
    HOLD_REASONS,
    INVESTMENT_CATEGORIES,
    LAST_NAMES,
    MILESTONES,
    OBJECTS,
    PHASES,
    PORTFOLIOS,
    PROGRAMS,
    PROJECT_NAMES,
    RED_REASONS,
    REGIONS,
    STAGE_ELAPSED,
    STAGE_WEIGHTS,
    TAGS,
    TEAM_TITLES,
    TEAMS,
    VERBS,
)
from portfolium.portfolios.models import (
    CustomFieldDefinition,
    FieldTarget,
    FieldType,
    Portfolio,
    Program,
    StrategicGoal,
)
from portfolium.projects.models import (
    ConstraintType,
    Health,
    Priority,
    Project,
    ProjectGoal,
    Stage,
    Tag,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)
from portfolium.scheduling.models import CalendarException, WorkCalendar
from portfolium.scheduling.services import baseline_save, schedule_recalculate

Progress = Callable[[int, int, str], None]

DEMO_PASSWORD = "portfolium-demo"
ADMIN_USERNAME = "admin"
DEMO_SEED = 2026


def default_anchor() -> dt.date:
    """The Monday of the current week: the demo's story is always current, and stable for a week."""
    from django.utils import timezone

    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


BATCH = 2000
HEAD_OF_PMO = "Head of PMO"


@dataclass(frozen=True)
class OrgSize:
    people: int
    teams: int
    portfolios: int
    programs: int
    projects: int
    tasks: int  # in all projects together, phases and milestones included


DEMO_SIZE = OrgSize(people=60, teams=8, portfolios=4, programs=8, projects=40, tasks=2200)
LARGE_SIZE = OrgSize(people=2000, teams=80, portfolios=12, programs=60, projects=1000, tasks=100_000)


@dataclass
class SeedResult:
    password: str
    admin: str  # organisation administrator
    portfolio_manager: str  # manager of every top-level portfolio: sees all projects
    program_manager: str
    project_manager: str
    contributor: str
    viewer: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _acronym(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[0].isalnum()]
    return "".join(w[0] for w in words[:4]).upper()


def organisation_is_seeded() -> bool:
    """True once any portfolio exists: the seed never writes over an organisation already in use."""
    return Portfolio.objects.exists()


def demo_portfolio_manager() -> str:
    """The username of the person who manages every top-level portfolio of a seeded organisation."""
    user = User.objects.filter(job_title=HEAD_OF_PMO).order_by("id").first()
    return user.username if user else ADMIN_USERNAME


@transaction.atomic
def organisation_wipe() -> None:
    """Delete every portfolio, project, person, team and audit event."""
    AuditEvent.objects.all().delete()
    Membership.objects.all().delete()
    TaskDependency.objects.all().delete()
    Task.objects.all().delete()
    Project.objects.all().delete()
    WorkCalendar.objects.all().delete()
    Program.objects.all().delete()
    while Portfolio.objects.exists():  # parents are protected: delete leaves first
        Portfolio.objects.filter(children__isnull=True).delete()
    Tag.objects.all().delete()
    Team.objects.all().delete()
    User.objects.all().delete()


def demo_seed(
    *, seed: int = DEMO_SEED, size: OrgSize = DEMO_SIZE, progress: Progress | None = None,
    anchor: dt.date | None = None,
) -> SeedResult:
    """Write a whole organisation into an empty database (in one transaction) and say who can sign in.

    ``anchor`` is the day the story is told on (default: :func:`default_anchor`).
    """
    started = time.perf_counter()
    with transaction.atomic():
        result = _Builder(seed=seed, size=size, progress=progress, anchor=anchor or default_anchor()).run()
    result.seconds = time.perf_counter() - started
    return result


# --- the builder ------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    name: str
    kind: str
    level: int
    parent: _Node | None
    position: int
    start: dt.date | None = None
    finish: dt.date | None = None
    status: str = TaskStatus.NOT_STARTED
    percent: int = 0
    blocked_reason: str = ""
    estimate: Decimal | None = None
    owner: int | None = None
    assignees: list[int] = field(default_factory=list)
    priority: int = Priority.MEDIUM
    custom: dict[str, Any] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)
    obj: Task | None = None
    duration: int = 480
    four_day: bool = False
    constraint: str = ConstraintType.ASAP
    constraint_date: dt.date | None = None
    deadline: dt.date | None = None


@dataclass
class _ProjectPlan:
    project: Project
    nodes: list[_Node]  # WBS order: a parent before its children
    deps: list[tuple[_Node, _Node, str, int]]
    phases: list[tuple[_Node, list[_Node], _Node]] = field(default_factory=list)


class _Builder:
    def __init__(self, *, seed: int, size: OrgSize, progress: Progress | None, anchor: dt.date) -> None:
        self.anchor = anchor
        self.rng = random.Random(seed)
        # Scheduling details draw from their own stream, so the organisation itself stays what it was.
        self.plan_rng = random.Random(seed * 7919 + 1)
        self.size = size
        self.report = progress or (lambda done, total, label: None)
        self.total_steps = 9 + 7 * size.projects  # planning 1, writing 5, scheduling 1 per project
        self.step = 0.0

    def tick(self, label: str, n: float = 1) -> None:
        self.step += n
        self.report(min(round(self.step), self.total_steps), self.total_steps, label)

    def insert(self, model: Any, objs: list[Any], label: str) -> None:
        """``bulk_create`` in slices, reporting progress worth one step per project."""
        per_slice = self.size.projects * BATCH / max(len(objs), 1)
        for i in range(0, len(objs), BATCH):
            model.objects.bulk_create(objs[i:i + BATCH])
            self.tick(label, per_slice * min(BATCH, len(objs) - i) / BATCH)
        if not objs:
            self.tick(label, self.size.projects)

    def run(self) -> SeedResult:
        self.people()
        self.teams()
        self.calendars()
        self.portfolios()
        self.programs()
        self.projects()
        self.tasks()
        self.memberships()
        self.schedule()
        self.audit()
        counts = {
            "people": User.objects.count(), "teams": Team.objects.count(), "portfolios": Portfolio.objects.count(),
            "programs": Program.objects.count(), "projects": Project.objects.count(), "tasks": Task.objects.count(),
            "dependencies": TaskDependency.objects.count(), "memberships": Membership.objects.count(),
            "calendars": WorkCalendar.objects.count(),
            "baselines": sum(1 for _ in self.baselines),
        }
        return SeedResult(
            password=DEMO_PASSWORD, admin=ADMIN_USERNAME, portfolio_manager=self.head_of_pmo.username,
            program_manager=self.program_managers[0].username, project_manager=self.project_managers[0].username,
            contributor=self.first_contributor.username, viewer=self.executives[0].username, counts=counts,
        )

    # people and teams -------------------------------------------------------------------------------------

    def people(self) -> None:
        rng, size = self.rng, self.size
        password = make_password(DEMO_PASSWORD)  # one hash for everyone: hashing 2,000 times would take minutes
        combos = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
        picked = rng.sample(combos, size.people)
        n_exec = max(6, size.people // 100)
        n_pm = max(10, size.projects // 6)
        roles = (["pmo-head"] + ["exec"] * n_exec + ["lead"] * size.portfolios + ["program"] * size.programs
                 + ["pm"] * n_pm)
        roles += ["contributor"] * (size.people - len(roles))
        delivery = [name for name, _ in TEAMS[1:]]
        users = [User(username=ADMIN_USERNAME, display_name="Demo Administrator", email="admin@example.com",
                      job_title="Organisation administrator", is_superuser=True, is_staff=True, password=password)]
        self.role_of: dict[str, str] = {}
        self.home_team: dict[str, str] = {}
        for i, ((first, last), role) in enumerate(zip(picked, roles, strict=True)):
            username = _ascii(f"{first}.{last}")
            if role == "pmo-head":
                title, team = HEAD_OF_PMO, "PMO"
            elif role == "exec":
                title, team = EXECUTIVES[i % len(EXECUTIVES)], ""
            elif role == "lead":
                title, team = "Portfolio Director", "PMO"
            elif role == "program":
                title, team = "Programme Manager", "PMO"
            elif role == "pm":
                title, team = rng.choice(["Project Manager", "Senior Project Manager", "Delivery Manager"]), "PMO"
            else:
                team = delivery[i % len(delivery)]
                title = rng.choice(TEAM_TITLES[team])
            self.role_of[username] = role
            self.home_team[username] = team
            users.append(User(username=username, display_name=f"{first} {last}", email=f"{username}@example.com",
                              job_title=title, password=password))
        User.objects.bulk_create(users, batch_size=BATCH)
        everyone = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
        people = [everyone[u.username] for u in users[1:]]
        self.admin = everyone[ADMIN_USERNAME]
        by_role: dict[str, list[User]] = {}
        for person in people:
            by_role.setdefault(self.role_of[person.username], []).append(person)
        self.people_list = people
        self.head_of_pmo = by_role["pmo-head"][0]
        self.executives = by_role["exec"]
        self.leads = by_role["lead"]
        self.program_managers = by_role["program"]
        self.project_managers = by_role["pm"]
        self.contributors = by_role["contributor"]
        self.first_contributor = self.contributors[0]
        self.tick("Adding people")

    def teams(self) -> None:
        n = self.size.teams
        base = [name for name, _ in TEAMS]
        teams: list[Team] = []
        self.team_of_base: dict[str, list[Team]] = {}
        for i in range(n):
            name, description = TEAMS[i % len(TEAMS)]
            wave = i // len(TEAMS)
            full = name if wave == 0 else f"{name} {REGIONS[(wave - 1) % len(REGIONS)]}"
            if wave > len(REGIONS):
                full = f"{full} {wave}"
            teams.append(Team(name=full, description=description))
        Team.objects.bulk_create(teams, batch_size=BATCH)
        teams = list(Team.objects.filter(name__in=[t.name for t in teams]).order_by("id"))
        for team in teams:
            key = next(b for b in sorted(base, key=len, reverse=True) if team.name.startswith(b))
            self.team_of_base.setdefault(key, []).append(team)
        self.pmo_team = self.team_of_base["PMO"][0]
        self.team_members: dict[int, list[User]] = {t.pk: [] for t in teams}
        for person in self.people_list:
            home = self.home_team[person.username]
            if home:
                options = self.team_of_base[home]
                self.team_members[options[hash_index(person.username, len(options))].pk].append(person)
        Through = Team.members.through
        Through.objects.bulk_create(
            [Through(team_id=t, user_id=u.pk) for t, members in self.team_members.items() for u in members],
            batch_size=BATCH,
        )
        self.teams_list = teams
        self.tick("Forming teams")

    # working calendars ------------------------------------------------------------------------------------

    def calendars(self) -> None:
        """A default calendar with public holidays (fixed dates and "last Monday of May"), a four-day week for a
        part-time crew, and a company away day near the story day."""
        years = (self.anchor.year - 3, self.anchor.year + 3)
        self.standard = WorkCalendar.objects.create(
            name="Standard", is_default=True,
            description="Monday to Friday, 08:00-12:00 and 13:00-17:00, with public holidays",
        )
        self.four_day = WorkCalendar.objects.create(
            name="Four-day week", minutes_per_day=540, week=[[[480, 720], [780, 1080]]] * 4 + [[], [], []],
            description="Monday to Thursday, 08:00-12:00 and 13:00-18:00, with public holidays",
        )
        first, last = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
        rows: list[CalendarException] = []
        for calendar in (self.standard, self.four_day):
            yearly = [("New Year's Day", 1, 1), ("Christmas Day", 12, 25), ("Boxing Day", 12, 26)]
            rows += [CalendarException(calendar=calendar, name=name, start=first, finish=last, recurrence="yearly",
                                       month=month, month_day=day) for name, month, day in yearly]
            rows += [
                CalendarException(calendar=calendar, name="Early May bank holiday", start=first, finish=last,
                                  recurrence="yearly", month=5, week_of_month=1, weekday=0),
                CalendarException(calendar=calendar, name="Spring bank holiday", start=first, finish=last,
                                  recurrence="yearly", month=5, week_of_month=5, weekday=0),
            ]
        away = self.anchor + dt.timedelta(days=18)  # a Friday three weeks on
        rows.append(CalendarException(calendar=self.standard, name="Company away day", start=away, finish=away))
        CalendarException.objects.bulk_create(rows)
        self.tick("Setting working calendars")

    # portfolios, programs, goals, custom fields ---------------------------------------------------------------

    def portfolios(self) -> None:
        rng = self.rng
        defs = list(PORTFOLIOS[: self.size.portfolios])
        for i in range(len(defs), self.size.portfolios):
            defs.append((f"PF{i + 1}", f"Portfolio {i + 1}", None))
        self.portfolio_by_code: dict[str, Portfolio] = {}
        for (code, name, parent), lead in zip(defs, self.leads, strict=True):
            portfolio = Portfolio(code=code, name=name, owner=lead, parent=self.portfolio_by_code.get(parent or ""),
                                  description=f"Projects that move {name.lower()} forward.")
            portfolio.save()  # one by one: children need the parent's id
            self.portfolio_by_code[code] = portfolio
        self.portfolio_list = list(self.portfolio_by_code.values())
        self.roots = [p for p in self.portfolio_list if p.parent_id is None]
        goals: list[StrategicGoal] = []
        for portfolio in self.portfolio_list:
            for i, (name, description) in enumerate(rng.sample(GOALS, 3)):
                goals.append(StrategicGoal(portfolio=portfolio, code=f"G{i + 1}", name=name, description=description,
                                           weight=Decimal(rng.choice(["1", "1.5", "2", "3"]))))
        StrategicGoal.objects.bulk_create(goals, batch_size=BATCH)
        self.goals_of: dict[int, list[StrategicGoal]] = {}
        for goal in StrategicGoal.objects.order_by("id"):
            self.goals_of.setdefault(goal.portfolio_id, []).append(goal)
        fields: list[CustomFieldDefinition] = []
        for root in self.roots:
            fields += [
                CustomFieldDefinition(portfolio=root, target=FieldTarget.PROJECT, key="investment_category",
                                      label="Investment category", field_type=FieldType.CHOICE,
                                      choices=INVESTMENT_CATEGORIES, position=0),
                CustomFieldDefinition(portfolio=root, target=FieldTarget.PROJECT, key="npv", label="Business case NPV",
                                      field_type=FieldType.NUMBER, position=1),
                CustomFieldDefinition(portfolio=root, target=FieldTarget.TASK, key="component", label="Component",
                                      field_type=FieldType.TEXT, position=0),
            ]
        CustomFieldDefinition.objects.bulk_create(fields)
        self.tick("Building portfolios")

    def programs(self) -> None:
        programs: list[Program] = []
        codes = list(self.portfolio_by_code)
        for i in range(self.size.programs):
            code, name, portfolio_code = PROGRAMS[i % len(PROGRAMS)]
            wave = i // len(PROGRAMS)
            if wave:
                code, name = f"{code}{wave + 1}", f"{name} – wave {wave + 1}"
                portfolio_code = codes[i % len(codes)]
            portfolio = self.portfolio_by_code.get(portfolio_code) or self.roots[i % len(self.roots)]
            programs.append(Program(code=code, name=name, portfolio=portfolio, manager=self.program_managers[i],
                                    description=f"The {name} programme."))
        Program.objects.bulk_create(programs, batch_size=BATCH)
        self.program_list = list(Program.objects.filter(code__in=[p.code for p in programs]).order_by("id"))
        self.tick("Grouping programmes")

    # projects ---------------------------------------------------------------------------------------------

    def projects(self) -> None:
        rng, n = self.rng, self.size.projects
        stages = list(STAGE_WEIGHTS)
        drawn = rng.sample(stages, len(stages)) + rng.choices(stages, weights=list(STAGE_WEIGHTS.values()), k=n)
        drawn = drawn[:n]
        tags = [Tag(name=t) for t in TAGS]
        Tag.objects.bulk_create(tags, ignore_conflicts=True)
        tag_ids = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "id"))
        projects: list[Project] = []
        project_tags: list[tuple[int, list[str]]] = []
        self.project_team: list[tuple[User, list[User], Team]] = []
        for i in range(n):
            base = PROJECT_NAMES[i % len(PROJECT_NAMES)]
            wave = i // len(PROJECT_NAMES)
            name = base if wave == 0 else f"{base} – {REGIONS[(wave - 1) % len(REGIONS)]}"
            if wave > len(REGIONS):
                name = f"{name} {wave}"
            stage = drawn[i]
            if rng.random() < 0.7:
                program = rng.choice(self.program_list)
                portfolio = next(p for p in self.portfolio_list if p.pk == program.portfolio_id)
            else:
                program, portfolio = None, rng.choice(self.portfolio_list)
            duration = rng.randint(150, 420)
            lo, hi = STAGE_ELAPSED[stage]
            start = self.anchor - dt.timedelta(days=round(rng.uniform(lo, hi) * duration))
            health, reason = self._health(stage)
            manager = self.project_managers[i % len(self.project_managers)]
            team = self.teams_list[1 + rng.randrange(len(self.teams_list) - 1)] if len(self.teams_list) > 1 else self.pmo_team
            own = list(self.team_members[team.pk])
            k = rng.randint(4, 8)
            crew = rng.sample(own, min(len(own), k - 2)) if own else []
            others = [u for u in self.contributors if u not in crew]
            crew += rng.sample(others, min(len(others), k - len(crew)))
            self.project_team.append((manager, crew, team))
            custom: dict[str, Any] = {"investment_category": rng.choice(INVESTMENT_CATEGORIES)}
            if stage != Stage.INITIATION or rng.random() < 0.3:
                custom["npv"] = rng.randrange(-200, 5000) * 1000
            projects.append(Project(
                portfolio=portfolio, program=program, code=f"{_acronym(base)}-{i + 1:03d}", name=name,
                description=f"{name} for the {portfolio.name} portfolio.", sponsor=rng.choice(self.executives),
                manager=manager, stage=stage, start=start, finish=start + dt.timedelta(days=duration),
                priority=rng.choices(list(Priority.values), weights=[2, 5, 3, 1])[0], health=health,
                health_reason=reason, custom_fields=custom,
            ))
            project_tags.append((i, rng.sample(TAGS, rng.randint(1, 3))))
        Project.objects.bulk_create(projects, batch_size=BATCH)
        self.project_list = list(Project.objects.filter(code__in=[p.code for p in projects]).order_by("id"))
        Through = Project.tags.through
        Through.objects.bulk_create(
            [Through(project_id=self.project_list[i].pk, tag_id=tag_ids[t]) for i, names in project_tags for t in names],
            batch_size=BATCH,
        )
        links: list[ProjectGoal] = []
        for project in self.project_list:
            goals = self.goals_of[project.portfolio_id]
            for goal in rng.sample(goals, rng.randint(1, 2)):
                links.append(ProjectGoal(project=project, goal=goal, contribution=rng.choice([25, 50, 75, 100])))
        ProjectGoal.objects.bulk_create(links, batch_size=BATCH)
        self.tick("Planning projects")

    def _health(self, stage: str) -> tuple[str, str]:
        rng = self.rng
        if stage == Stage.CLOSED:
            return Health.GREEN, "Closed: benefits handed over to the business"
        if stage == Stage.CANCELLED:
            return Health.RED, rng.choice(CANCEL_REASONS)
        if stage == Stage.ON_HOLD:
            return Health.AMBER, rng.choice(HOLD_REASONS)
        health = rng.choices([Health.GREEN, Health.AMBER, Health.RED], weights=[60, 28, 12])[0]
        if health == Health.GREEN:
            return health, rng.choice(["On track", "On track; risks under control", ""])
        return health, rng.choice(AMBER_REASONS if health == Health.AMBER else RED_REASONS)

    # tasks ------------------------------------------------------------------------------------------------

    def tasks(self) -> None:
        rng, n = self.rng, self.size.projects
        sizes = [rng.randint(70, 130) for _ in range(n)]
        scale = self.size.tasks / sum(sizes)
        sizes = [max(12, round(s * scale)) for s in sizes]
        for i in range(abs(self.size.tasks - sum(sizes))):  # make the total exact
            sizes[i % n] += 1 if self.size.tasks > sum(sizes) else -1
        plans = []
        for project, count, (manager, crew, _team) in zip(self.project_list, sizes, self.project_team, strict=True):
            plans.append(self._plan(project, count, manager, crew))
            self.tick("Planning work")
        for level in range(3):
            objs: list[Task] = []
            for plan in plans:
                for node in plan.nodes:
                    if node.level == level:
                        node.obj = Task(
                            project_id=plan.project.pk, parent_id=node.parent.obj.pk if node.parent and node.parent.obj else None,
                            position=node.position, kind=node.kind, name=node.name, owner_id=node.owner,
                            status=node.status, blocked_reason=node.blocked_reason, priority=node.priority,
                            start=node.start, finish=node.finish, due_date=node.finish, estimate_hours=node.estimate,
                            percent_complete=node.percent, custom_fields=node.custom,
                            duration_minutes=node.duration, calendar=self.four_day if node.four_day else None,
                            constraint_type=node.constraint, constraint_date=node.constraint_date,
                            deadline=node.deadline, **self._actuals(node),
                        )
                        objs.append(node.obj)
            self.insert(Task, objs, "Writing tasks")
        Through = Task.assignees.through
        self.insert(Through, [Through(task_id=node.obj.pk, user_id=u) for plan in plans for node in plan.nodes
                              if node.obj for u in node.assignees], "Assigning people")
        links = [
            TaskDependency(project_id=plan.project.pk, predecessor_id=a.obj.pk, successor_id=b.obj.pk, type=kind,
                           lag=lag, lag_unit=unit)
            for plan in plans for a, b, kind, days in plan.deps if a.obj and b.obj
            for lag, unit in [self._lag(kind, days)]
        ]
        self.insert(TaskDependency, links + self._cross_project_links(plans), "Linking dependencies")
        self.plans = plans

    def _plan(self, project: Project, count: int, manager: User, crew: list[User]) -> _ProjectPlan:
        """Exactly ``count`` WBS nodes: phases, each holding tasks, work packages of subtasks and a milestone."""
        rng = self.rng
        n_phases = max(3, min(len(PHASES), count // 14))
        chosen = sorted({2, *rng.sample(range(len(PHASES)), n_phases - 1)})
        while len(chosen) < n_phases:
            chosen = sorted({*chosen, rng.randrange(len(PHASES))})
        phase_names = [PHASES[i] for i in chosen]
        rest = count - 2 * n_phases
        shares = [rest // n_phases + (1 if i < rest % n_phases else 0) for i in range(n_phases)]
        nodes: list[_Node] = []
        phases: list[tuple[_Node, list[_Node], _Node]] = []  # phase, its leaves in order, its milestone
        used: set[str] = set()
        crew = crew or [manager]
        for p, (phase_name, share) in enumerate(zip(phase_names, shares, strict=True)):
            phase = _Node(name=phase_name, kind=TaskKind.PHASE, level=0, parent=None, position=p, owner=manager.pk)
            nodes.append(phase)
            leaves: list[_Node] = []
            left = share
            while left > 0:
                if left >= 4 and rng.random() < 0.2:
                    k = rng.randint(2, min(4, left - 1))
                    obj = rng.choice(OBJECTS)
                    package = self._task(phase, f"{obj[0].upper()}{obj[1:]} work package", 1, used, crew)
                    package.estimate, package.assignees = None, []
                    nodes.append(package)
                    for _ in range(k):
                        leaf = self._task(package, self._name(phase_name, used, obj), 2, used, crew)
                        nodes.append(leaf)
                        leaves.append(leaf)
                    left -= k + 1
                else:
                    leaf = self._task(phase, self._name(phase_name, used), 1, used, crew)
                    nodes.append(leaf)
                    leaves.append(leaf)
                    left -= 1
            milestone = _Node(name=MILESTONES[phase_name], kind=TaskKind.MILESTONE, level=1, parent=phase,
                              position=len(phase.children), owner=manager.pk)
            phase.children.append(milestone)
            nodes.append(milestone)
            phases.append((phase, leaves, milestone))
        self._schedule(project, phases)
        self._plan_details(phases)
        deps = self._dependencies(phases)
        return _ProjectPlan(project=project, nodes=nodes, deps=deps, phases=phases)

    def _name(self, phase: str, used: set[str], obj: str | None = None) -> str:
        rng = self.rng
        for _ in range(6):
            name = f"{rng.choice(VERBS[phase])} {obj or rng.choice(OBJECTS)}"
            if name not in used:
                break
        else:
            name = f"{name} (part {sum(1 for u in used if u.startswith(name)) + 1})"
        used.add(name)
        return name[0].upper() + name[1:]

    def _task(self, parent: _Node, name: str, level: int, used: set[str], crew: list[User]) -> _Node:
        rng = self.rng
        owner = rng.choice(crew)
        assignees = [owner.pk]
        if rng.random() < 0.4 and len(crew) > 1:
            other = rng.choice(crew)
            if other.pk != owner.pk:
                assignees.append(other.pk)
        node = _Node(
            name=name, kind=TaskKind.TASK, level=level, parent=parent, position=len(parent.children),
            owner=owner.pk, assignees=assignees, estimate=Decimal(rng.choice([4, 8, 12, 16, 24, 32, 40, 60, 80])),
            priority=rng.choices(list(Priority.values), weights=[2, 6, 3, 1])[0],
        )
        if rng.random() < 0.3:
            node.custom = {"component": rng.choice(COMPONENTS)}
        parent.children.append(node)
        return node

    def _schedule(self, project: Project, phases: list[tuple[_Node, list[_Node], _Node]]) -> None:
        """Lay leaves end to end across the project's span, then derive statuses from where the anchor day falls."""
        rng = self.rng
        assert project.start and project.finish
        total_leaves = sum(len(leaves) for _, leaves, _ in phases) or 1
        span = max((project.finish - project.start).days, 2 * total_leaves)
        cursor = project.start
        stage = project.stage
        for phase, leaves, milestone in phases:
            days = max(len(leaves), round(span * len(leaves) / total_leaves))
            step = days / max(len(leaves), 1)
            for j, leaf in enumerate(leaves):
                leaf.start = cursor + dt.timedelta(days=int(j * step))
                leaf.finish = cursor + dt.timedelta(days=max(int((j + 1) * step) - 1, int(j * step)))
                self._status(leaf, stage)
            end = leaves[-1].finish if leaves and leaves[-1].finish else cursor
            milestone.start = milestone.finish = end
            done = stage == Stage.CLOSED or end < self.anchor and stage not in (Stage.INITIATION, Stage.PLANNING)
            milestone.status = TaskStatus.DONE if done else TaskStatus.NOT_STARTED
            milestone.percent = 100 if done else 0
            if done and stage == Stage.CANCELLED and rng.random() < 0.5:
                milestone.status, milestone.percent = TaskStatus.NOT_STARTED, 0
            cursor = end + dt.timedelta(days=1)
            for package in [c for c in phase.children if c.children]:
                self._roll_up(package)
            self._roll_up(phase)

    def _status(self, leaf: _Node, stage: str) -> None:
        rng = self.rng
        assert leaf.start and leaf.finish
        if stage == Stage.CLOSED:
            leaf.status, leaf.percent = TaskStatus.DONE, 100
        elif stage in (Stage.INITIATION, Stage.PLANNING) and leaf.start >= self.anchor - dt.timedelta(days=14):
            pass  # nothing has started beyond early discovery
        elif leaf.finish < self.anchor:
            if stage in (Stage.EXECUTION, Stage.MONITORING) and rng.random() < 0.05:
                leaf.status, leaf.percent = TaskStatus.IN_PROGRESS, rng.choice([60, 70, 80, 90])  # running late
            else:
                leaf.status, leaf.percent = TaskStatus.DONE, 100
        elif leaf.start <= self.anchor:
            if stage == Stage.CANCELLED:
                return
            elapsed = (self.anchor - leaf.start).days / max((leaf.finish - leaf.start).days + 1, 1)
            leaf.percent = max(5, min(95, 5 * round(elapsed * 20)))
            chance = 0.5 if stage == Stage.ON_HOLD else 0.2
            if rng.random() < chance:
                leaf.status = TaskStatus.BLOCKED
                leaf.blocked_reason = rng.choice(HOLD_REASONS if stage == Stage.ON_HOLD else BLOCKED_REASONS)
            else:
                leaf.status = TaskStatus.IN_PROGRESS
        elif leaf.start <= self.anchor + dt.timedelta(days=10) and stage not in (Stage.CANCELLED,) and rng.random() < 0.08:
            leaf.status, leaf.blocked_reason = TaskStatus.BLOCKED, rng.choice(BLOCKED_REASONS)

    @staticmethod
    def _roll_up(parent: _Node) -> None:
        """A parent's dates span its children; its status and percentage summarise its leaves."""
        work = [c for c in parent.children if c.kind != TaskKind.MILESTONE] or parent.children
        leaves: list[_Node] = []
        for child in work:
            leaves.extend(child_leaves(child))
        dated = [c for c in parent.children if c.start and c.finish]
        parent.start = min(c.start for c in dated if c.start) if dated else None
        parent.finish = max(c.finish for c in dated if c.finish) if dated else None
        weight = sum((leaf.estimate or Decimal(8)) for leaf in leaves)
        done = sum((leaf.estimate or Decimal(8)) * leaf.percent for leaf in leaves)
        parent.percent = int(done / weight) if weight else 0
        statuses = {leaf.status for leaf in leaves}
        if statuses == {TaskStatus.DONE} and all(c.status == TaskStatus.DONE for c in parent.children):
            parent.status, parent.percent = TaskStatus.DONE, 100
        elif statuses == {TaskStatus.NOT_STARTED} or not statuses:
            parent.status, parent.percent = TaskStatus.NOT_STARTED, 0
        else:
            parent.status = TaskStatus.IN_PROGRESS
            parent.percent = max(1, min(parent.percent, 99))

    def _dependencies(self, phases: list[tuple[_Node, list[_Node], _Node]]) -> list[tuple[_Node, _Node, str, int]]:
        """Every link runs forward in WBS order, so the network can never hold a cycle."""
        rng = self.rng
        deps: list[tuple[_Node, _Node, str, int]] = []
        order: list[_Node] = []
        previous_milestone: _Node | None = None
        for _phase, leaves, milestone in phases:
            for j, leaf in enumerate(leaves):
                if j == 0 and previous_milestone is not None:
                    deps.append((previous_milestone, leaf, "FS", 0))
                elif j > 0 and rng.random() < 0.75:
                    deps.append((leaves[j - 1], leaf, "FS", 0))
                elif j > 1:
                    deps.append((leaves[j - 2], leaf, "FS", 0))
            if leaves:
                deps.append((leaves[-1], milestone, "FS", 0))
            order += [*leaves, milestone]
            previous_milestone = milestone
        pairs = {(id(a), id(b)) for a, b, _, _ in deps}
        for _ in range(rng.randint(1, 3)):
            if len(order) < 4:
                break
            i = rng.randrange(len(order) - 3)
            j = rng.randrange(i + 2, min(len(order), i + 6))
            a, b = order[i], order[j]
            if (id(a), id(b)) not in pairs and a.kind == b.kind == TaskKind.TASK:
                pairs.add((id(a), id(b)))
                deps.append((a, b, rng.choice(["SS", "FF"]), rng.randint(1, 5)))
        return deps

    # scheduling details -----------------------------------------------------------------------------------

    def _plan_details(self, phases: list[tuple[_Node, list[_Node], _Node]]) -> None:
        """Durations from the laid-out dates, a part-time crew on a four-day week, a few pinned starts, and
        deadlines on some milestones."""
        rng = self.plan_rng
        for _phase, leaves, milestone in phases:
            for leaf in leaves:
                assert leaf.start and leaf.finish
                weekdays = sum(1 for k in range((leaf.finish - leaf.start).days + 1)
                               if (leaf.start + dt.timedelta(days=k)).weekday() < 5)
                leaf.four_day = rng.random() < 0.05
                per_day = 540 if leaf.four_day else 480
                leaf.duration = max(1, weekdays) * per_day
                if rng.random() < 0.25:
                    leaf.duration += per_day // 2  # not everything is a whole number of days
                if leaf.status == TaskStatus.NOT_STARTED and rng.random() < 0.04:
                    leaf.constraint, leaf.constraint_date = ConstraintType.SNET, leaf.start
            milestone.duration = 0
            if rng.random() < 0.3 and milestone.finish:
                milestone.deadline = milestone.finish + dt.timedelta(days=rng.randint(0, 10))

    @staticmethod
    def _actuals(node: _Node) -> dict[str, dt.date | None]:
        """What happened: work that is done or under way started (and finished) on its laid-out dates."""
        started = node.kind != TaskKind.PHASE and not node.children and (
            node.status == TaskStatus.DONE or node.percent > 0
        )
        if not started or node.start is None:
            return {"actual_start": None, "actual_finish": None}
        # People report work on working days: the laid-out dates are calendar days, so move a weekend start
        # to the Monday after and a weekend finish to the Friday before.
        start = node.start + dt.timedelta(days=(7 - node.start.weekday()) % 7 if node.start.weekday() >= 5 else 0)
        finish = None
        if node.status == TaskStatus.DONE and node.finish is not None:
            finish = node.finish - dt.timedelta(days=max(0, node.finish.weekday() - 4))
            finish = max(finish, start)
        return {"actual_start": start, "actual_finish": finish}

    def _lag(self, kind: str, days: int) -> tuple[Decimal, str]:
        """Most finish-to-start links wait for nothing; some wait for drying or delivery (elapsed days), some
        overlap by a lead, some wait hours."""
        if kind != "FS" or days:
            return Decimal(days), "d"
        roll = self.plan_rng.random()
        if roll < 0.03:
            return Decimal(2), "ed"
        if roll < 0.06:
            return Decimal(-1), "d"
        if roll < 0.08:
            return Decimal(4), "h"
        return Decimal(0), "d"

    def _cross_project_links(self, plans: list[_ProjectPlan]) -> list[TaskDependency]:
        """A few hand-offs between projects of the same programme: an earlier project's first milestone
        feeds a later project's second phase. Links only run from lower to higher ids, so no loop."""
        rng = self.plan_rng
        by_program: dict[int, list[_ProjectPlan]] = {}
        for plan in plans:
            if plan.project.program_id:
                by_program.setdefault(plan.project.program_id, []).append(plan)
        links: list[TaskDependency] = []
        for members in by_program.values():
            members.sort(key=lambda p: p.project.pk)
            for before, after in zip(members, members[1:], strict=False):
                if rng.random() >= 0.5 or len(after.phases) < 2 or not after.phases[1][1]:
                    continue
                source = before.phases[0][2]
                target = after.phases[1][1][0]
                if source.obj and target.obj:
                    links.append(TaskDependency(project_id=after.project.pk, predecessor_id=source.obj.pk,
                                                successor_id=target.obj.pk, type="FS"))
        return links

    def schedule(self) -> None:
        """Schedule every project (predecessor projects first), save baselines of the active ones, let some of
        their work slip, and schedule them again: the baseline comparison then shows what moved."""
        rng = self.plan_rng
        self.baselines: list[int] = []
        for project in self.project_list:
            schedule_recalculate(project=project, cascade=False)
            self.tick("Scheduling")
        active = [p for p in self.project_list if p.stage in (Stage.EXECUTION, Stage.MONITORING)]
        for project in active:
            self.baselines.append(baseline_save(actor=self.admin, project=project, name="Approved plan").pk)
            rounds = 2 if rng.random() < 0.4 else 1
            for round_ in range(rounds):
                if round_:
                    self.baselines.append(baseline_save(actor=self.admin, project=project, name="Re-plan").pk)
                open_work = list(Task.objects.filter(project=project, kind=TaskKind.TASK, children__isnull=True)
                                 .exclude(status=TaskStatus.DONE).order_by("id").values_list("id", "duration_minutes"))
                for pk, minutes in rng.sample(open_work, min(len(open_work), rng.randint(1, 3))):
                    Task.objects.filter(pk=pk).update(duration_minutes=minutes + rng.choice([2, 3, 5, 8]) * 480)
                schedule_recalculate(project=project)
        self.tick("Saving baselines")

    # roles ------------------------------------------------------------------------------------------------

    def memberships(self) -> None:
        rng = self.rng
        rows: list[Membership] = []
        for portfolio in self.portfolio_list:
            rows.append(Membership(user=portfolio.owner, portfolio=portfolio, role=Role.ADMIN))
        for root in self.roots:
            rows.append(Membership(user=self.head_of_pmo, portfolio=root, role=Role.MANAGER))
            rows.append(Membership(team=self.pmo_team, portfolio=root, role=Role.VIEWER))
            rows += [Membership(user=e, portfolio=root, role=Role.VIEWER) for e in self.executives]
        for program in self.program_list:
            rows.append(Membership(user_id=program.manager_id, program=program, role=Role.MANAGER))
        for project, (manager, crew, team) in zip(self.project_list, self.project_team, strict=True):
            rows.append(Membership(user=manager, project=project, role=Role.MANAGER))
            rows += [Membership(user=u, project=project, role=Role.CONTRIBUTOR) for u in crew]
            if rng.random() < 0.25:
                rows.append(Membership(team=team, project=project, role=Role.CONTRIBUTOR))
        Membership.objects.bulk_create(rows, batch_size=BATCH)
        self.tick("Granting roles")

    def audit(self) -> None:
        """A little history, so that the audit trail and "recent changes" are not empty on day one."""
        rng = self.rng
        for portfolio in self.portfolio_list:
            audit_record(actor=self.admin, action=AuditAction.CREATE, obj=portfolio,
                         changes={"code": portfolio.code, "name": portfolio.name}, portfolio_id=portfolio.pk)
        for project, (manager, crew, _team) in list(zip(self.project_list, self.project_team, strict=True))[:12]:
            scope: dict[str, Any] = {"portfolio_id": project.portfolio_id, "program_id": project.program_id,
                                     "project_id": project.pk}
            audit_record(actor=manager, action=AuditAction.CREATE, obj=project,
                         changes={"code": project.code, "name": project.name, "stage": Stage.INITIATION}, **scope)
            if project.stage != Stage.INITIATION:
                audit_record(actor=manager, action=AuditAction.UPDATE, obj=project,
                             changes={"stage": [Stage.INITIATION, project.stage]}, **scope)
            if project.health != Health.GREEN:
                audit_record(actor=manager, action=AuditAction.UPDATE, obj=project,
                             changes={"health": [Health.GREEN, project.health],
                                      "health_reason": ["", project.health_reason]}, **scope)
            task = Task.objects.filter(project=project, kind=TaskKind.TASK).exclude(status=TaskStatus.NOT_STARTED).first()
            if task is not None and crew:
                audit_record(actor=rng.choice(crew), action=AuditAction.UPDATE, obj=task,
                             changes={"status": [TaskStatus.NOT_STARTED, task.status],
                                      "percent_complete": [0, task.percent_complete]}, **scope)
        self.tick("Writing history")


def child_leaves(node: _Node) -> list[_Node]:
    if not node.children:
        return [node]
    out: list[_Node] = []
    for child in node.children:
        out.extend(child_leaves(child))
    return out


def hash_index(text: str, n: int) -> int:
    """A stable index in ``range(n)`` for a string (``hash()`` changes from one process to the next)."""
    return sum(text.encode()) % n if n else 0
