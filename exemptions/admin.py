"""Admin for managers: the exemption catalogue and the reasoning-template library.

A template's text is never edited in place: saving a changed text adds a new version row,
so every decision keeps pointing at the exact words it started from. Decisions and
reviews are written only by foi_cases.workflow, so they are not editable here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest

from exemptions import reasoning
from exemptions.models import Exemption, ReasoningTemplate, ReasoningTemplateVersion
from foi_cases.permissions import is_manager


class ManagerEditable(admin.ModelAdmin):
    """Managers edit this reference data by role, without per-model Django permissions."""

    def _allowed(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_manager(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


@admin.register(Exemption)
class ExemptionAdmin(ManagerEditable):
    list_display = ["section", "short_name", "regime", "kind", "test_type", "active"]
    list_filter = ["regime", "kind", "test_type", "active", "mp_security_relevant"]
    search_fields = ["code", "section", "short_name", "guidance"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code identifies the row for seeding and reports; only set it when adding.
        return self.readonly_fields if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasoningTemplateForm(forms.ModelForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Placeholders filled from the case: "
        + ", ".join(f"[[{name}]]" for name in sorted(reasoning.PLACEHOLDERS))
        + ". Anything else is kept as written. Saving a changed text makes a new version.",
    )

    class Meta:
        model = ReasoningTemplate
        fields = ["exemption", "topic_slug", "title", "kind", "target", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.current if self.instance.pk else None
        if current is not None:
            self.fields["text"].initial = current.text

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        unknown = reasoning.unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                f"Unknown placeholders: {', '.join(unknown)}. Use only "
                + ", ".join(f"[[{name}]]" for name in sorted(reasoning.PLACEHOLDERS))
                + ", or single brackets for a drafting note."
            )
        return text


class VersionInline(admin.TabularInline):
    model = ReasoningTemplateVersion
    extra = 0
    can_delete = False
    fields = ["number", "text", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or is_manager(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReasoningTemplate)
class ReasoningTemplateAdmin(ManagerEditable):
    form = ReasoningTemplateForm
    list_display = ["title", "exemption", "topic_slug", "kind", "target", "active", "version"]
    list_filter = ["kind", "active", "exemption__regime"]
    search_fields = ["title", "topic_slug", "versions__text"]
    inlines = [VersionInline]

    @admin.display(description="Version")
    def version(self, obj: ReasoningTemplate) -> int | None:
        current = obj.current
        return current.number if current else None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Decisions record the version they started from; deactivate instead.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        text = form.cleaned_data["text"]
        current = obj.current
        if current is None or current.text != text:
            top = obj.versions.aggregate(top=Max("number"))["top"] or 0
            ReasoningTemplateVersion.objects.create(
                template=obj, number=top + 1, text=text, created_by=request.user
            )
