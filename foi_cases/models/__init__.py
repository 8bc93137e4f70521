"""The case manager's models, one module per part of a case's life, all importable from here."""

# ruff: noqa: E402 (default_authority_name is defined before the modules that use it)

from __future__ import annotations

from django.conf import settings


def default_authority_name() -> str:
    """LetterSettings.authority_name's default; migration 0005 names it at this path."""
    return settings.AUTHORITY_NAME


from foi_cases.models.after_response import (
    DisclosureLogEntry,
    DisclosureLogEntryQuerySet,
    ICOComplaint,
    ICOComplaintQuerySet,
    InternalReview,
    InternalReviewQuerySet,
    TribunalAppeal,
)
from foi_cases.models.api_tokens import ApiToken, ApiTokenQuerySet
from foi_cases.models.calendar import BankHoliday, SuspensionPeriod
from foi_cases.models.cases import (
    Case,
    CaseEvent,
    CaseQuerySet,
    ClockEvent,
    Question,
    ReferenceSequence,
    ReportingOutcome,
    Requester,
    Topic,
)
from foi_cases.models.casework import CaseLink, CaseNote, CaseWatcher
from foi_cases.models.consistency import (
    CircumstanceChange,
    ConsistencyOverride,
    Mention,
    MosaicFlag,
    Position,
    ProtectedPerson,
    ProtectedPlace,
    RegisterChange,
    SecurityAttribute,
)
from foi_cases.models.correspondence import Correspondence, MailAttachment
from foi_cases.models.letters import (
    DEFAULT_INTERNAL_REVIEW_TEXT,
    DEFAULT_REUSE_TEXT,
    Letter,
    LetterSettings,
    Redaction,
)
from foi_cases.models.notifications import Notification, ReminderSent
from foi_cases.models.people import AccessEvent, Invitation
from foi_cases.models.records import Consultation, ContributorTask, Record, RecordRedaction
from foi_cases.models.release import ReleaseBundle
from foi_cases.models.reporting_summary import (
    CaseExemptionSummary,
    CaseTopicSummary,
    DailyExemptionReceipts,
    DailyReceipts,
    DailyTopicReceipts,
)
from foi_cases.models.security import (
    CaseAccessLog,
    FormSubmission,
    OutboxMessage,
    SignedInSession,
    WorkerHeartbeat,
)

__all__ = [
    "AccessEvent",
    "ApiToken",
    "ApiTokenQuerySet",
    "DEFAULT_INTERNAL_REVIEW_TEXT",
    "DEFAULT_REUSE_TEXT",
    "BankHoliday",
    "Case",
    "CaseAccessLog",
    "CaseEvent",
    "CaseLink",
    "CaseNote",
    "CaseQuerySet",
    "CaseWatcher",
    "ClockEvent",
    "Correspondence",
    "Consultation",
    "ContributorTask",
    "DisclosureLogEntry",
    "DisclosureLogEntryQuerySet",
    "FormSubmission",
    "ICOComplaint",
    "ICOComplaintQuerySet",
    "Invitation",
    "InternalReview",
    "InternalReviewQuerySet",
    "Letter",
    "LetterSettings",
    "MailAttachment",
    "Notification",
    "OutboxMessage",
    "Question",
    "Record",
    "RecordRedaction",
    "Redaction",
    "ReferenceSequence",
    "ReleaseBundle",
    "ReminderSent",
    "ReportingOutcome",
    "Requester",
    "SignedInSession",
    "SuspensionPeriod",
    "Topic",
    "TribunalAppeal",
    "WorkerHeartbeat",
    "default_authority_name",
    "CircumstanceChange",
    "ConsistencyOverride",
    "Mention",
    "MosaicFlag",
    "Position",
    "ProtectedPerson",
    "ProtectedPlace",
    "RegisterChange",
    "SecurityAttribute",
    "CaseExemptionSummary",
    "CaseTopicSummary",
    "DailyExemptionReceipts",
    "DailyReceipts",
    "DailyTopicReceipts",
]
