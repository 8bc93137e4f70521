"""The old import path of `refresh_reporting`, kept for migration 0014's backfill only.

Remove once 0014 is frozen (its backfill no longer importing application code).
"""

from foi_cases.reporting.outcomes import refresh_reporting

__all__ = ["refresh_reporting"]
