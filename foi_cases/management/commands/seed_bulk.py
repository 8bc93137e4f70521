"""Synthetic volume for benchmarks: `seed_bulk --cases 100000` tops the case table up to N.

Realistic shape: 20 officers, five years of receipts, 1 to 8 questions per case, about 30%
with exemption decisions, about 10 audit events per case, some restricted, most old cases
answered (about 8% late). Rows go in with bulk inserts in batches; deadlines come from the
same working-day calendar the application uses.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from exemptions.models import Exemption, ExemptionCitation
from foi_cases.bank_holidays import calendar_for
from foi_cases.models import (
    Case,
    CaseEvent,
    Question,
    ReferenceSequence,
    Requester,
    Topic,
)
from foi_cases.permissions import MANAGER, OFFICER, REVIEWER
from foi_cases.reporting import outcomes

LONDON = ZoneInfo("Europe/London")
BATCH = 2000

SUBJECTS = (
    "security assistance claimed by MPs",
    "constituency office panic alarms",
    "the Members' Security Support Service budget",
    "social media monitoring referrals to police",
    "Operation Bridger contacts with police forces",
    "security vetting of MPs' staff",
    "cyber security incidents affecting Members",
    "threats reported against Members",
    "home security installations for MPs",
    "lone worker devices issued to MPs' staff",
    "the Speaker's Conference on the security of MPs",
    "security costs at advice surgeries",
)
ASKS = (
    "How much was spent on {s} in {y}?",
    "How many requests relating to {s} were received in {y}?",
    "Please provide any reports or guidance about {s}.",
    "How many staff work on {s}?",
    "Please provide the total annual budget for {s} for {y}.",
    "How many incidents involving {s} were recorded between April and September {y}?",
    "What policy governs {s}, and when was it last reviewed?",
    "Please provide correspondence with police forces about {s} since {y}.",
)
FIRST_NAMES = ("Alex", "Sam", "Priya", "Tom", "Aisha", "Gareth", "Fiona", "Liam", "Mei", "Olu")
LAST_NAMES = ("Smith", "Jones", "Patel", "Evans", "Khan", "Murphy", "Campbell", "Hughes", "Chen")
# (exemption code, role, provision, limbs, likelihood)
CITATIONS = (
    ("FOIA-s31", "disclosure", "s31(1)(a) and (b)", ["s31(1)(a)", "s31(1)(b)"], "would_be_likely"),
    ("FOIA-s38", "disclosure", "s38(1)(a) and (b)", ["s38(1)(a)", "s38(1)(b)"], "would"),
    ("FOIA-s24", "disclosure", "s24(1)", ["s24(1)"], "required"),
    ("FOIA-s40", "disclosure", "s40(2)", ["s40(2)/s40(3A)(a)"], ""),
    ("FOIA-s38", "ncnd", "s38(2)", ["s38(2)"], "would_be_likely"),
    ("FOIA-s12", "procedural", "s12", ["s12(1)"], ""),
)
WITHHOLDING_OUTCOMES = {"partially_withheld", "withheld_in_full", "procedural_refusal", "ncnd"}
EVENT_VERBS = (
    CaseEvent.Verb.ASSIGNED,
    CaseEvent.Verb.TOPICS_SET,
    CaseEvent.Verb.QUESTIONS_EDITED,
    CaseEvent.Verb.COST_ESTIMATED,
    CaseEvent.Verb.DECISION_RECORDED,
    CaseEvent.Verb.DECISION_RECORDED,
    CaseEvent.Verb.SUBMITTED_FOR_REVIEW,
    CaseEvent.Verb.APPROVED,
)


def _batched(items: Iterator, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(BaseCommand):
    help = "Top the case table up to --cases N with synthetic, realistically shaped cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="Total cases wanted.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args, **options):
        wanted = options["cases"]
        existing = Case.objects.count()
        if existing >= wanted:
            self.stdout.write(f"{existing} cases already exist; nothing to add.")
            return
        rng = random.Random(options["seed"] + existing)
        started = time.perf_counter()
        officers, reviewers = self._staff()
        topics = list(Topic.objects.all()) or [Topic.objects.create(name="General", slug="general")]
        self.exemptions = Exemption.objects.in_bulk(
            {code for code, *_ in CITATIONS}, field_name="code"
        )
        added = self._add_cases(wanted - existing, rng, officers, reviewers, topics)
        elapsed = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Added {added} cases in {elapsed:.1f} s ({added / elapsed:.0f} cases/s); "
            f"{Case.objects.count()} in total."
        )

    def _staff(self) -> tuple[list[User], list[User]]:
        groups = {
            name: Group.objects.get_or_create(name=name)[0] for name in (OFFICER, REVIEWER, MANAGER)
        }
        officers = []
        for number in range(1, 21):
            user, _ = User.objects.get_or_create(
                username=f"bench-officer-{number:02d}",
                defaults={"first_name": "Officer", "last_name": f"{number:02d}"},
            )
            user.groups.add(groups[OFFICER])
            officers.append(user)
        reviewers = []
        for number in range(1, 4):
            user, _ = User.objects.get_or_create(username=f"bench-reviewer-{number}")
            user.groups.add(groups[REVIEWER])
            reviewers.append(user)
        manager, _ = User.objects.get_or_create(username="bench-manager")
        manager.groups.add(groups[MANAGER])
        return officers, reviewers

    def _add_cases(self, count, rng, officers, reviewers, topics) -> int:
        today = timezone.localdate()
        start = today - dt.timedelta(days=5 * 365)
        calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
        next_numbers = self._next_numbers()
        added = 0
        for chunk in _batched(iter(range(count)), BATCH):
            with transaction.atomic():
                added += self._add_chunk(
                    len(chunk),
                    rng,
                    officers,
                    reviewers,
                    topics,
                    start,
                    today,
                    calendars,
                    next_numbers,
                )
            self.stdout.write(f"  {added} / {count}", ending="\r")
        self.stdout.write("")
        with transaction.atomic():
            for (prefix, year), number in next_numbers.items():
                ReferenceSequence.objects.update_or_create(
                    prefix=prefix, year=year, defaults={"last_number": number - 1}
                )
        return added

    def _next_numbers(self) -> dict[tuple[str, int], int]:
        numbers: dict[tuple[str, int], int] = {}
        for row in ReferenceSequence.objects.values("prefix", "year").annotate(
            n=Max("last_number")
        ):
            numbers[(row["prefix"], row["year"])] = row["n"] + 1
        return numbers

    def _add_chunk(self, size, rng, officers, reviewers, topics, start, today, calendars, numbers):
        span = (today - start).days
        requesters = Requester.objects.bulk_create(
            Requester(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"requester{rng.randrange(10**9)}@example.net",
                requester_type=rng.choice(Requester.Type.values),
            )
            for _ in range(size)
        )
        cases = []
        for requester in requesters:
            received_on = start + dt.timedelta(days=rng.randrange(span))
            received_at = dt.datetime.combine(
                received_on, dt.time(rng.randrange(7, 20), rng.randrange(60)), LONDON
            )
            regime = rng.choices(Case.Regime.values, weights=(90, 8, 2))[0]
            calendar = calendars[regime]
            due_on = calendar.add_working_days(received_on, 20)
            age = (today - received_on).days
            status, responded_at, outcome = self._status(rng, age, due_on, received_at, calendar)
            key = ("FOI", received_on.year)
            number = numbers.get(key, 1)
            numbers[key] = number + 1
            subject = rng.choice(SUBJECTS)
            cases.append(
                Case(
                    reference=f"FOI-{received_on.year}-{number:05d}",
                    requester=requester,
                    channel=rng.choice(Case.Channel.values),
                    received_at=received_at,
                    regime=regime,
                    title=subject[:1].upper() + subject[1:],
                    request_text=" ".join(
                        rng.choice(ASKS).format(s=subject, y=received_on.year)
                        for _ in range(rng.randint(1, 4))
                    ),
                    status=status,
                    outcome=outcome,
                    assigned_to=None if status == Case.Status.RECEIVED else rng.choice(officers),
                    restricted=rng.random() < 0.05,
                    due_on=due_on,
                    responded_at=responded_at,
                    created_by=rng.choice(officers),
                )
            )
        cases = Case.objects.bulk_create(cases)
        questions = Question.objects.bulk_create(
            Question(
                case=case,
                number=n,
                text=rng.choice(ASKS).format(s=case.title.lower(), y=case.received_at.year),
                held_status=rng.choice(Question.Held.values) if not case.is_open else "",
            )
            for case in cases
            for n in range(1, rng.randint(1, 8) + 1)
        )
        ExemptionCitation.objects.bulk_create(self._citations(questions, rng), batch_size=BATCH)
        through = Case.topics.through
        through.objects.bulk_create(
            through(case_id=case.pk, topic_id=rng.choice(topics).pk) for case in cases
        )
        CaseEvent.objects.bulk_create(
            self._events(cases, rng, officers, reviewers), batch_size=BATCH
        )
        outcomes.refresh_reporting([case.pk for case in cases])
        return len(cases)

    def _status(self, rng, age, due_on, received_at, calendar):
        if age < 35 and rng.random() < 0.8:
            status = rng.choice(
                [Case.Status.RECEIVED, Case.Status.IN_PROGRESS, Case.Status.IN_PROGRESS,
                 Case.Status.IN_REVIEW, Case.Status.AWAITING_CLARIFICATION, Case.Status.APPROVED]
            )  # fmt: skip
            return status, None, ""
        late = rng.random() < 0.08
        answered_on = (
            calendar.add_working_days(due_on, rng.randint(1, 15))
            if late
            else calendar.add_working_days(received_at.date(), rng.randint(3, 20))
        )
        responded_at = dt.datetime.combine(answered_on, dt.time(15, 0), LONDON)
        outcome = rng.choices(
            [Case.Outcome.GRANTED_IN_FULL, Case.Outcome.PARTIALLY_WITHHELD,
             Case.Outcome.WITHHELD_IN_FULL, Case.Outcome.NOT_HELD,
             Case.Outcome.PROCEDURAL_REFUSAL, Case.Outcome.NCND],
            weights=(52, 12, 8, 18, 6, 4),
        )[0]  # fmt: skip
        status = Case.Status.CLOSED if age > 120 else Case.Status.RESPONDED
        return status, responded_at, outcome

    def _citations(self, questions, rng) -> Iterator[ExemptionCitation]:
        """About 30% of cases carry exemptions: every withholding outcome, some open cases."""
        for question in questions:
            case = question.case
            cited = case.outcome in WITHHOLDING_OUTCOMES or (case.is_open and rng.random() < 0.3)
            if not cited or (question.number > 1 and rng.random() < 0.5):
                continue
            code, role, provision, limbs, likelihood = rng.choice(CITATIONS)
            if case.outcome == "ncnd":
                code, role, provision, limbs, likelihood = CITATIONS[4]
            exemption = self.exemptions.get(code)
            if exemption is None:
                continue
            author = case.assigned_to or case.created_by
            yield ExemptionCitation(
                question=question,
                case=case,
                exemption=exemption,
                role=role,
                limbs=limbs,
                provision=provision,
                likelihood=likelihood,
                reasoning="Disclosure would be likely to undermine security arrangements.",
                created_by=author,
                updated_by=author,
            )

    def _events(self, cases, rng, officers, reviewers) -> Iterator[CaseEvent]:
        for case in cases:
            moment = case.received_at
            yield CaseEvent(
                case=case,
                actor=case.created_by,
                verb=CaseEvent.Verb.LOGGED,
                data={"reference": case.reference},
                created_at=moment,
            )
            for _ in range(rng.randint(7, 11)):
                moment += dt.timedelta(hours=rng.randint(1, 30))
                verb = rng.choice(EVENT_VERBS)
                actor = (
                    rng.choice(reviewers) if verb == CaseEvent.Verb.APPROVED else case.assigned_to
                )
                yield CaseEvent(case=case, actor=actor, verb=verb, data={}, created_at=moment)
            if case.responded_at:
                yield CaseEvent(
                    case=case,
                    actor=case.assigned_to,
                    verb=CaseEvent.Verb.RESPONSE_SENT,
                    data={"method": "email"},
                    created_at=case.responded_at,
                )
