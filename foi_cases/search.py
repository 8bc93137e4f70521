"""Possible duplicates and repeats of a case, shown at triage.

Two lists: the same requester's other requests, and requests with similar text (PostgreSQL
full-text search on the GIN index of migration 0004; shared words on SQLite). Each match
is flagged as a candidate for s14(2) (repeated request) or s12 aggregation (reg 5: same or
similar information within 60 working days). The flags prompt a human decision; they
decide nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from foi_cases.bank_holidays import calendar_for
from foi_cases.models import Case, Correspondence, Requester
from foi_cases.permissions import cases_visible_to

# The stored to_tsvector('english', title || ' ' || request_text) of migration 0011, under
# the GIN index case_text_by_received (migration 0045, with the receipt time): matching and
# ranking never re-parse the text.
# Unqualified, so that in a subquery it names the subquery's own case, not the outer one
# (no joined table has a column of that name).
SEARCH_VECTOR = '"search_vector"'
# The same for the case's requester (neither the requester nor a user has such a column).
REQUESTER_ID = '"requester_id"'
# The references of cases whose e-mail (migration 0026's stored tsvector) matches; the case
# column is named unqualified for the same reason, and only the case table has "reference".
REFERENCE = '"reference"'
MAIL_REFERENCES = (
    "SELECT mail_case.reference FROM foi_cases_correspondence mail "
    "JOIN foi_cases_case mail_case ON mail_case.id = mail.case_id "
    "WHERE mail.search_vector @@ websearch_to_tsquery('english', %s)"
)
QUERY_WORDS = 12
SIMILAR_LIMIT = 10
# A search by name looks at this many of the most recent requesters it matches.
REQUESTER_CANDIDATES = 2000
# Similar requests are ranked among this many of the most recently received that share a word.
SIMILAR_CANDIDATES = 500
SAME_REQUESTER_LIMIT = 20
# A repeat under s14(2) needs no reasonable interval to have passed; look back this far.
LOOKBACK = dt.timedelta(days=3 * 366)
AGGREGATION_WORKING_DAYS = 60
SIMILAR_THRESHOLD = 0.4

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself
    dear sir madam thank thanks kind regards yours faithfully sincerely please like know
    request requests requested requesting freedom information act foi details provide
    provided copy copies held hold regarding relating related whether including include
    many much number numbers figure figures total date dates year years since within per
    each every give given made make received letter email e-mail response respond
    """.split()
)
WORD = re.compile(r"[a-z0-9]+")
REFERENCE_FRAGMENT = re.compile(r"(?:[a-z]+-)?\d[\d-]*", re.IGNORECASE)


