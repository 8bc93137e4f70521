"""Synthetic volume for benchmarks: `seed_bulk --cases 1000000` tops the case table up to N.

Realistic shape: 20 officers, five years of receipts, 1 to 8 questions per case, about 30%
with exemption decisions, about 10 audit events per case, some restricted, most old cases
answered (about 8% late). Deadlines come from the same working-day calendar the application
uses.

Rows go in with PostgreSQL COPY, in transactions of `CHUNK` cases, with primary keys handed
out here so no row has to be read back. A top-up that at least doubles the cases loads as
pg_restore does: the tables' secondary indexes are dropped first and built once, from all
the rows, at the end (keeping them up to date row by row, in random received order, cost
three quarters of the time at a million cases); the constraints' indexes stay. Each case's
stored reporting outcome is derived here as `outcomes.annotate_reporting` would derive it
from the rows written, and so are its exemption and topic summary rows (`reporting.summary`);
the day rows (`reporting.daily`) are recomputed from all the cases at the end. The test
suite's drift checks compare all three with their recomputation after every test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from exemptions.models import Exemption, ExemptionCitation
from foi_cases.bank_holidays import calendar_for
from foi_cases.models import (
    Case,
    CaseEvent,
    CaseExemptionSummary,
    CaseTopicSummary,
    Question,
    ReferenceSequence,
    ReportingOutcome,
    Requester,
    Topic,
)
from foi_cases.permissions import MANAGER, OFFICER, REVIEWER
from foi_cases.reporting import daily

LONDON = ZoneInfo("Europe/London")
CHUNK = 20_000

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
    "parliamentary estate catering contracts",
    "energy use of the parliamentary estate",
    "restoration and renewal programme costs",
    "visitor numbers to the Palace of Westminster",
    "staff sickness absence in the House service",
    "agency staff spending in the Parliamentary Digital Service",
    "broadband contracts for constituency offices",
    "translation services for select committees",
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
DISCLOSURE_CITATIONS = (
    ("FOIA-s31", "disclosure", "s31(1)(a) and (b)", ["s31(1)(a)", "s31(1)(b)"], "would_be_likely"),
    ("FOIA-s38", "disclosure", "s38(1)(a) and (b)", ["s38(1)(a)", "s38(1)(b)"], "would"),
    ("FOIA-s24", "disclosure", "s24(1)", ["s24(1)"], "required"),
    ("FOIA-s40", "disclosure", "s40(2)", ["s40(2)/s40(3A)(a)"], ""),
)
NCND_CITATION = ("FOIA-s38", "ncnd", "s38(2)", ["s38(2)"], "would_be_likely")
COST_CITATION = ("FOIA-s12", "procedural", "s12", ["s12(1)"], "")
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
R = ReportingOutcome
Held = Question.Held
# A question's held status follows the case's answer: what was not held, or neither
# confirmed nor denied, is recorded so on every question.
HELD_FOR_OUTCOME = {
    Case.Outcome.NOT_HELD: Held.NOT_HELD,
    Case.Outcome.NCND: Held.NCND,
}
# Where no question decides it, the case outcome the final response recorded does
# (see `outcomes.annotate_reporting`'s fallback).
FALLBACK = {
    Case.Outcome.GRANTED_IN_FULL: R.GRANTED_IN_FULL,
    Case.Outcome.PARTIALLY_WITHHELD: R.PARTIALLY_WITHHELD,
    Case.Outcome.WITHHELD_IN_FULL: R.WITHHELD_IN_FULL,
    Case.Outcome.NOT_HELD: R.NOT_HELD,
    Case.Outcome.NCND: R.NCND,
}


def reporting_outcome(status: str, outcome: str, held: set[str], cites_cost: bool) -> str:
    """`annotate_reporting`'s derivation for the rows seed_bulk writes.

    Its questions record a held status but no per-question outcome, no hours are
    estimated and the only procedural ground cited is s12.
    """
    if status in Case.CLOCK_STOPPED_STATUSES:
        return R.ON_HOLD
    if status not in Case.FINISHED_STATUSES:
        return R.NOT_YET_PROCESSED
    if cites_cost:
        return R.PROCEDURAL_S12
    if outcome == Case.Outcome.PROCEDURAL_REFUSAL:
        return R.PROCEDURAL_S14
    if Held.NCND in held:
        return R.NCND
    if Held.NOT_HELD in held:
        return R.NOT_HELD
    return FALLBACK.get(outcome, R.NOT_RECORDED)


class Table:
    """Rows for one table, written with COPY: given columns per row, the rest defaulted."""

    def __init__(self, model: type[models.Model], given: Sequence[str]):
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        by_name = {f.name: f for f in fields}
        self.model = model
        self.given = [by_name[name].column for name in given]
        now = timezone.now()
        self.defaults = [
            (f.column, _copy_text(now if getattr(f, "auto_now_add", False) else f.get_default()))
            for f in fields
            if f.name not in given
        ]
        self.suffix = "".join("\t" + text for _, text in self.defaults)
        self.rows: list[str] = []

    def add(self, *values: str) -> None:
        """One row, its given values already in COPY's text format (see `_copy_text`)."""
        self.rows.append("\t".join(values) + self.suffix)

    def write(self) -> None:
        columns = ", ".join(
            connection.ops.quote_name(c) for c in [*self.given, *(c for c, _ in self.defaults)]
        )
        table = connection.ops.quote_name(self.model._meta.db_table)
        text = "\n".join(self.rows) + "\n"
        with connection.cursor() as cursor:
            # In one read: copy_expert takes the interpreter lock for every block it reads,
            # and the thread generating the next chunk holds it for 5 ms at a time, so 8 kB
            # blocks kept PostgreSQL waiting for most of the load.
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text), size=len(text)
            )
        self.rows = []


