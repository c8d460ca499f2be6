"""The engine's exception family: bad input (:class:`PlanError`) and loops in the network (:class:`CycleError`).

>>> error = CycleError(["a", "b"], names=["Design", "Build"])
>>> error.cycle, str(error)
(['a', 'b'], 'Links form a loop: Design → Build → Design')
"""

from __future__ import annotations

from collections.abc import Sequence


class EngineError(Exception):
    """Base class of the errors the engine raises on input it cannot compute."""


class PlanError(EngineError, ValueError):
    """The plan is malformed (unknown task in a link, dated constraint without a date, unknown calendar...).
    The message names the offending task, link or field."""


class CycleError(EngineError):
    """Links (or summary/descendant relations) form a loop. ``cycle`` lists the task ids in link order,
    each once; the message names the tasks and closes the loop."""

    def __init__(
        self, cycle: Sequence[str], names: Sequence[str] | None = None, *, what: str = "Links"
    ) -> None:
        self.cycle: list[str] = list(cycle)
        shown = list(names) if names is not None else list(cycle)
        shown = [name or task_id for name, task_id in zip(shown, self.cycle, strict=False)]
        loop = " → ".join([*shown, shown[0]]) if shown else ""
        super().__init__(f"{what} form a loop: {loop}")
