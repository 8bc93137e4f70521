"""Admin for the after-response records: read-only, and never deleted here (s77).

They are recorded through foi_cases.workflow, which writes the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from foi_cases.models import (
    DisclosureLogEntry,
    ICOComplaint,
    InternalReview,
    Redaction,
    TribunalAppeal,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InternalReview)
class InternalReviewAdmin(ReadOnlyAdmin):
    list_display = ("case", "requested_on", "requested_late", "due_on", "reviewer", "outcome")
    list_filter = ("outcome", "requested_late")
    search_fields = ("case__reference",)


@admin.register(ICOComplaint)
class ICOComplaintAdmin(ReadOnlyAdmin):
    list_display = ("ico_reference", "case", "notified_on", "decision_notice_on", "outcome")
    list_filter = ("outcome",)
    search_fields = ("ico_reference", "case__reference")


@admin.register(TribunalAppeal)
class TribunalAppealAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "appellant", "lodged_on", "decided_on")


@admin.register(DisclosureLogEntry)
class DisclosureLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("case", "title", "status", "disclosed_on", "prepared_by", "validated_by")
    list_filter = ("status",)
    search_fields = ("case__reference", "title")


@admin.register(Redaction)
class RedactionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "field", "grounds", "created_by", "created_at")
