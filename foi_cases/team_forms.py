"""Forms for the case team and reviewer allocation: shape only; foi_cases.team says yes or no."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from foi_cases.forms import GovukForm, IdChoiceField
from foi_cases.permissions import ROLES

REASON_CHARACTERS = 500


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class TeamMemberForm(GovukForm):
    member = IdChoiceField(
        label="Person to add",
        queryset=None,
        empty_label="Choose someone",
        error_messages={"required": "Choose the person to add"},
    )
    reason = forms.CharField(
        label="Why they need to be on the case",
        max_length=REASON_CHARACTERS,
        error_messages={"required": "Say why they need to be on the case"},
    )

    def __init__(self, *args: Any, exclude: set[int] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=ROLES)
            .exclude(pk__in=exclude)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        field.label_from_instance = _name


class TeamRemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why they are taken off the case",
        max_length=REASON_CHARACTERS,
        error_messages={"required": "Say why they are taken off the case"},
    )


class ReviewerForm(GovukForm):
    """Choose a reviewer among those `team.eligible_reviewers` lists."""

    reviewer = IdChoiceField(
        label="Reviewer",
        queryset=None,
        required=False,
        empty_label="Leave it to the review queue",
        help_text="Only reviewers who wrote and edited none of this and are not the case's "
        "officer are listed.",
    )

    def __init__(
        self, *args: Any, reviewers: list[Any], required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = (
            get_user_model()
            .objects.filter(pk__in=[r.pk for r in reviewers])
            .order_by("first_name", "last_name", "username")
        )
        field.label_from_instance = _name
        field.required = required
        if required:
            field.empty_label = "Choose a reviewer"
            field.error_messages["required"] = "Choose a reviewer"


class ClearanceForm(GovukForm):
    CHOICES = (("default", "The service's default"), ("yes", "Required"), ("no", "Not required"))
    VALUES = {"default": None, "yes": True, "no": False}

    clearance = forms.ChoiceField(
        label="Manager clearance while restricted",
        choices=CHOICES,
        widget=forms.RadioSelect,
        help_text="Required: only a manager allocates reviewers, and decisions and letters "
        "need a manager's second approval.",
        error_messages={"required": "Choose whether manager clearance is required"},
    )
    reason = forms.CharField(
        label="Why the clearance changes",
        max_length=REASON_CHARACTERS,
        error_messages={"required": "Say why the clearance changes"},
    )

    @classmethod
    def initial_for(cls, value: bool | None) -> str:
        return {None: "default", True: "yes", False: "no"}[value]
