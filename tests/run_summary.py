"""What the broad tests covered, reported once at the end of the run (see conftest)."""

from __future__ import annotations

from collections.abc import Callable

LINES: dict[str, Callable[[], str]] = {}


def report(name: str, describe: Callable[[], str]) -> None:
    """Register a line for the run's summary; an empty description (nothing ran) is left out."""
    LINES[name] = describe
