"""Forms of team administration: shape only (the workflow refuses what the rules forbid)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm

from foi_cases.forms import GovukForm, IdChoiceField, IdMultipleChoiceField
from foi_cases.models import Case
from foi_cases.permissions import OFFICER
from foi_cases.workflow.people import TEAM_ROLES

NAME_LENGTH = 150


def _role_field(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=[(role, role) for role in TEAM_ROLES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role"},
        **kwargs,
    )


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="E-mail address",
        help_text="Their work address: the set-up link goes there, and it becomes their username",
        max_length=150,
        error_messages={
            "required": "Enter their e-mail address",
            "invalid": "Enter an e-mail address like name@example.org",
        },
    )
    first_name = forms.CharField(
        label="First name",
        max_length=NAME_LENGTH,
        error_messages={"required": "Enter their first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=NAME_LENGTH,
        error_messages={"required": "Enter their last name"},
    )
    roles = _role_field(label="Roles")


class RolesForm(GovukForm):
    roles = _role_field(label="Roles")


class DeactivateForm(GovukForm):
    """The leaver's open cases as shown (the workflow checks they are still exactly those)."""

    cases = IdMultipleChoiceField(
        queryset=Case.objects.all(),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "invalid_choice": "Their open cases changed while you were on this page. "
            "Check the list again",
        },
    )
    to_officer = IdChoiceField(
        label="Officer who takes their open cases",
        queryset=None,
        required=False,
        empty_label="Choose an officer",
    )

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = (
            get_user_model()
            .objects.filter(groups__name=OFFICER, is_active=True)
            .exclude(pk=person.pk)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["to_officer"].queryset = officers
        self.fields["to_officer"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class JoinForm(SetPasswordForm):
    """Django's set-password form (new password twice, the validators), in GOV.UK words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].label = "Confirm password"
        self.fields["new_password2"].error_messages["required"] = "Enter the password again"
