"""Working calendars and named baselines. The schedule itself lives on projects.Task (computed fields)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from portfolium.core.models import TimeStampedModel


def standard_week() -> list[list[list[int]]]:
    """Monday..Sunday; each day a list of [start, end] minutes after midnight. 08:00-12:00, 13:00-17:00."""
    day = [[480, 720], [780, 1020]]
    return [day, day, day, day, day, [], []]


class WorkCalendar(TimeStampedModel):
    """An organisation-wide working calendar. Projects and tasks pick one; ``is_default`` is used otherwise."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    week = models.JSONField(default=standard_week)
    minutes_per_day = models.PositiveIntegerField(
        default=480, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class RecurrenceKind(models.TextChoices):
    NONE = "", "Once"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


class CalendarException(TimeStampedModel):
    """Dates that differ from the week: a holiday (no ``working_times``) or special hours; may recur."""

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="exceptions")
    name = models.CharField(max_length=100)
    start = models.DateField()
    finish = models.DateField()
    working_times = models.JSONField(default=list, blank=True)  # [[start, end], ...] minutes after midnight
    recurrence = models.CharField(max_length=8, choices=RecurrenceKind.choices, blank=True, default="")
    interval = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    weekdays = models.JSONField(default=list, blank=True)  # 0 = Monday, for weekly
    month_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    week_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(6)])
    occurrences = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                name="calendar_exception_finish_after_start",
                condition=models.Q(finish__gte=models.F("start")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start}"

    def recurrence_label(self) -> str:
        """How a person would say it: "every year on 25 December", "the first Monday of May every year"."""
        if not self.recurrence:
            return "once"
        every = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}[self.recurrence]
        period = f"every {self.interval} {every}s" if self.interval > 1 else f"every {every}"
        nth = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "last"}
        day_name = WEEKDAYS[self.weekday] if self.weekday is not None else ""
        month_name = MONTHS[self.month - 1] if self.month else ""
        if self.recurrence == RecurrenceKind.WEEKLY and self.weekdays:
            text = f"{period} on " + ", ".join(WEEKDAYS[d] for d in sorted(self.weekdays))
        elif self.recurrence == RecurrenceKind.MONTHLY and self.week_of_month and day_name:
            text = f"the {nth[self.week_of_month]} {day_name} of {period}"
        elif self.recurrence == RecurrenceKind.MONTHLY and self.month_day:
            text = f"{period} on day {self.month_day}"
        elif self.recurrence == RecurrenceKind.YEARLY and self.week_of_month and day_name and month_name:
            text = f"the {nth[self.week_of_month]} {day_name} of {month_name} {period}"
        elif self.recurrence == RecurrenceKind.YEARLY and self.month_day and month_name:
            text = f"{period} on {self.month_day} {month_name}"
        else:
            text = period
        return f"{text}, {self.occurrences} times" if self.occurrences else text


class Baseline(TimeStampedModel):
    """A named snapshot of a project's schedule, to compare the current plan against."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    project_start = models.DateField(null=True, blank=True)
    project_finish = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project_id", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="baseline_unique_name")]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task as it stood when the baseline was saved. ``task`` goes null if the task is deleted later."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(
        "projects.Task", null=True, on_delete=models.SET_NULL, related_name="baseline_rows"
    )
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10)
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["baseline_id", "id"]
        indexes = [models.Index(fields=["baseline", "task"])]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.name}"
