"""The API's shapes. Serializers check input shape only; the workflow decides the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from exemptions.models import ExemptionCitation
from foi_cases.forms import MAX_QUESTION_CHARACTERS, MAX_QUESTIONS, MAX_REQUEST_CHARACTERS
from foi_cases.models import Case, CaseEvent, DisclosureLogEntry, Letter, Question, Requester
from foi_cases.workflow.intake import EARLIEST_RECEIPT

# --- Logging a request --------------------------------------------------------------------


class RequestCreateSerializer(serializers.Serializer):
    """A new request, as the staff intake form takes it."""

    requester_name = serializers.CharField(max_length=200)
    requester_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    requester_address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    requester_type = serializers.ChoiceField(
        choices=Requester.Type.choices, default=Requester.Type.PUBLIC
    )
    channel = serializers.ChoiceField(
        choices=Case.Channel.choices,
        required=False,
        help_text="How the request arrived; by default the channel the token was issued for.",
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text="When the request reached the authority (ISO 8601); by default now. "
        "Without a time (midnight) only the day counts.",
    )
    regime = serializers.ChoiceField(choices=Case.Regime.choices, required=False)
    title = serializers.CharField(max_length=200)
    request_text = serializers.CharField(max_length=MAX_REQUEST_CHARACTERS, trim_whitespace=False)
    questions = serializers.ListField(
        child=serializers.CharField(max_length=MAX_QUESTION_CHARACTERS),
        max_length=MAX_QUESTIONS,
        required=False,
        help_text="The questions, one per item; by default split from the request text as "
        "the intake page splits it.",
    )
    is_subject_access = serializers.BooleanField(default=False)

    def validate_request_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the text of the request.")
        return value

    def validate_regime(self, value: str) -> str:
        if value not in settings.FOI_REGIMES:
            raise serializers.ValidationError(
                f"This authority answers requests under {', '.join(settings.FOI_REGIMES)}."
            )
        return value

    def validate_received_at(self, value: dt.datetime) -> dt.datetime:
        # Compared before any conversion to local time, which fails for dates near year 1.
        earliest = dt.datetime.combine(EARLIEST_RECEIPT, dt.time(), tzinfo=dt.UTC)
        if value < earliest:
            raise serializers.ValidationError("The date received must be in 2005 or later.")
        if value > timezone.now():
            raise serializers.ValidationError("The date received cannot be in the future.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            not attrs.get("requester_email", "").strip()
            and not attrs.get("requester_address", "").strip()
        ):
            raise serializers.ValidationError(
                {"requester_email": "Give an e-mail address or a postal address."}
            )
        return attrs


class LoggedRequestSerializer(serializers.Serializer):
    reference = serializers.CharField()
    url = serializers.URLField(help_text="The case in the API.")
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True, help_text="The statutory due date.")
    due_explanation = serializers.ListField(
        child=serializers.CharField(), help_text="How the due date was reached, step by step."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    questions = serializers.IntegerField(help_text="How many questions were logged.")


# --- Cases --------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    due_on = serializers.SerializerMethodField(help_text="The current due date (if extended).")
    statutory_due_on = serializers.DateField(source="due_on", allow_null=True)
    officer = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Case
        fields = (
            "reference",
            "title",
            "status",
            "outcome",
            "regime",
            "channel",
            "received_at",
            "due_on",
            "statutory_due_on",
            "extended_due_on",
            "is_overdue",
            "responded_at",
            "closed_at",
            "restricted",
            "officer",
            "topics",
        )

    def get_due_on(self, case: Case) -> dt.date | None:
        return case.extended_due_on or case.due_on

    def get_officer(self, case: Case) -> str | None:
        user = case.assigned_to
        return (user.get_full_name() or user.get_username()) if user else None

    def get_topics(self, case: Case) -> list[str]:
        return [topic.slug for topic in case.topics.all()]


class RequesterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requester
        fields = ("name", "email", "postal_address", "requester_type")


class CaseDetailSerializer(CaseSerializer):
    requester = RequesterSerializer()

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "request_text", "is_subject_access", "requester")


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ("number", "text", "regime", "held_status", "outcome", "answer_text")


class CitationSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question.number")
    exemption = serializers.CharField(source="exemption.code")
    section = serializers.CharField(source="exemption.section")
    exemption_name = serializers.CharField(source="exemption.short_name")

    class Meta:
        model = ExemptionCitation
        fields = (
            "question",
            "exemption",
            "section",
            "exemption_name",
            "role",
            "limbs",
            "provision",
            "likelihood",
            "harm_interest",
            "harm_mechanism",
            "harm_evidence",
            "reasoning",
            "updated_at",
        )


class DecisionsSerializer(serializers.Serializer):
    questions = QuestionSerializer(many=True)
    citations = CitationSerializer(many=True)
    internal_held = serializers.DictField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="For NCND answers, whether each question's information is in fact held, "
        "by question number: only for the case's people, managers and its reviewer "
        "(null for anyone else).",
    )


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Letter
        fields = ("kind", "version", "status", "dated", "body", "composed_at", "sent_at")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ("verb", "actor", "data", "created_at")

    def get_actor(self, event: CaseEvent) -> str | None:
        return event.actor.get_username() if event.actor else None


# --- Statistics and the disclosure log --------------------------------------------------------


class PeriodSerializer(serializers.Serializer):
    first = serializers.DateField(required=False, help_text="First day of receipt.")
    last = serializers.DateField(required=False, help_text="Last day of receipt.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs.get("first"), attrs.get("last")
        if (first is None) != (last is None):
            raise serializers.ValidationError("Give both first and last, or neither.")
        if first and last:
            if first > last:
                raise serializers.ValidationError({"last": "The last day is before the first."})
            if first.year < EARLIEST_RECEIPT.year or last.year > timezone.localdate().year + 1:
                raise serializers.ValidationError(
                    {"first": "Choose days from 2005 to the end of next year."}
                )
        return attrs


class TableSerializer(serializers.Serializer):
    slug = serializers.CharField()
    caption = serializers.CharField()
    note = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        help_text="Each row's cells as text, in the columns' order.",
    )


class StatisticsSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    tables = TableSerializer(many=True)


class DisclosureEntrySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="case.reference")
    exemptions = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureLogEntry
        fields = (
            "reference",
            "title",
            "disclosed_on",
            "request_text",
            "response_text",
            "exemptions",
            "topics",
            "url",
        )

    def get_exemptions(self, entry: DisclosureLogEntry) -> list[str]:
        return [exemption.section for exemption in entry.exemptions.all()]

    def get_topics(self, entry: DisclosureLogEntry) -> list[str]:
        return [topic.name for topic in entry.topics.all()]

    def get_url(self, entry: DisclosureLogEntry) -> str:
        return self.context["request"].build_absolute_uri(entry.get_absolute_url())
