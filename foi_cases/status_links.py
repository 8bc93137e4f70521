"""The requester's private status link: a signed, expiring token naming their case.

The token is the case's number signed with SECRET_KEY (and a salt of its own, so no other
signed value of the app can stand in for it) and stamped with its issue time; it is good for
FOI_STATUS_LINK_DAYS. Checking it needs no database, so an expired or altered link says
nothing about whether a case exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from foi_cases.letters import download_name
from foi_cases.models import Case, Correspondence, Letter
from foi_cases.release.bundle import download_name as bundle_download_name

SALT = "foi_cases.status_link"


class LinkExpired(Exception):
    """A genuine link past its lifetime."""


class LinkInvalid(Exception):
    """Not a link this service issued (altered, truncated or made up), or its case is gone."""


def make_token(case: Case) -> str:
    return signing.dumps(case.pk, salt=SALT, compress=False)


def expires_on(issued: dt.datetime | None = None) -> dt.date:
    issued = issued or timezone.now()
    return timezone.localtime(issued + dt.timedelta(days=settings.FOI_STATUS_LINK_DAYS)).date()


def case_for_token(token: str) -> Case:
    """The case a status link names; LinkExpired or LinkInvalid otherwise."""
    try:
        pk = signing.loads(
            token, salt=SALT, max_age=dt.timedelta(days=settings.FOI_STATUS_LINK_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if type(pk) is not int:
        raise LinkInvalid
    case = Case.objects.select_related("requester").filter(pk=pk).first()
    if case is None:
        raise LinkInvalid
    return case


@dataclass(frozen=True)
class StatusDownload:
    """A file the requester may download from the status page."""

    key: str  # names it in the download URL
    label: str
    filename: str
    file: FieldFile
    content_type: str = "application/pdf"


def _day(moment: dt.datetime | None) -> str:
    day = timezone.localtime(moment).date() if moment else timezone.localdate()
    return f"{day.day} {day:%B %Y}"


def status_downloads(case: Case) -> list[StatusDownload]:
    """Every file the status page offers: the letters sent to the requester, as sent.

    The one place that decides what the requester may download. Only what already went to
    the requester is listed (the letters, and the release bundles e-mailed with them), so
    nothing internal (drafts, unredacted records, decisions) can appear.
    """
    sent = (
        Letter.objects.filter(case=case, sent_at__isnull=False)
        .exclude(pdf="")
        .select_related("case")
        .order_by("sent_at", "pk")
    )
    return [
        StatusDownload(
            key=f"letter-{letter.pk}",
            label=f"{letter.get_kind_display()}, sent {_day(letter.sent_at)}",
            filename=download_name(letter),
            file=letter.pdf,
        )
        for letter in sent
    ] + [
        StatusDownload(
            key=f"bundle-{email.release_bundle_id}",
            label=f"Released records, sent {_day(email.sent_at)}",
            filename=bundle_download_name(email.release_bundle),
            file=email.release_bundle.file,
        )
        for email in Correspondence.objects.filter(
            case=case, status=Correspondence.Status.SENT, release_bundle__isnull=False
        )
        .select_related("release_bundle__case")
        .order_by("sent_at", "pk")
    ]
