"""Letters to requesters (being split into modules by job)."""

from foi_cases.letters.compose import *  # noqa: F403
