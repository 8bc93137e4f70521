"""Releasing records: building the release bundle (run by the `build_release_bundle` task).

A build is asked for by the officer once the response is approved; the slow work (applying
redactions, OCR, the leak check) runs in the task, outside any transaction, and its outcome
is recorded with one audit event per build: built, or failed with the reason.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foi_cases import outbox
from foi_cases.models import Case, CaseEvent, ReleaseBundle
from foi_cases.permissions import can_add_records
from foi_cases.release import bundle
from foi_cases.release.redact import ReleaseError
from foi_cases.workflow import core

Verb = CaseEvent.Verb
BundleStatus = ReleaseBundle.Status
# Longer than the task's time limit: a build still "being built" after this was lost.
ABANDONED_AFTER = dt.timedelta(hours=2)


@transaction.atomic
def request_release_bundle(case: Case, *, actor: User) -> ReleaseBundle:
    """Ask for the release bundle to be built; the build already asked for is reused."""
    core.require(
        can_add_records(actor, case),
        "Only the assigned officer or a manager can build the release bundle.",
    )
    case = Case.objects.select_for_update().get(pk=case.pk)
    problem = bundle.readiness_problem(case)
    if problem:
        raise core.InvalidTransition(problem)
    fingerprint = bundle.inputs_hash(case)
    existing = case.release_bundles.filter(
        inputs_hash=fingerprint, status__in=(BundleStatus.BUILDING, BundleStatus.READY)
    ).first()
    if existing is not None and existing.created_at < timezone.now() - ABANDONED_AFTER:
        if existing.status == BundleStatus.BUILDING:
            record_bundle_failed(existing.pk, reason="The build was lost (the worker stopped).")
            existing = None
    if existing is not None:
        return existing
    row = ReleaseBundle.objects.create(case=case, inputs_hash=fingerprint, created_by=actor)
    outbox.enqueue(
        "foi_cases.tasks.build_release_bundle", row.pk, dedupe_key=f"release-bundle:{row.pk}"
    )
    return row


def build_release_bundle(bundle_id: int) -> str:
    """Build a requested bundle and record the outcome; safe to run twice.

    1. Re-fetch the bundle; stop unless it is still being built.
    2. Re-check the case: still approved, and the records and redactions unchanged.
    3. Apply the redactions, add the schedule, run the leak check (release.bundle.build).
    4. Record the bundle as ready, or failed with the reason.
    """
    row = ReleaseBundle.objects.select_related("case").filter(pk=bundle_id).first()
    if row is None or row.status != BundleStatus.BUILDING:
        return "nothing to do"
    case = row.case
    problem = bundle.readiness_problem(case)
    if not problem and bundle.inputs_hash(case) != row.inputs_hash:
        problem = "The records or redactions changed while the bundle was being built."
    if problem:
        record_bundle_failed(bundle_id, reason=problem)
        return "failed"
    try:
        built = bundle.build(case)
    except ReleaseError as error:
        record_bundle_failed(bundle_id, reason=str(error))
        return "failed"
    return "built" if record_bundle_built(bundle_id, built=built) else "already done"


def _locked_building(bundle_id: int) -> ReleaseBundle | None:
    row = ReleaseBundle.objects.select_for_update().select_related("case").get(pk=bundle_id)
    return row if row.status == BundleStatus.BUILDING else None


@transaction.atomic
def record_bundle_built(bundle_id: int, *, built: bundle.BuiltBundle) -> bool:
    """Keep the bundle's PDF and its hash; False if it was already recorded."""
    row = _locked_building(bundle_id)
    if row is None:
        return False
    digest = bundle.sha256_of(built.pdf)
    row.file.save(
        f"{row.case.reference}-release-{digest[:12]}.pdf", ContentFile(built.pdf), save=False
    )
    row.sha256, row.pages, row.documents = digest, built.pages, built.documents
    row.status, row.finished_at = BundleStatus.READY, timezone.now()
    row.save()
    core.record(
        row.case,
        Verb.RELEASE_BUNDLE_BUILT,
        actor=row.created_by,
        bundle=row.pk,
        documents=built.documents,
        pages=built.pages,
        sha256=digest,
    )
    return True


@transaction.atomic
def record_bundle_failed(bundle_id: int, *, reason: str) -> bool:
    """Mark the build failed with the reason (a page, never redacted text)."""
    row = _locked_building(bundle_id)
    if row is None:
        return False
    row.status, row.failure_reason, row.finished_at = BundleStatus.FAILED, reason, timezone.now()
    row.save(update_fields=["status", "failure_reason", "finished_at"])
    core.record(
        row.case, Verb.RELEASE_BUNDLE_FAILED, actor=row.created_by, bundle=row.pk, reason=reason
    )
    return True