def _copy_text(value: Any) -> str:
    """A value in COPY's text format.

    The rows are written with plain `str()` where the value cannot be None or contain a tab,
    newline or backslash (the synthetic texts contain none), as this is the seeder's hot loop.
    """
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    elif isinstance(value, Decimal | int):
        return str(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class Writer:
    """Writes each chunk in a transaction of its own, on a second connection (in a thread)
    while the next chunk is generated, so Python and PostgreSQL work at the same time.

    Inline on the caller's connection when it is inside a transaction (a test's), which the
    second connection could not see.
    """

    def __init__(self, *, inline: bool):
        self.pool = None if inline else ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    def __enter__(self) -> Writer:
        return self

    def write(self, tables: list[Table | Events]) -> None:
        if self.pool is None:
            _write(tables)
            return
        self._wait()
        self.pending = self.pool.submit(_write, tables)

    def _wait(self) -> None:
        if self.pending is not None:
            self.pending.result()
            self.pending = None

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is None:
            return
        try:
            self._wait()
        finally:
            self.pool.submit(connections.close_all).result()
            self.pool.shutdown()


def _write(tables: list[Table | Events]) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The rows reference each other correctly by construction. A superuser may skip
            # the foreign-key triggers, as pg_restore --disable-triggers does; they cost
            # as much as the COPY itself.
            # Each chunk can be written again by running the seeder again: it need not wait
            # for its commit to reach the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables:
            table.write()


class DeferredIndexes:
    """Drops the secondary indexes of some tables, and builds them again on leaving.

    Only indexes that back no constraint (primary keys and unique constraints stay, so the
    rows are still checked); each is rebuilt from its own definition in `pg_indexes`, under
    its own name, whether or not the load succeeded.
    """

    def __init__(self, tables: Sequence[type[models.Model]]):
        self.tables = [model._meta.db_table for model in tables]
        self.definitions: list[tuple[str, str, str]] = []
        self.build_seconds = 0.0

    def __enter__(self) -> DeferredIndexes:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)",
                [self.tables],
            )
            self.definitions = cursor.fetchall()
            for _, name, _ in self.definitions:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
                [self.tables],
            )
            sizes = dict(cursor.fetchall())
        # Two at a time, each on a connection of its own, largest tables first: nothing else
        # is running now, and PostgreSQL builds most indexes with one process.
        ordered = sorted(self.definitions, key=lambda index: -sizes.get(index[0], 0))
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(_build_index, [definition for _, _, definition in ordered]))
        self.build_seconds = time.perf_counter() - started


