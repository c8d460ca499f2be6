"""factory_boy factories shared by every test module."""

from __future__ import annotations

import datetime as dt

import factory

from portfolium.accounts.models import Membership, Role, Team, User
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal
from portfolium.projects.models import Project, Task, TaskDependency
from portfolium.scheduling.models import CalendarException, WorkCalendar


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    code = factory.Sequence(lambda n: f"PF{n}")
    name = factory.Sequence(lambda n: f"Portfolio {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    portfolio = factory.SubFactory(PortfolioFactory)
    code = factory.Sequence(lambda n: f"PG{n}")
    name = factory.Sequence(lambda n: f"Program {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    portfolio = factory.SubFactory(PortfolioFactory)
    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    start = dt.date(2026, 1, 5)
    finish = dt.date(2026, 12, 18)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    position = factory.Sequence(lambda n: n)


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskDependency

    project = factory.LazyAttribute(lambda o: o.predecessor.project)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    portfolio = factory.SubFactory(PortfolioFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    name = factory.Sequence(lambda n: f"Goal {n}")


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomFieldDefinition

    portfolio = factory.SubFactory(PortfolioFactory)
    target = "project"
    key = factory.Sequence(lambda n: f"field{n}")
    label = factory.LazyAttribute(lambda o: o.key.title())
    field_type = "text"


class CalendarFactory(factory.django.DjangoModelFactory):
    """Monday to Friday, 08:00-12:00 and 13:00-17:00 unless ``week`` says otherwise."""

    class Meta:
        model = WorkCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")


class CalendarExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarException

    calendar = factory.SubFactory(CalendarFactory)
    name = factory.Sequence(lambda n: f"Holiday {n}")
    start = dt.date(2026, 1, 1)
    finish = factory.LazyAttribute(lambda o: o.start)


def grant(user: User, role: Role, **scope: object) -> Membership:
    return Membership.objects.create(user=user, role=role, **scope)
