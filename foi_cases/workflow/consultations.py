"""Third parties consulted on harm (the police, a security body, the Member): who, when, their
advice and whether it was followed. A harm test cites a consultation as its evidence; the letter
never names the consultee (the citation's own wording is what the letter prints)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from foi_cases.models import Case, CaseEvent, Consultation, Question
from foi_cases.permissions import can_add_records
from foi_cases.workflow import core

Verb = CaseEvent.Verb
User = User


@transaction.atomic
def record_consultation(
    case: Case,
    *,
    actor: User,
    consultee_type: str,
    consultee: str,
    about: str,
    consulted_on: dt.date,
    due_on: dt.date | None = None,
    questions: Sequence[Question] = (),
) -> Consultation:
    """Record that a third party was asked for its view, and when its answer is due."""
    core.require(
        can_add_records(actor, case),
        "Only the assigned officer or a manager can record consultations.",
    )
    core.check_event_date(case, consulted_on, field="consulted_on")
    errors = {}
    if consultee_type not in Consultation.Consultee.values:
        errors["consultee_type"] = "Choose who was consulted."
    if not consultee.strip():
        errors["consultee"] = "Name the body or person consulted."
    if not about.strip():
        errors["about"] = "Say what they were asked about."
    if due_on is not None and due_on < consulted_on:
        errors["due_on"] = "The reply cannot be due before the consultation."
    if any(q.case_id != case.pk for q in questions):
        errors["questions"] = "Choose questions of this case."
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        case=case,
        consultee_type=consultee_type,
        consultee=consultee.strip(),
        about=about.strip(),
        consulted_on=consulted_on,
        due_on=due_on,
        recorded_by=actor,
    )
    consultation.questions.set(questions)
    # The event names the kind of consultee, not who: the audit trail is shown on the case page.
    core.record(
        case,
        Verb.CONSULTATION_RECORDED,
        actor=actor,
        consultation=consultation.pk,
        consultee_type=consultee_type,
        consulted_on=consulted_on.isoformat(),
    )
    return consultation


@transaction.atomic
def record_advice(
    consultation: Consultation,
    *,
    actor: User,
    advice: str,
    received_on: dt.date,
    followed: str,
    followed_note: str = "",
) -> Consultation:
    """Record the consultee's advice, when it came and whether the decision followed it."""
    case = consultation.case
    core.require(
        can_add_records(actor, case),
        "Only the assigned officer or a manager can record a consultee's advice.",
    )
    core.check_not_future(received_on, "received_on")
    errors = {}
    if received_on < consultation.consulted_on:
        errors["received_on"] = "The advice cannot have come before the consultation."
    if not advice.strip():
        errors["advice"] = "Summarise the advice given."
    if followed not in Consultation.Followed.values:
        errors["followed"] = "Say whether the advice was followed."
    elif followed != Consultation.Followed.YES and not followed_note.strip():
        errors["followed_note"] = "Say why the advice was not followed in full."
    if errors:
        raise ValidationError(errors)
    consultation.advice = advice.strip()
    consultation.advice_received_on = received_on
    consultation.followed = followed
    consultation.followed_note = followed_note.strip()
    consultation.save(update_fields=["advice", "advice_received_on", "followed", "followed_note"])
    core.record(
        case,
        Verb.CONSULTATION_ADVICE,
        actor=actor,
        consultation=consultation.pk,
        received_on=received_on.isoformat(),
        followed=followed,
    )
    return consultation
