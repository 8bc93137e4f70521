"""The managers' API token form: shape only (foi_cases.api.tokens decides the rest)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth import get_user_model

from foi_cases.forms import GovukForm, date_field
from foi_cases.models import ApiToken, Case
from foi_cases.permissions import ROLES


class IssueTokenForm(GovukForm):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, the website's request form, or the CRM",
        error_messages={"required": "Enter what the token is for"},
    )
    owner = forms.ModelChoiceField(
        label="Issue it to",
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label="A new service account (name it below)",
        help_text="The token can never do more than this account can",
    )
    service_name = forms.SlugField(
        label="New service account's name",
        required=False,
        max_length=60,
        help_text="Letters, numbers and hyphens, for example website",
        error_messages={"invalid": "Use only letters, numbers and hyphens"},
    )
    service_role = forms.ChoiceField(
        label="New service account's role",
        required=False,
        choices=[(role, role) for role in ROLES],
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope"},
    )
    channel = forms.ChoiceField(
        label="Requests it logs arrive by",
        choices=Case.Channel.choices,
        initial=Case.Channel.WEB_FORM,
    )
    expires_on = date_field("Expiry date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=ROLES)
            .distinct()
            .order_by("username")
        )
        owner.label_from_instance = lambda user: (
            f"{user.get_full_name() or user.get_username()} ({user.get_username()})"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"),
            Field.select("owner"),
            Field.text("service_name", field_width=20),
            Field.select("service_role"),
            Field.checkboxes("scopes"),
            Field.select("channel"),
            Field("expires_on"),
            Button("submit", "Issue the token"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("owner") and not data.get("service_name"):
            self.add_error(
                "service_name", "Choose who the token is for, or name a new service account"
            )
        return data
