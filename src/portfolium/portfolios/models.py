"""Portfolios (which nest), programs, strategic goals and custom field definitions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from portfolium.core.models import TimeStampedModel


class Portfolio(TimeStampedModel):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(TimeStampedModel):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="programs")
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StrategicGoal(TimeStampedModel):
    """One of a portfolio's objectives; ``weight`` is its share of strategic importance."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["portfolio_id", "code"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "code"], name="goal_code_unique_in_portfolio")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    USER = "user", "User"


class FieldTarget(models.TextChoices):
    PROJECT = "project", "Projects"
    TASK = "task", "Tasks"


class CustomFieldDefinition(TimeStampedModel):
    """A typed field defined on a portfolio; it applies to the projects or tasks in it and in its children."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="custom_fields")
    target = models.CharField(max_length=10, choices=FieldTarget.choices)
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=10, choices=FieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "target", "key"], name="custom_field_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.field_type})"
