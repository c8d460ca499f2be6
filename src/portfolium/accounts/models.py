"""People, teams, role memberships on portfolios/programs/projects, and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from portfolium.core.models import TimeStampedModel


class User(AbstractUser):
    """A person. ``is_superuser`` is the organisation administrator, who sees every portfolio."""

    display_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Team(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(User, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.IntegerChoices):
    """Ordered: a higher role includes every right of the lower ones."""

    VIEWER = 10, "Viewer"
    CONTRIBUTOR = 20, "Contributor"
    MANAGER = 30, "Manager"
    ADMIN = 40, "Admin"


class Membership(TimeStampedModel):
    """A role held by a user or a team on exactly one portfolio, program or project; it inherits downwards."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    program = models.ForeignKey(
        "portfolios.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.PositiveSmallIntegerField(choices=Role.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_one_principal",
                condition=(Q(user__isnull=False, team__isnull=True) | Q(user__isnull=True, team__isnull=False)),
            ),
            models.CheckConstraint(
                name="membership_one_scope",
                condition=(
                    Q(portfolio__isnull=False, program__isnull=True, project__isnull=True)
                    | Q(portfolio__isnull=True, program__isnull=False, project__isnull=True)
                    | Q(portfolio__isnull=True, program__isnull=True, project__isnull=False)
                ),
            ),
        ]
        indexes = [models.Index(fields=["user"]), models.Index(fields=["team"])]

    def __str__(self) -> str:
        return f"{self.user or self.team} is {self.get_role_display()} on {self.scope}"

    @property
    def scope(self) -> Any:
        """The portfolio, program or project the role is held on."""
        return self.portfolio or self.program or self.project


class ApiToken(TimeStampedModel):
    """A personal token for scripts. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