def _build_index(definition: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(definition)
    finally:
        connection.close()  # this thread's own connection


class Events:
    """About ten audit events for each case of a chunk, written by PostgreSQL from the case
    rows just copied (a third of the seeder's Python time went on writing them out).

    The request logged by its author on receipt; 7 to 11 steps of the workflow, some 15 to
    25 hours apart, by the officer (an approval by a reviewer); the response sent when
    answered. The steps' verbs are spread by a hash of the case and step, so reproducibly.
    """

    SQL = f"""
        INSERT INTO {CaseEvent._meta.db_table} (case_id, actor_id, verb, data, created_at)
        SELECT c.id, c.created_by_id, %(logged)s, '{{}}'::jsonb, c.received_at
        FROM {Case._meta.db_table} c WHERE c.id BETWEEN %(first)s AND %(last)s
        UNION ALL
        SELECT c.id,
            CASE WHEN step.verb = %(approved)s
                THEN (%(reviewers)s::int[])[1 + c.id %% cardinality(%(reviewers)s::int[])]
                ELSE c.assigned_to_id END,
            step.verb, '{{}}'::jsonb,
            c.received_at + (step.n * 15 + step.spread %% 10) * interval '1 hour'
        FROM {Case._meta.db_table} c
        CROSS JOIN LATERAL (
            SELECT n, (%(verbs)s::text[])[1 + spread %% cardinality(%(verbs)s::text[])] AS verb,
                spread
            FROM generate_series(1, 7 + c.id %% 5) AS n,
                LATERAL (SELECT hashint8(c.id * 16 + n)::bigint + 2147483648 AS spread) h
        ) step
        WHERE c.id BETWEEN %(first)s AND %(last)s
        UNION ALL
        SELECT c.id, c.assigned_to_id, %(sent)s, '{{"method": "email"}}'::jsonb, c.responded_at
        FROM {Case._meta.db_table} c
        WHERE c.id BETWEEN %(first)s AND %(last)s AND c.responded_at IS NOT NULL
    """

    def __init__(self, first: int, last: int, reviewer_ids: list[int]):
        self.params = {
            "first": first,
            "last": last,
            "reviewers": reviewer_ids,
            "verbs": [str(verb) for verb in EVENT_VERBS],
            "logged": str(CaseEvent.Verb.LOGGED),
            "approved": str(CaseEvent.Verb.APPROVED),
            "sent": str(CaseEvent.Verb.RESPONSE_SENT),
        }

    def write(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self.SQL, self.params)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(n=Max("pk"))["n"] or 0) + 1


