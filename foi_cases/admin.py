"""Django admin for managers: reference data, and read-mostly views of cases.

A case's status, deadlines and audit trail change only through foi_cases.workflow, so the
admin shows them read-only. Changing the holiday calendar or a suspension period queues a
recomputation of every open case's deadline once the change is committed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from foi_cases import bank_holidays, outbox
from foi_cases.api.tokens import revoke_token
from foi_cases.models import (
    ApiToken,
    BankHoliday,
    Case,
    CaseAccessLog,
    Requester,
    SuspensionPeriod,
    Topic,
)


def calendar_changed(request: HttpRequest, reason: str) -> None:
    """Invalidate cached calendars and recompute open deadlines after the commit."""
    bank_holidays.bump_calendar_version()
    # A change made while an earlier recomputation still waits for the broker joins it.
    key = outbox.store(
        "foi_cases.tasks.recompute_open_deadlines", reason=reason, dedupe_key="recompute-deadlines"
    )

    def dispatch() -> None:
        # Bump again after the commit, so no process caches the calendar read before it.
        bank_holidays.bump_calendar_version()
        outbox.publish(key)

    transaction.on_commit(dispatch)
    messages.info(
        request,
        "Open cases' due dates are being recomputed; changed dates appear in each case's timeline.",
    )


class CalendarAdmin(admin.ModelAdmin):
    """Admin for a table the deadline engine reads: every change triggers a recompute."""

    def describe(self, obj: Model, verb: str) -> str:
        return f"{self.model._meta.verbose_name.capitalize()} {verb}: {obj}"[:200]

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_changed(request, self.describe(obj, "changed" if change else "added"))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        reason = self.describe(obj, "deleted")
        super().delete_model(request, obj)
        calendar_changed(request, reason)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = f"{queryset.count()} {self.model._meta.verbose_name_plural} deleted"
        super().delete_queryset(request, queryset)
        calendar_changed(request, reason)


@admin.register(BankHoliday)
class BankHolidayAdmin(CalendarAdmin):
    list_display = ("date", "title", "division", "source")
    list_filter = ("division",)
    date_hierarchy = "date"
    search_fields = ("title", "source")


@admin.register(SuspensionPeriod)
class SuspensionPeriodAdmin(CalendarAdmin):
    list_display = ("reason", "first_day", "last_day", "source")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Requester)
class RequesterAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "requester_type", "created_at")
    list_filter = ("requester_type",)
    search_fields = ("name", "email")
    readonly_fields = ("created_at", "anonymised_at")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are logged through intake and change through the workflow, not here."""

    list_display = ("reference", "title", "status", "due_on", "assigned_to", "restricted")
    list_filter = ("status", "regime", "restricted")
    search_fields = ("reference", "title")
    list_select_related = ("assigned_to",)
    fields = (
        "reference", "title", "requester", "channel", "received_at", "regime", "status",
        "outcome", "assigned_to", "restricted", "due_on", "extended_due_on", "legal_hold",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        case = self.get_object(request, object_id)
        if case is not None and case.restricted:
            CaseAccessLog.objects.create(case=case, user=request.user, what=request.path[:200])
        return super().change_view(request, object_id, form_url, extra_context)


# --- API tokens -------------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read and revoke; tokens are issued on the API tokens page, which shows the secret once."""

    list_display = ("name", "prefix", "owner", "scopes", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("owner",)
    readonly_fields = (
        "name", "owner", "scopes", "channel", "prefix", "expires_at", "created_by",
        "created_at", "revoked_by", "revoked_at", "last_used_at",
    )  # fmt: skip
    exclude = ("key_hash",)
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_token(token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{queryset.count()} token(s) revoked.")


# --- Letters ----------------------------------------------------------------------------------
# Registered in foi_cases.letters_admin; imported here so admin autodiscovery finds them.

from foi_cases import after_response_admin, letters_admin  # noqa: E402, F401
