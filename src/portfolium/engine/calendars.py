"""Working calendars: which minutes of which days are working time, and exact arithmetic in working time.

The engine's time axis is integer minutes since ``EPOCH`` (naive local wall time of the plan). A
:class:`Calendar` says which minutes are working; a :class:`WorkClock` answers "what moment is N working
minutes after this one?" by binary search over an index of working intervals that it extends as needed.

>>> clock = WorkClock(STANDARD)
>>> t = to_minutes(datetime(2026, 1, 9, 16, 0))            # Friday 16:00
>>> from_minutes(clock.add(t, 120))                          # two working hours later, over the weekend
datetime.datetime(2026, 1, 12, 9, 0)
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import add, sub

EPOCH = datetime(2000, 1, 1)
MINUTES_PER_DAY = 1440


def to_minutes(moment: datetime) -> int:
    """Minutes since ``EPOCH`` (seconds are dropped)."""
    delta = moment.replace(tzinfo=None) - EPOCH
    return delta.days * MINUTES_PER_DAY + delta.seconds // 60


def from_minutes(minutes: int) -> datetime:
    return EPOCH + timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True, order=True)
class WorkingTime:
    """A working period within one day, ``start`` to ``end`` in minutes after midnight (``end`` may be 1440)."""

    start: int
    end: int


Day = tuple[WorkingTime, ...]

EIGHT_TO_FIVE: Day = (WorkingTime(8 * 60, 12 * 60), WorkingTime(13 * 60, 17 * 60))
NON_WORKING: Day = ()


class RecurrenceKind(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating exception, in the shapes Microsoft Project offers.

    - daily: every ``interval`` days;
    - weekly: every ``interval`` weeks on ``weekdays`` (0 = Monday);
    - monthly: day ``month_day`` of every ``interval`` months, or the ``week_of_month`` (1-4, 5 = last)
      ``weekday`` of the month;
    - yearly: ``month`` (1-12) and ``month_day``, or the ``week_of_month`` ``weekday`` of ``month``.

    It starts on the exception's ``start`` and ends after ``occurrences`` or on the exception's ``finish``.
    """

    kind: RecurrenceKind
    interval: int = 1
    weekdays: frozenset[int] = frozenset()
    month_day: int | None = None
    month: int | None = None
    week_of_month: int | None = None
    weekday: int | None = None
    occurrences: int | None = None


@dataclass(frozen=True, slots=True)
class CalendarException:
    """Dates ``start``..``finish`` (inclusive) that differ from the working week: non-working when
    ``working_times`` is empty (a holiday), otherwise working on those times only."""

    start: date
    finish: date
    working_times: Day = NON_WORKING
    name: str = ""
    recurrence: Recurrence | None = None


@dataclass(frozen=True, slots=True)
class WorkWeek:
    """A different working week for the dates ``start``..``finish`` (inclusive), e.g. summer hours.
    ``days`` has seven entries, Monday first; ``None`` for a day means "as in the default week"."""

    start: date
    finish: date
    days: tuple[Day | None, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class Calendar:
    """A working calendar. ``week`` has seven entries, Monday first. Precedence on a given date: an exception
    covering it, else a work week covering it, else ``week``."""

    id: str
    name: str = ""
    week: tuple[Day, ...] = (EIGHT_TO_FIVE,) * 5 + (NON_WORKING,) * 2
    exceptions: tuple[CalendarException, ...] = ()
    work_weeks: tuple[WorkWeek, ...] = ()


STANDARD = Calendar("standard", "Standard")
#: Every minute is working: used for elapsed lags and durations.
ELAPSED = Calendar("elapsed", "24 hours", week=((WorkingTime(0, MINUTES_PER_DAY),),) * 7)


# --- Working-time arithmetic ------------------------------------------------------------------------------

_EPOCH_DATE = EPOCH.date()
_FIRST_CHUNK_DAYS = 400
_MAX_CANDIDATES = 200_000

Span = tuple[int, int]


def day_index(day: date) -> int:
    """Days since ``EPOCH`` (negative before it)."""
    return (day - _EPOCH_DATE).days


def _last_day_of_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _nth_weekday(year: int, month: int, week_of_month: int, weekday: int) -> date:
    """The ``week_of_month``-th (5 = last) ``weekday`` of the month."""
    if week_of_month >= 5:
        last = date(year, month, _last_day_of_month(year, month))
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(max(day, 1), _last_day_of_month(year, month)))