def _reset_sequence(model: type[models.Model]) -> None:
    """Move the table's identity on past the keys handed out here."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}), false)",
            [table],
        )


class Command(BaseCommand):
    help = "Top the case table up to --cases N with synthetic, realistically shaped cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="Total cases wanted.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("seed_bulk writes with PostgreSQL COPY: set DATABASE_URL.")
            return
        wanted = options["cases"]
        existing = Case.objects.count()
        if existing >= wanted:
            self.stdout.write(f"{existing} cases already exist; nothing to add.")
            return
        rng = random.Random(options["seed"] + existing)
        started = time.perf_counter()
        officers, reviewers = self._staff()
        topics = list(Topic.objects.all()) or [Topic.objects.create(name="General", slug="general")]
        codes = {c[0] for c in (*DISCLOSURE_CITATIONS, NCND_CITATION, COST_CITATION)}
        self.exemptions = Exemption.objects.in_bulk(codes, field_name="code")
        seeder = Seeder(rng, officers, reviewers, topics, self.exemptions)
        added = 0
        inline = connection.in_atomic_block
        # Inside a transaction (a test's) the few rows load with the indexes in place.
        deferred = (
            contextlib.nullcontext()
            if inline or wanted - existing < existing
            else DeferredIndexes(seeder.models)
        )
        with deferred, Writer(inline=inline) as writer:
            for start in range(0, wanted - existing, CHUNK):
                size = min(CHUNK, wanted - existing - start)
                writer.write(seeder.chunk(size))
                added += size
                self.stdout.write(f"  {added} / {wanted - existing}", ending="\r")
        self.stdout.write("")
        if isinstance(deferred, DeferredIndexes):
            self.stdout.write(
                f"Indexes of {len(deferred.definitions)} built again in "
                f"{deferred.build_seconds:.1f} s."
            )
        with transaction.atomic():
            seeder.finish()
        daily.refresh(None)
        elapsed = time.perf_counter() - started
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


class Seeder:
    """Writes chunks of cases with their requesters, questions, citations, topics and events."""

    def __init__(self, rng, officers, reviewers, topics, exemptions):
        self.rng = rng
        self.officer_ids = [u.pk for u in officers]
        self.reviewer_ids = [u.pk for u in reviewers]
        self.topic_ids = [str(t.pk) for t in topics]
        self.exemptions = exemptions
        self.today = timezone.localdate()
        self.start = self.today - dt.timedelta(days=5 * 365)
        self.calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
        self.numbers = self._next_numbers()
        self.models = (
            Requester, Case, Question, ExemptionCitation, Case.topics.through, CaseEvent,
            CaseExemptionSummary, CaseTopicSummary,
        )  # fmt: skip
        self.ids = {model: _next_id(model) for model in self.models}
        self.channels = Case.Channel.values
        self.requester_types = Requester.Type.values
        self.now_text = timezone.now().isoformat()

    def _next_numbers(self) -> dict[tuple[str, int], int]:
        numbers: dict[tuple[str, int], int] = {}
        for row in ReferenceSequence.objects.values("prefix", "year").annotate(
            n=Max("last_number")
        ):
            numbers[(row["prefix"], row["year"])] = row["n"] + 1
        return numbers

    def _take_id(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] = pk + 1
        return pk

    def chunk(self, size: int) -> list[Table | Events]:
        """The rows of `size` more cases, parents before children."""
        rng = self.rng
        requesters = Table(Requester, ("id", "name", "email", "requester_type"))
        cases = Table(
            Case,
            (
                "id", "reference", "requester", "channel", "received_at", "regime", "title",
                "request_text", "status", "outcome", "reporting_outcome", "assigned_to",
                "restricted", "due_on", "responded_at", "created_by", "updated_at",
            ),
        )  # fmt: skip
        questions = Table(Question, ("id", "case", "number", "text", "regime", "held_status"))
        citations = Table(
            ExemptionCitation,
            (
                "id", "question", "case", "exemption", "role", "limbs", "provision",
                "likelihood", "reasoning", "created_by", "updated_by",
            ),
        )  # fmt: skip
        topics = Table(Case.topics.through, ("id", "case", "topic"))
        exemption_rows = Table(
            CaseExemptionSummary, ("id", "case", "exemption", "received_at", "questions")
        )
        topic_rows = Table(CaseTopicSummary, ("id", "case", "topic", "received_at"))
        span = (self.today - self.start).days
        first_case = self.ids[Case]
        for _ in range(size):
            requester_id = self._take_id(Requester)
            requesters.add(
                str(requester_id),
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"requester{rng.randrange(10**9)}@example.net",
                rng.choice(self.requester_types),
            )
            received_on = self.start + dt.timedelta(days=rng.randrange(span))
            received_at = dt.datetime.combine(
                received_on, dt.time(rng.randrange(7, 20), rng.randrange(60)), LONDON
            )
            regime = rng.choices(Case.Regime.values, weights=(90, 8, 2))[0]
            calendar = self.calendars[regime]
            due_on = calendar.add_working_days(received_on, 20)
            age = (self.today - received_on).days
            status, responded_at, outcome = self._status(age, due_on, received_at, calendar)
            is_open = status not in Case.FINISHED_STATUSES
            key = ("FOI", received_on.year)
            number = self.numbers.get(key, 1)
            self.numbers[key] = number + 1
            subject = rng.choice(SUBJECTS)
            case_id = self._take_id(Case)
            assigned_to = None if status == Case.Status.RECEIVED else rng.choice(self.officer_ids)
            created_by = rng.choice(self.officer_ids)
            year = received_on.year
            held, cites_cost, citing = self._questions(
                case_id, subject, year, regime, outcome, is_open, assigned_to or created_by,
                questions, citations,
            )  # fmt: skip
            cases.add(
                str(case_id),
                f"FOI-{year}-{number:05d}",
                str(requester_id),
                rng.choice(self.channels),
                received_at.isoformat(),
                regime,
                subject[:1].upper() + subject[1:],
                " ".join(
                    rng.choice(ASKS).format(s=subject, y=year) for _ in range(rng.randint(1, 4))
                ),
                status,
                outcome,
                reporting_outcome(status, outcome, held, cites_cost),
                _copy_text(assigned_to),
                "t" if rng.random() < 0.05 else "f",
                due_on.isoformat(),
                _copy_text(responded_at),
                str(created_by),
                self.now_text,
            )
            topic_id = rng.choice(self.topic_ids)
            topics.add(str(self._take_id(Case.topics.through)), str(case_id), topic_id)
            received = received_at.isoformat()
            topic_rows.add(str(self._take_id(CaseTopicSummary)), str(case_id), topic_id, received)
            for exemption_id, n in citing.items():
                exemption_rows.add(
                    str(self._take_id(CaseExemptionSummary)), str(case_id), exemption_id,
                    received, str(n),
                )  # fmt: skip
        events = Events(first_case, case_id, self.reviewer_ids)
        return [requesters, cases, questions, citations, topics, events, exemption_rows, topic_rows]

    def _status(self, age, due_on, received_at, calendar):
        rng = self.rng
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

    def _questions(
        self, case_id, subject, year, regime, outcome, is_open, author, questions, citations
    ) -> tuple[set[str], bool, Counter[str]]:
        """About 30% of cases carry exemptions: every withholding outcome, some open cases.

        Returns the held statuses, whether the cost limit is cited, and how many questions
        cite each exemption (by id).
        """
        rng = self.rng
        cited = outcome in WITHHOLDING_OUTCOMES or (is_open and rng.random() < 0.3)
        held: set[str] = set()
        cites_cost = False
        citing: Counter[str] = Counter()
        for number in range(1, rng.randint(1, 8) + 1):
            question_id = self._take_id(Question)
            status = ""
            if not is_open:
                status = HELD_FOR_OUTCOME.get(outcome) or rng.choice((Held.HELD, Held.PARTLY_HELD))
                held.add(status)
            questions.add(
                str(question_id),
                str(case_id),
                str(number),
                rng.choice(ASKS).format(s=subject, y=year),
                regime,
                status,
            )
            if not cited or (number > 1 and rng.random() < 0.5):
                continue
            if outcome == Case.Outcome.NCND:
                citation = NCND_CITATION
            elif outcome == Case.Outcome.PROCEDURAL_REFUSAL:
                citation = COST_CITATION
            else:
                citation = rng.choice(DISCLOSURE_CITATIONS)
            code, role, provision, limbs, likelihood = citation
            exemption = self.exemptions.get(code)
            if exemption is None:
                continue
            cites_cost = cites_cost or citation is COST_CITATION
            citing[str(exemption.pk)] += 1
            citations.add(
                str(self._take_id(ExemptionCitation)),
                str(question_id),
                str(case_id),
                str(exemption.pk),
                role,
                json.dumps(limbs),
                provision,
                likelihood,
                "Disclosure would be likely to undermine security arrangements.",
                str(author),
                str(author),
            )
        return held, cites_cost, citing

    def finish(self) -> None:
        for (prefix, year), number in self.numbers.items():
            ReferenceSequence.objects.update_or_create(
                prefix=prefix, year=year, defaults={"last_number": number - 1}
            )
        for model in self.models:
            _reset_sequence(model)
