"""Django admin for letters: the letter settings (one row) and a read-only list of letters.

Letters change only through foi_cases.workflow (compose, edit, approve, send), so the admin
shows them read-only; the letterhead, signatory and s17(7) text are edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from foi_cases.models import CaseAccessLog, Letter, LetterSettings


@admin.register(LetterSettings)
class LetterSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        ("Letterhead", {"fields": ("authority_name", "name_in_text", "address", "contact_email")}),
        ("Signatory", {"fields": ("signed_by", "signatory_name", "signatory_title")}),
        ("Internal review procedure (s17(7)(a))", {"fields": ("internal_review_text",)}),
        ("Re-use of information", {"fields": ("reuse_text",)}),
        ("Acknowledgement by e-mail", {"fields": ("acknowledgement_email",)}),
        (
            "Information Commissioner (s17(7)(b))",
            {"fields": ("ico_name", "ico_address", "ico_email", "ico_telephone", "ico_website")},
        ),
        (
            "Scottish Information Commissioner (FOISA s47)",
            {"fields": ("sic_name", "sic_address", "sic_email", "sic_telephone", "sic_website")},
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """There is one row: go straight to it."""
        row = LetterSettings.load()
        return HttpResponseRedirect(reverse("admin:foi_cases_lettersettings_change", args=[row.pk]))


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read-only: letters are composed, approved and sent on the case's letters page."""

    list_display = ("case", "kind", "version", "status", "dated", "approved_by", "sent_at")
    list_filter = ("kind", "status", "sent_via")
    search_fields = ("case__reference",)
    list_select_related = ("case", "approved_by")
    exclude = ("body", "frame")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        letter = self.get_object(request, object_id)
        if letter is not None and letter.case.restricted:
            CaseAccessLog.objects.create(
                case=letter.case, user=request.user, what=request.path[:200]
            )
        return super().change_view(request, object_id, form_url, extra_context)
