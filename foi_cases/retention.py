"""When a case's records may be anonymised: the retention schedule, read from settings.

By default a case is kept for three years after it closes (FOI_RETENTION_YEARS), and for at
least six weeks after the last ICO or tribunal outcome (FOI_RETENTION_BUFFER_WEEKS_AFTER_ICO),
which covers the 28-day appeal window. Nothing expires while an internal review, an ICO
complaint or a tribunal appeal is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from foi_cases.models import Case, ICOComplaint, TribunalAppeal


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def ico_still_running(case: Case, today: dt.date | None = None) -> bool:
    """An ICO complaint or appeal is open, or a decision notice can still be appealed."""
    today = today or timezone.localdate()
    complaints = ICOComplaint.objects.filter(case=case)
    if complaints.filter(closed_on__isnull=True).exists():
        return True
    if TribunalAppeal.objects.filter(complaint__case=case, decided_on__isnull=True).exists():
        return True
    window = dt.timedelta(days=28)
    return complaints.filter(decision_notice_on__gte=today - window).exists()


def last_regulator_outcome(case: Case) -> dt.date | None:
    """The latest ICO decision notice, compliance or tribunal decision on the case."""
    dates: list[dt.date] = []
    for complaint in ICOComplaint.objects.filter(case=case).prefetch_related("appeals"):
        dates += [
            d
            for d in (
                complaint.decision_notice_on,
                complaint.steps_complied_on,
                complaint.closed_on,
            )
            if d
        ]
        dates += [a.decided_on for a in complaint.appeals.all() if a.decided_on]
    return max(dates) if dates else None


def retention_expires_on(case: Case) -> dt.date | None:
    """The day from which the case may be anonymised, or None while it must be kept."""
    if case.closed_at is None or case.status != Case.Status.CLOSED:
        return None
    if case.internal_reviews.open().exists() or ico_still_running(case):
        return None
    expires = _add_years(timezone.localtime(case.closed_at).date(), settings.FOI_RETENTION_YEARS)
    outcome = last_regulator_outcome(case)
    if outcome:
        buffer = dt.timedelta(weeks=settings.FOI_RETENTION_BUFFER_WEEKS_AFTER_ICO)
        expires = max(expires, outcome + buffer)
    return expires


def cases_due_for_anonymisation(today: dt.date | None = None) -> Iterator[Case]:
    """Closed cases not yet anonymised nor on legal hold whose retention has expired.

    The database narrows to cases closed long enough ago; the ICO extension, which depends
    on related rows, is checked per case.
    """
    today = today or timezone.localdate()
    cutoff = _add_years(today, -settings.FOI_RETENTION_YEARS)
    candidates = Case.objects.filter(
        status=Case.Status.CLOSED,
        anonymised_at__isnull=True,
        legal_hold=False,
        closed_at__date__lte=cutoff,
    ).order_by("closed_at", "pk")
    for case in candidates.iterator():
        expires = retention_expires_on(case)
        if expires is not None and expires <= today:
            yield case