def _words(text: str) -> list[str]:
    words = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS or (len(word) < 4 and not word.isdigit()):
            continue
        # A crude plural fold so "alarm" and "alarms" count as one word.
        words.append(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return words


def significant_words(text: str, limit: int = QUERY_WORDS) -> list[str]:
    """The text's most frequent content words, longer words first on a tie."""
    counts = Counter(_words(text))
    first_seen = {word: index for index, word in reversed(list(enumerate(_words(text))))}
    ranked = sorted(counts, key=lambda word: (-counts[word], -len(word), first_seen[word]))
    return ranked[:limit]


def similarity(words: list[str], text: str) -> float:
    """The share of a case's significant words that another text also uses."""
    if not words:
        return 0.0
    other = set(_words(text))
    return sum(word in other for word in words) / len(words)


@dataclass
class Match:
    case: Case
    same_requester: bool
    similarity: float
    flags: list[str] = field(default_factory=list)


@dataclass
class PossibleDuplicates:
    same_requester: list[Match]
    similar: list[Match]

    @property
    def flagged(self) -> bool:
        return any(match.flags for match in [*self.same_requester, *self.similar])


def _candidates(case: Case, user: Any) -> QuerySet:
    return (
        cases_visible_to(user)
        .exclude(pk=case.pk)
        .filter(received_at__gte=case.received_at - LOOKBACK)
        .select_related("requester", "assigned_to")
    )


def _same_requester_query(case: Case) -> Q:
    # A subquery on requesters, not an OR across the join: the OR made PostgreSQL walk
    # every case in date order, probing each one's requester (2 s at 100,000 cases).
    requesters = Q(pk=case.requester_id)
    if case.requester.email:
        requesters |= Q(email__iexact=case.requester.email)
    return Q(requester__in=Requester.objects.filter(requesters).values("pk"))


def _tsquery(words: list[str]) -> str:
    # Words are [a-z0-9]+ only, so they cannot carry tsquery operators.
    return " | ".join(words)


def text_matches(words: list[str]) -> RawSQL:
    """PostgreSQL: the title and text contain any of the words (uses the GIN index)."""
    return RawSQL(
        f"{SEARCH_VECTOR} @@ to_tsquery('english', %s)",
        (_tsquery(words),),
        output_field=BooleanField(),
    )


def text_rank(words: list[str]) -> RawSQL:
    return RawSQL(
        f"ts_rank({SEARCH_VECTOR}, to_tsquery('english', %s))",
        (_tsquery(words),),
        output_field=FloatField(),
    )


def matching_cases(cases: QuerySet, text: str, *, every_match: bool = False) -> QuerySet:
    """The cases whose reference, requester or title and request text match the search box.

    A reference or part of one ("FOI-2026-00042", "00042") matches references; anything else
    matches the requester's name or e-mail address, and the words of the title and request
    (PostgreSQL: web-search syntax over the GIN index, stemmed, so "threats" finds "threat";
    SQLite: the text as typed). A name matches the `REQUESTER_CANDIDATES` most recent
    requesters of that name, unless `every_match` (a surname as common as Smith names a
    hundred thousand requesters at national scale).
    """
    text = text.strip()
    if not text:
        return cases
    if REFERENCE_FRAGMENT.fullmatch(text):
        return cases.filter(reference__icontains=text)
    requesters = Requester.objects.filter(Q(name__icontains=text) | Q(email__iexact=text))
    if connection.vendor != "postgresql":
        by_words = Q(title__icontains=text) | Q(request_text__icontains=text)
        mail = Correspondence.objects.filter(
            Q(subject__icontains=text) | Q(body_text__icontains=text)
        )
        by_mail = Q(pk__in=mail.filter(case__isnull=False).values("case_id"))
        return cases.filter(by_words | by_mail | Q(requester__in=requesters.values("pk")))
    # One condition on the case row that two indexes answer together (a BitmapOr of the
    # text's GIN index and the case's requester index, the requesters found first through
    # their trigram index of migration 0012 as an array): the cases are read once, so the
    # page and its count need no second pass over the same rows, as a union of the two
    # lookups joined back to the cases did (70 ms at 100,000 cases, not 25). An OR with
    # `requester_id IN (subquery)` instead makes PostgreSQL scan every case.
    if every_match:
        requester_sql, requester_params = requesters.values("pk").order_by().query.sql_with_params()
        requester_sql = f"ARRAY({requester_sql})"
    else:
        # Read here, once, not again in each half of `most_recent`'s query (20 ms each).
        recent = requesters.order_by("-pk").values_list("pk", flat=True)[:REQUESTER_CANDIDATES]
        requester_sql, requester_params = "%s::bigint[]", (list(recent),)
    return cases.filter(
        RawSQL(
            f"({SEARCH_VECTOR} @@ websearch_to_tsquery('english', %s) "
            f"OR {REQUESTER_ID} = ANY({requester_sql}) "
            f"OR {REFERENCE} = ANY(ARRAY({MAIL_REFERENCES})))",
            (text, *requester_params, text),
            output_field=BooleanField(),
        )
    )


# A search's most recent matches are looked for in the last quarter first: a common phrase
# has hundreds there, read through the text-and-receipt index alone, where looking at once
# among all 50,000 of its matches at a million cases read every one of them (200 ms).
RECENT_WINDOW = dt.timedelta(days=92)


def most_recent(cases: QuerySet, limit: int, today: dt.date) -> QuerySet:
    """The `limit` most recently received of `cases`, to be read in the same query.

    The last `RECENT_WINDOW` days' matches, read once; only if fewer than `limit` were
    received in them, the newest of all time too (a condition PostgreSQL checks once, before
    reading any): the same cases as the `limit` newest over all of time.
    """
    newest = cases.order_by("-received_at", "-pk").values("pk", "received_at")
    since = dt.datetime.combine(today - RECENT_WINDOW, dt.time.min, timezone.get_current_timezone())
    recent_sql, recent_params = newest.filter(received_at__gte=since)[
        :limit
    ].query.sql_with_params()
    # Not bounded by `since`: a bound below it would make the text index enumerate every
    # receipt time before it. The union drops the cases both halves find.
    older = newest.filter(
        RawSQL("(SELECT count(*) FROM recent) < %s", (limit,), output_field=BooleanField())
    )[:limit]
    older_sql, older_params = older.query.sql_with_params()
    return Case.objects.filter(
        RawSQL(
            f"{connection.ops.quote_name(Case._meta.db_table)}.id IN ("
            f"WITH recent AS MATERIALIZED ({recent_sql}) "
            f"SELECT newest.id FROM (SELECT * FROM recent UNION ({older_sql})) "
            "newest (id, received_at) "
            "ORDER BY newest.received_at DESC, newest.id DESC LIMIT %s)",
            (*recent_params, *older_params, limit),
            output_field=BooleanField(),
        )
    )


def similar_cases(case: Case, *, user: Any, words: list[str]) -> list[Case]:
    """Cases whose title and text share the most significant words of this one, best first."""
    if not words:
        return []
    candidates = _candidates(case, user)
    if connection.vendor == "postgresql":
        # Rank the most recent candidates on the case table alone, then join the requester
        # and officer to the ten best: joining first made PostgreSQL join every matching case
        # (220 ms at 100,000, not 85), and ranking every match, not the recent ones, read a
        # third of the table at 1,000,000 (600 ms).
        recent = (
            candidates.filter(text_matches(words))
            .order_by("-received_at")
            .values("pk")[:SIMILAR_CANDIDATES]
        )
        best = (
            Case.objects.filter(pk__in=recent)
            .annotate(rank=text_rank(words))
            .order_by("-rank", "-received_at")
            .values("pk")[:SIMILAR_LIMIT]
        )
        return list(
            candidates.filter(pk__in=best)
            .annotate(rank=text_rank(words))
            .order_by("-rank", "-received_at")
        )
    # SQLite (make run): shortlist on the commonest words, then score in Python.
    shortlist = Q()
    for word in words[:5]:
        shortlist |= Q(title__icontains=word) | Q(request_text__icontains=word)
    found = list(candidates.filter(shortlist).order_by("-received_at")[:200])
    found.sort(key=lambda other: -similarity(words, f"{other.title} {other.request_text}"))
    return found[:SIMILAR_LIMIT]


def _within_aggregation_window(case: Case, other: Case) -> bool:
    first, last = sorted(
        (timezone.localtime(case.received_at).date(), timezone.localtime(other.received_at).date())
    )
    if (last - first).days > 2 * AGGREGATION_WORKING_DAYS:
        return False  # Far more than 60 working days, whatever the holidays.
    calendar = calendar_for(case.regime)
    return calendar.working_days_between(first, last) <= AGGREGATION_WORKING_DAYS


def _answered(case: Case) -> bool:
    return case.status in Case.FINISHED_STATUSES and case.outcome not in (
        Case.Outcome.WITHDRAWN,
        Case.Outcome.LAPSED,
        Case.Outcome.SUBJECT_ACCESS,
    )


def _flags(case: Case, match: Match) -> list[str]:
    flags = []
    if match.similarity < SIMILAR_THRESHOLD:
        return flags
    earlier = match.case.received_at < case.received_at
    if match.same_requester and earlier and _answered(match.case):
        flags.append("Possible repeated request (s14(2)): the same requester, answered before")
    if _within_aggregation_window(case, match.case):
        who = (
            "the same requester"
            if match.same_requester
            else "another requester: check whether they act in concert"
        )
        flags.append(
            f"Possible aggregation (s12): similar request within "
            f"{AGGREGATION_WORKING_DAYS} working days, from {who}"
        )
    return flags


def possible_duplicates(case: Case, *, user: Any) -> PossibleDuplicates:
    """The same requester's other requests and similar requests, flagged for s14(2) and s12."""
    words = significant_words(f"{case.title} {case.request_text}")
    same_query = _same_requester_query(case)
    same = list(
        cases_visible_to(user)
        .exclude(pk=case.pk)
        .filter(same_query)
        .select_related("requester", "assigned_to")
        .order_by("-received_at")[:SAME_REQUESTER_LIMIT]
    )
    same_ids = {other.pk for other in same}
    email = case.requester.email.lower()

    def match(other: Case) -> Match:
        is_same = (
            other.pk in same_ids
            or other.requester_id == case.requester_id
            or bool(email and other.requester.email.lower() == email)
        )
        found = Match(
            case=other,
            same_requester=is_same,
            similarity=similarity(words, f"{other.title} {other.request_text}"),
        )
        found.flags = _flags(case, found)
        return found

    return PossibleDuplicates(
        same_requester=[match(other) for other in same],
        similar=[match(other) for other in similar_cases(case, user=user, words=words)],
    )