def _candidates(exception: CalendarException, rec: Recurrence) -> Iterator[date]:
    """Occurrence dates in increasing order, unbounded (the caller stops)."""
    start = exception.start
    interval = max(1, rec.interval)
    if rec.kind == RecurrenceKind.DAILY:
        k = 0
        while True:
            yield start + timedelta(days=k * interval)
            k += 1
    elif rec.kind == RecurrenceKind.WEEKLY:
        weekdays = sorted(rec.weekdays) or [start.weekday()]
        monday = start - timedelta(days=start.weekday())
        while True:
            for weekday in weekdays:
                yield monday + timedelta(days=weekday)
            monday += timedelta(days=7 * interval)
    else:
        yearly = rec.kind == RecurrenceKind.YEARLY
        step = 12 * interval if yearly else interval
        month_index = start.year * 12 + (((rec.month or start.month) if yearly else start.month) - 1)
        while month_index // 12 <= 9999:
            year, month = divmod(month_index, 12)
            month += 1
            if rec.week_of_month is not None:
                weekday = rec.weekday if rec.weekday is not None else start.weekday()
                yield _nth_weekday(year, month, rec.week_of_month, weekday)
            else:
                yield _month_day(year, month, rec.month_day or start.day)
            month_index += step


def exception_dates(exception: CalendarException) -> Iterator[date]:
    """The dates an exception covers: ``start``..``finish`` or, when it recurs, each occurrence.

    A recurrence ends after ``occurrences`` when given, otherwise on ``finish``.

    >>> rec = Recurrence(RecurrenceKind.MONTHLY, week_of_month=5, weekday=4, occurrences=2)
    >>> [str(d) for d in exception_dates(CalendarException(date(2026, 1, 1), date(2026, 1, 1), recurrence=rec))]
    ['2026-01-30', '2026-02-27']
    """
    rec = exception.recurrence
    if rec is None:
        day = exception.start
        while day <= exception.finish:
            yield day
            day += timedelta(days=1)
        return
    count = 0
    for seen, day in enumerate(_candidates(exception, rec)):
        if seen > _MAX_CANDIDATES or (rec.occurrences is None and day > exception.finish):
            return
        if day < exception.start:
            continue
        yield day
        count += 1
        if rec.occurrences is not None and count >= rec.occurrences:
            return


