"""Projects, their WBS (phases, milestones, tasks), dependencies, checklists, comments and goal links."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from portfolium.core.models import TimeStampedModel


class Stage(models.TextChoices):
    INITIATION = "initiation", "Initiation"
    PLANNING = "planning", "Planning"
    EXECUTION = "execution", "Execution"
    MONITORING = "monitoring", "Monitoring"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"


class Health(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


HEALTH_SEVERITY = {Health.GREEN: 0, Health.AMBER: 1, Health.RED: 2}


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(TimeStampedModel):
    portfolio = models.ForeignKey("portfolios.Portfolio", on_delete=models.PROTECT, related_name="projects")
    program = models.ForeignKey(
        "portfolios.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.INITIATION, db_index=True)
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    health = models.CharField(max_length=5, choices=Health.choices, default=Health.GREEN, db_index=True)
    health_reason = models.CharField(max_length=500, blank=True)
    tags = models.ManyToManyField(Tag, related_name="projects", blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)

    # Rollups from the WBS, kept current by projects.services.project_rollup_refresh inside every task write,
    # so that lists of a thousand projects sort and filter on them in the database.
    progress = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    task_count = models.PositiveIntegerField(default=0)
    task_done_count = models.PositiveIntegerField(default=0)
    task_blocked_count = models.PositiveIntegerField(default=0)
    rollup_start = models.DateField(null=True, blank=True)
    rollup_finish = models.DateField(null=True, blank=True)

    # Scheduling: ``start`` is the project start the schedule runs from; ``finish`` is the target finish, a
    # deadline that makes float negative when the plan cannot meet it. The rest is kept current by
    # scheduling.services.schedule_recalculate inside every write that changes the plan.
    calendar = models.ForeignKey(
        "scheduling.WorkCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    status_date = models.DateField(null=True, blank=True)
    scheduled_finish = models.DateField(null=True, blank=True)
    schedule_error = models.CharField(max_length=500, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["portfolio", "stage"]), models.Index(fields=["program"])]
        constraints = [
            models.CheckConstraint(
                name="project_finish_after_start",
                condition=models.Q(start__isnull=True) | models.Q(finish__isnull=True) | models.Q(finish__gte=models.F("start")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TaskKind(models.TextChoices):
    PHASE = "phase", "Phase"
    MILESTONE = "milestone", "Milestone"
    TASK = "task", "Task"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class ConstraintType(models.TextChoices):
    ASAP = "ASAP", "As soon as possible"
    ALAP = "ALAP", "As late as possible"
    SNET = "SNET", "Start no earlier than"
    SNLT = "SNLT", "Start no later than"
    FNET = "FNET", "Finish no earlier than"
    FNLT = "FNLT", "Finish no later than"
    MSO = "MSO", "Must start on"
    MFO = "MFO", "Must finish on"


class Task(TimeStampedModel):
    """A node of a project's WBS. Order among siblings is ``position``; the WBS code is derived, not stored."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_tasks"
    )
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="assigned_tasks", blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    blocked_reason = models.CharField(max_length=500, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    estimate_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    estimate_points = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    custom_fields = models.JSONField(default=dict, blank=True)

    # Scheduling inputs. ``duration_minutes`` is working time on the task's calendar (the project's when
    # null); phases roll up from their children and milestones have none. ``start``/``finish`` above are the
    # scheduled dates, written by the scheduler.
    duration_minutes = models.PositiveIntegerField(default=480)
    optimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    pessimistic_minutes = models.PositiveIntegerField(null=True, blank=True)
    calendar = models.ForeignKey(
        "scheduling.WorkCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    constraint_type = models.CharField(max_length=4, choices=ConstraintType.choices, default=ConstraintType.ASAP)
    constraint_date = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    # Scheduling outputs (early dates are ``start``/``finish``); floats in working minutes.
    late_start = models.DateField(null=True, blank=True)
    late_finish = models.DateField(null=True, blank=True)
    total_float_minutes = models.IntegerField(null=True, blank=True)
    free_float_minutes = models.IntegerField(null=True, blank=True)
    critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["project_id", "parent_id", "position", "id"]
        indexes = [models.Index(fields=["project", "parent", "position"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.name


class DependencyType(models.TextChoices):
    FS = "FS", "Finish-to-start"
    SS = "SS", "Start-to-start"
    FF = "FF", "Finish-to-finish"
    SF = "SF", "Start-to-finish"


class LagUnit(models.TextChoices):
    WORKING_DAYS = "d", "working days"
    ELAPSED_DAYS = "ed", "elapsed days"
    WORKING_HOURS = "h", "working hours"
    PERCENT = "%", "% of predecessor"


class TaskDependency(TimeStampedModel):
    """A link. ``project`` is the successor's project; the predecessor may sit in another project of the same
    program or portfolio (a cross-project link)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=DependencyType.choices, default=DependencyType.FS)
    lag = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    lag_unit = models.CharField(max_length=2, choices=LagUnit.choices, default=LagUnit.WORKING_DAYS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique_pair"),
            models.CheckConstraint(name="dependency_not_self", condition=~models.Q(predecessor=models.F("successor"))),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type}{self.lag:+}{self.lag_unit} {self.successor_id}"


class ChecklistItem(TimeStampedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Comment(TimeStampedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class ProjectGoal(TimeStampedModel):
    """A project serves a strategic goal; ``contribution`` weighs how much (0 to 100 %)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey("portfolios.StrategicGoal", on_delete=models.CASCADE, related_name="project_links")
    contribution = models.PositiveSmallIntegerField(default=100, validators=[MaxValueValidator(100)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "goal"], name="project_goal_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} -> {self.goal_id} ({self.contribution}%)"