class WorkClock:
    """Exact working-time arithmetic on one :class:`Calendar`.

    Working minutes are counted from ``origin`` (a wall minute on the engine axis): ``to_work(origin) == 0``,
    earlier moments count negative. Working minute ``w`` is the ``w``-th minute of work after the origin; a
    task that starts at working minute ``w`` begins at ``from_work_start(w)`` (08:00, never 17:00 the day
    before) and one that ends after ``w`` working minutes ends at ``from_work_finish(w)`` (17:00 Friday, not
    08:00 Monday). The index of working intervals (wall start, wall end, working minutes before) grows
    lazily in both directions, so a plan can span decades.

    >>> clock = WorkClock(STANDARD, origin=to_minutes(datetime(2026, 1, 5)))     # a Monday
    >>> from_minutes(clock.from_work_finish(480)), from_minutes(clock.from_work_start(480))
    (datetime.datetime(2026, 1, 5, 17, 0), datetime.datetime(2026, 1, 6, 8, 0))
    """

    __slots__ = (
        "_cums",
        "_ends",
        "_exceptions",
        "_hi_day",
        "_lo_day",
        "_span",
        "_starts",
        "_week",
        "_work_weeks",
        "calendar",
        "origin",
    )

    def __init__(self, calendar: Calendar, origin: int = 0) -> None:
        from portfolium.engine.errors import PlanError

        self.calendar = calendar
        self.origin = origin
        if len(calendar.week) != 7:
            raise PlanError(f"Calendar {calendar.name or calendar.id!r}: the week needs 7 days, Monday first")
        self._week: list[tuple[Span, ...]] = [self._normalise(day) for day in calendar.week]
        self._exceptions: dict[int, tuple[Span, ...]] = {}
        for exception in calendar.exceptions:
            spans = self._normalise(exception.working_times)
            for day in exception_dates(exception):
                self._exceptions.setdefault(day_index(day), spans)
        self._work_weeks: list[tuple[int, int, list[tuple[Span, ...] | None]]] = []
        for work_week in calendar.work_weeks:
            if len(work_week.days) != 7:
                raise PlanError(
                    f"Calendar {calendar.name or calendar.id!r}: work week {work_week.name!r} needs 7 days"
                )
            days = [None if day is None else self._normalise(day) for day in work_week.days]
            self._work_weeks.append((day_index(work_week.start), day_index(work_week.finish), days))
        # Where working time can still be found when the default week has none: the special dates' span.
        self._span: tuple[int, int] | None = None
        if not any(self._week):
            special = [d for d, spans in self._exceptions.items() if spans]
            for first, last, days in self._work_weeks:
                if any(days):
                    special += [first, last]
            if not special:
                raise PlanError(f"Calendar {calendar.name or calendar.id!r} has no working time at all")
            self._span = (min(special), max(special) + 1)
        origin_day = origin // MINUTES_PER_DAY
        self._lo_day = self._hi_day = origin_day
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cums: list[int] = []
        self._extend_forward(_FIRST_CHUNK_DAYS)
        self._extend_backward(7)
        while not self._starts:
            self._grow(forward=True)
            self._grow(forward=False)
        shift = self._raw_to_work(origin)
        self._cums = [c - shift for c in self._cums]

    def _normalise(self, day: Day) -> tuple[Span, ...]:
        from portfolium.engine.errors import PlanError

        spans: list[Span] = []
        for period in sorted(day):
            if not 0 <= period.start <= period.end <= MINUTES_PER_DAY:
                raise PlanError(
                    f"Calendar {self.calendar.name or self.calendar.id!r}: working time {period.start}-{period.end}"
                    " must lie within one day (minutes 0 to 1440)"
                )
            if period.start == period.end:
                continue
            if spans and period.start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], period.end))
            else:
                spans.append((period.start, period.end))
        return tuple(spans)

    # -- the calendar, day by day ---------------------------------------------------------------------------

    def _day_spans(self, day: int) -> tuple[Span, ...]:
        spans = self._exceptions.get(day)
        if spans is not None:
            return spans
        weekday = (day + 5) % 7  # EPOCH, 2000-01-01, was a Saturday
        for first, last, days in self._work_weeks:
            if first <= day <= last and days[weekday] is not None:
                return days[weekday]  # type: ignore[return-value]
        return self._week[weekday]

    def working_times(self, day: date) -> Day:
        """The working periods of ``day`` after exceptions and work weeks."""
        return tuple(WorkingTime(start, end) for start, end in self._day_spans(day_index(day)))

    def _intervals(self, first_day: int, end_day: int) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        for day in range(first_day, end_day):
            base = day * MINUTES_PER_DAY
            for start, end in self._day_spans(day):
                if ends and ends[-1] == base + start:
                    ends[-1] = base + end
                else:
                    starts.append(base + start)
                    ends.append(base + end)
        return starts, ends

    # -- growing the index ------------------------------------------------------------------------------------

    def _extend_forward(self, days: int) -> None:
        starts, ends = self._intervals(self._hi_day, self._hi_day + days)
        self._hi_day += days
        if not starts:
            return
        if self._starts:
            total = self._cums[-1] + self._ends[-1] - self._starts[-1]
            if self._ends[-1] == starts[0]:
                self._ends[-1] = ends[0]
                starts, ends = starts[1:], ends[1:]
        else:
            total = 0
        for start, end in zip(starts, ends, strict=True):
            self._starts.append(start)
            self._ends.append(end)
            self._cums.append(total)
            total += end - start

    def _extend_backward(self, days: int) -> None:
        starts, ends = self._intervals(self._lo_day - days, self._lo_day)
        self._lo_day -= days
        if not starts:
            return
        if not self._starts:
            self._starts, self._ends = starts, ends
            self._cums = []
            total = 0
            for start, end in zip(starts, ends, strict=True):
                self._cums.append(total)
                total += end - start
            return
        cum = self._cums[0]
        if ends[-1] == self._starts[0]:
            cum -= self._starts[0] - starts[-1]
            self._starts[0] = starts[-1]
            self._cums[0] = cum
            starts, ends = starts[:-1], ends[:-1]
        cums = [0] * len(starts)
        for k in range(len(starts) - 1, -1, -1):
            cum -= ends[k] - starts[k]
            cums[k] = cum
        self._starts = starts + self._starts
        self._ends = ends + self._ends
        self._cums = cums + self._cums

    def _grow(self, *, forward: bool) -> None:
        from portfolium.engine.errors import PlanError

        if self._span is not None:
            first, last = self._span
            if (forward and self._hi_day >= last) or (not forward and self._lo_day <= first):
                where = "after" if forward else "before"
                edge = from_minutes((self._hi_day if forward else self._lo_day) * MINUTES_PER_DAY)
                raise PlanError(
                    f"Calendar {self.calendar.name or self.calendar.id!r} has no working time {where} {edge:%Y-%m-%d}"
                )
        days = max(_FIRST_CHUNK_DAYS, self._hi_day - self._lo_day)
        if forward:
            self._extend_forward(days)
        else:
            self._extend_backward(days)

    def _cover_wall(self, t: int) -> None:
        """Make sure the index holds an interval starting at or before ``t`` and one ending after it."""
        while not self._starts or self._starts[0] > t:
            self._grow(forward=False)
        while self._ends[-1] <= t:
            self._grow(forward=True)

    def _cover_work(self, w: int) -> None:
        """Make sure working minute ``w`` (0-based, may be negative) lies inside the index."""
        while self._cums[0] > w:
            self._grow(forward=False)
        while self._cums[-1] + self._ends[-1] - self._starts[-1] <= w:
            self._grow(forward=True)

    def _raw_to_work(self, t: int) -> int:
        k = bisect_right(self._starts, t) - 1
        if k < 0:
            return self._cums[0]
        return self._cums[k] + min(t, self._ends[k]) - self._starts[k]

    # -- arithmetic -------------------------------------------------------------------------------------------

    def to_work(self, t: int) -> int:
        """Working minutes from the origin to wall minute ``t`` (negative before the origin); monotone."""
        starts = self._starts
        if t < starts[0] or t >= self._ends[-1]:
            self._cover_wall(t)
            starts = self._starts
        k = bisect_right(starts, t) - 1
        end = self._ends[k]
        return self._cums[k] + (t if t < end else end) - starts[k]

    def from_work_start(self, w: int) -> int:
        """The wall minute where working minute ``w`` begins: where a task that starts there starts."""
        cums = self._cums
        if w < cums[0] or w >= cums[-1] + self._ends[-1] - self._starts[-1]:
            self._cover_work(w)
            cums = self._cums
        k = bisect_right(cums, w) - 1
        return self._starts[k] + w - cums[k]

    def from_work_finish(self, w: int) -> int:
        """The wall minute where working minute ``w - 1`` ends: where a task that ends after it finishes."""
        cums = self._cums
        if w - 1 < cums[0] or w > cums[-1] + self._ends[-1] - self._starts[-1]:
            self._cover_work(w - 1)
            cums = self._cums
        k = bisect_left(cums, w) - 1
        return self._starts[k] + w - cums[k]

    def floor_start(self, t: int) -> int:
        """The latest working minute that begins at or before wall minute ``t``."""
        w = self.to_work(t)
        return w if self.is_working(t) else w - 1

    def is_working(self, t: int) -> bool:
        """Whether the minute beginning at wall minute ``t`` is working time."""
        self._cover_wall(t)
        k = bisect_right(self._starts, t) - 1
        return k >= 0 and t < self._ends[k]

    def add(self, t: int, minutes: int) -> int:
        """The moment ``minutes`` working minutes after wall minute ``t`` (before it when negative).

        Going forward lands at the end of a working minute (Friday 17:00 + 0 h stays, + 1 h is Monday 09:00);
        going back lands at the beginning of one. ``add(t, 0)`` is ``t``.
        """
        if minutes == 0:
            return t
        if minutes > 0:
            return self.from_work_finish(self.to_work(t) + minutes)
        return self.from_work_start(self.to_work(t) + minutes)

    def subtract(self, t: int, minutes: int) -> int:
        """``add(t, -minutes)``."""
        return self.add(t, -minutes)

    def working_minutes_between(self, a: int, b: int) -> int:
        """Working minutes from wall minute ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        return self.to_work(b) - self.to_work(a)

    def next_start(self, t: int) -> int:
        """The first moment at or after ``t`` when work goes on (``t`` itself when it is working)."""
        return self.from_work_start(self.to_work(t))

    def previous_finish(self, t: int) -> int:
        """The last moment at or before ``t`` when work stops (``t`` itself inside working time)."""
        return self.from_work_finish(self.to_work(t))

    # -- many at once: C-level maps, no Python frame per value ---------------------------------------------

    def to_work_many(self, moments: list[int]) -> list[int]:
        """``[to_work(t) for t in moments]``, fast."""
        if not moments:
            return []
        self._cover_wall(min(moments))
        self._cover_wall(max(moments))
        js = list(map(bisect_right, repeat(self._starts), moments))  # interval index + 1
        starts = [0, *self._starts]
        ends = [0, *self._ends]
        cums = [0, *self._cums]
        inside = map(min, moments, map(ends.__getitem__, js))
        return list(map(sub, map(add, map(cums.__getitem__, js), inside), map(starts.__getitem__, js)))

    def from_work_start_many(self, values: list[int]) -> list[int]:
        """``[from_work_start(w) for w in values]``, fast."""
        if not values:
            return []
        self._cover_work(min(values))
        self._cover_work(max(values))
        return self._walls(values, list(map(bisect_right, repeat(self._cums), values)))

    def from_work_finish_many(self, values: list[int]) -> list[int]:
        """``[from_work_finish(w) for w in values]``, fast."""
        if not values:
            return []
        self._cover_work(min(values) - 1)
        self._cover_work(max(values) - 1)
        return self._walls(values, list(map(bisect_left, repeat(self._cums), values)))

    def _walls(self, values: list[int], js: list[int]) -> list[int]:
        starts = [0, *self._starts]
        cums = [0, *self._cums]
        return list(map(add, map(sub, values, map(cums.__getitem__, js)), map(starts.__getitem__, js)))
