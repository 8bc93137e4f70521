"""Statutory deadline arithmetic: pure, DB-free, and explained in plain English.

FOIA s10(1), EIR reg 5(2) and FOISA s10(1): a response is due by the end of the 20th working
day *following* the date of receipt, so the date of receipt is day 0 and day 1 is the first
working day after it. The date of receipt is a calendar day taken in Europe/London and need
not be a working day (s10(6)). Only `due_date` touches the project's holiday calendar (and
so Django); everything else takes a `WorkingCalendar` argument (`foi_cases.working_days`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from foi_cases.working_days import ONE_DAY, WEEKEND, WorkingCalendar, calendar_days

LONDON = ZoneInfo("Europe/London")
REGIMES = ("FOIA", "EIR", "FOISA")
RECEIPT_POLICIES = ("statutory", "code_2018")

# ICO expectation for a s10(3) extension: normally no more than 20 extra working days.
PIT_EXTRA_WORKING_DAYS = 20
# EIR reg 7(1): complex and voluminous requests may take up to 40 working days.
EIR_EXTENDED_WORKING_DAYS = 40

# "Due soon" on the dashboard, the case list and the daily digest: due within 5 working days.
DUE_SOON_WORKING_DAYS = 5

# Statutory variations of the time for compliance (FOIA s10(4); the Freedom of Information
# (Time for Compliance with Request) Regulations, DOMAIN 1.7).
SCHOOL = "school"
ARCHIVES = "archives"
ARMED_FORCES = "armed_forces"
OUTSIDE_UK = "outside_uk"
VARIATION_CHOICES = (
    (SCHOOL, "Maintained school or academy: the earlier of 20 school days and 60 working days"),
    (ARCHIVES, "Appropriate records authority, transferred public records: 30 working days"),
    (ARMED_FORCES, "Information from the armed forces on operations: as the ICO specifies"),
    (OUTSIDE_UK, "Information held outside the UK: as the ICO specifies"),
)
VARIATION_MAX_WORKING_DAYS = 60
ARCHIVES_WORKING_DAYS = 30  # DOMAIN 1.7 marks the regulation number unverified
# The two variations that need the ICO to specify the day (no later than the 60th).
ICO_SPECIFIED = frozenset({ARMED_FORCES, OUTSIDE_UK})


@dataclass(frozen=True)
class Variation:
    """A statutory variation carried by a case.

    Schools: no school-term calendar is kept, so the officer records the date of the 20th
    school day (days the school holds no session disregarded) and the due date is the earlier
    of it and the 60th working day. Armed forces and outside the UK: the working day the ICO
    specified (at most the 60th), with its reference.
    """

    kind: str
    working_days: int | None = None
    twentieth_school_day: date | None = None
    reference: str = ""


_CLARIFICATION_CITE = {"FOIA": "s1(3), s10(6)(b)", "EIR": "reg 9", "FOISA": "s1(3), s10(1)(b)"}
_CALENDAR_RULE = {
    "FOIA": "Working days exclude weekends and bank holidays in any part of the UK (s10(6)).",
    "EIR": "Working days exclude weekends and bank holidays in any part of the UK, as under FOIA.",
    "FOISA": "Working days exclude weekends and Scottish bank holidays (FOISA s73).",
}


def _long(d: date) -> str:
    """'Saturday 14 March 2026'."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def _short(d: date) -> str:
    """'2 April 2026'."""
    return f"{d.day} {d:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_regime(regime: str) -> str:
    # str() turns a Django TextChoices member into its plain value.
    value = str(regime)
    if value not in REGIMES:
        raise ValueError(f"Unknown regime {value!r}: expected one of {', '.join(REGIMES)}.")
    return value


def receipt_date(received: date | datetime) -> date:
    """The date of receipt in Europe/London; a naive datetime is refused as ambiguous."""
    if isinstance(received, datetime):
        if received.tzinfo is None or received.tzinfo.utcoffset(received) is None:
            raise ValueError(
                "The time of receipt has no time zone: pass an aware datetime (e.g. in UTC), "
                "so that the date can be taken in Europe/London."
            )
        return received.astimezone(LONDON).date()
    return received


@dataclass(frozen=True)
class Deadline:
    """A computed statutory deadline and how it was reached.

    `statutory_due` and `day_one` are None while the clock is stopped (a clarification or fee
    is awaited; `on_hold_reason` says which). `skipped` lists the bank holidays passed over
    in the counted window (weekends are only counted, in `weekend_days_skipped`).
    `code_2018_due` is set only under the "code_2018" display policy.
    """

    regime: str
    working_days: int
    received_on: date
    effective_receipt: date
    day_one: date | None
    statutory_due: date | None
    extended_due: date | None = None
    code_2018_due: date | None = None
    on_hold_reason: str = ""
    skipped: list[tuple[date, str]] = field(default_factory=list)
    weekend_days_skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)

    @property
    def on_hold(self) -> bool:
        return self.statutory_due is None

    @property
    def due(self) -> date | None:
        """The date the response is actually due: the PIT date if extended."""
        return self.extended_due or self.statutory_due


def _received_sentences(received: date | datetime, received_on: date) -> list[str]:
    if not isinstance(received, datetime):
        return [f"Received {_long(received_on)} (Europe/London)."]
    local = received.astimezone(LONDON)
    sentences = [f"Received {_long(received_on)} at {local:%H:%M} (Europe/London)."]
    if received.date() != received_on:
        # Say so when the recorded time zone (usually UTC) shows another date.
        sentences.append(
            f"That moment was {received:%H:%M} on {_long(received.date())} in "
            f"{received.tzname() or 'its recorded time zone'}; the date of receipt is the "
            "date in Europe/London."
        )
    return sentences


def compute_deadline(
    *,
    received: date | datetime,
    regime: str,
    calendar: WorkingCalendar,
    working_days: int = 20,
    clarifications: Sequence[tuple[date, date | None]] = (),
    fee_pauses: Sequence[tuple[date, date | None]] = (),
    suspensions: Sequence[tuple[date, date, str]] = (),
    pit_extensions: Sequence[tuple[date, date]] = (),
    eir_extensions: Sequence[date] = (),
    variation: Variation | None = None,
    non_working_day_receipt_policy: str = "statutory",
) -> Deadline:
    """Work out a request's deadline from its receipt and clock events.

    1. Take the date of receipt in Europe/London (day 0).
    2. The last clarification received resets the date of receipt (s1(3), s10(6)(b)); one
       requested and not yet answered stops the clock.
    3. Fee pauses (both end days) and suspensions are disregarded; an unpaid fee stops the clock.
    4. Count `working_days` working days from day 0 (or as a statutory variation says, FOIA
       only; 40 under an EIR reg 7 extension), then apply any PIT extension (FOIA only).

    Raises ValueError for an unknown regime or policy, inconsistent event dates, and a PIT
    extension under EIR or FOISA.
    """
    regime = _check_regime(regime)
    if non_working_day_receipt_policy not in RECEIPT_POLICIES:
        raise ValueError(
            f"Unknown non-working-day receipt policy {non_working_day_receipt_policy!r}: "
            f"expected one of {', '.join(RECEIPT_POLICIES)}."
        )
    if working_days < 1:
        raise ValueError("working_days must be at least 1.")
    if pit_extensions and regime == "EIR":
        raise ValueError(
            "The EIR have no public interest extension: the only extension is regulation 7 "
            "(up to 40 working days for complex and voluminous requests)."
        )
    if pit_extensions and regime == "FOISA":
        raise ValueError(
            "FOISA has no extension for the public interest test: the response is due within "
            "20 working days."
        )

    if variation is not None and regime != "FOIA":
        raise ValueError(
            "The time for compliance regulations vary FOIA only; "
            f"{regime} has no statutory variation."
        )
    if eir_extensions and regime != "EIR":
        raise ValueError("Regulation 7 (40 working days) extends EIR requests only.")
    received_on = receipt_date(received)
    explanation = _received_sentences(received, received_on)
    explanation.append(_CALENDAR_RULE[regime])
    warnings: list[str] = []
    standard_days = working_days
    if variation is not None:
        working_days = _varied_working_days(variation)
    hold: list[str] = []

    # Clarifications (s1(3)): each one received restarts the count; the last one wins.
    answered: list[tuple[date, date]] = []
    for asked, got in clarifications:
        if asked < received_on:
            raise ValueError(
                f"Clarification requested on {_short(asked)}, before the request was received "
                f"({_short(received_on)})."
            )
        if got is not None:
            if got < asked:
                raise ValueError(
                    f"Clarification received on {_short(got)}, before it was requested "
                    f"({_short(asked)})."
                )
            answered.append((asked, got))
    answered.sort(key=lambda pair: pair[1])
    effective = answered[-1][1] if answered else received_on
    cite = _CLARIFICATION_CITE[regime]
    for asked, got in answered:
        explanation.append(
            f"Clarification requested {_short(asked)} and received {_short(got)}: the "
            f"{working_days} working days start again ({cite})."
        )
    # Only dates are known, so a request made on the day the last answer arrived is taken
    # to follow it; an unanswered request made before the last answer was overtaken by it.
    awaited = sorted(asked for asked, got in clarifications if got is None and asked >= effective)
    if awaited:
        hold.append(
            f"Awaiting clarification requested on {_short(awaited[-1])}: the clock is stopped "
            f"until it arrives, and the {working_days} working days then start again ({cite})."
        )

    # Fees notices (s9, s10(2)): every day from notice to payment inclusive is disregarded.
    excluded: set[date] = set()
    paid: list[tuple[date, date]] = []
    for notice, fee_on in fee_pauses:
        if fee_on is None:
            to_pay = "; the applicant has 3 months to pay (s9(2))" if regime == "FOIA" else ""
            hold.append(
                f"Awaiting the fee (fees notice given {_short(notice)}): the clock is paused "
                f"until it is paid{to_pay}."
            )
            continue
        if fee_on < notice:
            raise ValueError(
                f"Fee received on {_short(fee_on)}, before the fees notice ({_short(notice)})."
            )
        paid.append((notice, fee_on))
        excluded.update(calendar_days(notice, fee_on))

    # Suspensions (e.g. House of Commons dissolution, DOMAIN 1.10): days excluded inclusive.
    for first, last, _reason in suspensions:
        if last < first:
            raise ValueError(
                f"Suspension ends ({_short(last)}) before it starts ({_short(first)})."
            )
        excluded.update(calendar_days(first, last))

    if hold:
        explanation.extend(hold)
        return Deadline(
            regime=regime,
            working_days=working_days,
            received_on=received_on,
            effective_receipt=effective,
            day_one=None,
            statutory_due=None,
            on_hold_reason=" ".join(hold),
            warnings=warnings,
            explanation=explanation,
        )

    if not calendar.is_working_day(effective):
        what = "clarification" if answered else "request"
        why = "" if effective.weekday() in WEEKEND else f" ({calendar.holidays[effective]})"
        explanation.append(
            f"{_long(effective)} is not a working day{why}, but it is still the date of "
            f"receipt (day 0), because the {what} arrived that day."
        )
    day_one = calendar.add_working_days(effective, 1, excluded)
    due = calendar.add_working_days(effective, working_days, excluded)

    # What happened inside the counted window, told in date order.
    events: list[tuple[date, str]] = []
    after = "the clarification was received" if answered else "the date of receipt"
    if any(d in excluded for d in calendar_days(effective + ONE_DAY, day_one)):
        after += ", leaving out the days the clock was stopped"
    events.append((day_one, f"Day 1 is {_long(day_one)}, the first working day after {after}."))

    # Holidays passed over, leaving out those inside a pause or suspension (said there).
    skipped = [
        (d, reason)
        for d, reason in calendar.holidays_between(effective + ONE_DAY, due)
        if d not in excluded
    ]
    for d, reason in skipped:
        sentence = f"Skipped {_long(d)}: {reason}"
        if regime != "FOISA" and d in calendar.regional:
            sentence += f"; {regime} counts a bank holiday in any part of the UK"
        events.append((d, sentence + "."))

    for notice, fee_on in paid:
        if fee_on <= effective:
            continue  # wholly before the count started: nothing to disregard
        if notice > due:
            warnings.append(
                f"The fees notice of {_short(notice)} was given after the due date "
                f"({_short(due)}), so it does not pause the clock."
            )
            continue
        cite = " (s10(2))." if regime == "FOIA" else "."
        events.append(
            (
                notice,
                f"Clock paused from {_short(notice)} (fees notice) to {_short(fee_on)} "
                f"(fee received): both days disregarded{cite}",
            )
        )
        if regime == "EIR":
            warnings.append(
                "This fee pause follows FOIA s10(2); check that an EIR charge (reg 8) "
                "pauses the clock in this case."
            )

    for first, last, reason in suspensions:
        if last <= effective or first > due:
            continue
        events.append(
            (
                first,
                f"Clock stopped from {_short(first)} to {_short(last)} inclusive: {reason}. "
                "Those days do not count.",
            )
        )
    events.sort(key=lambda event: event[0])  # stable: day 1 stays before a pause starting then
    explanation.extend(sentence for _, sentence in events)

    weekend_days = sum(
        1
        for d in calendar_days(effective + ONE_DAY, due)
        if d.weekday() in WEEKEND and d not in excluded
    )
    if weekend_days:
        explanation.append(
            f"{_plural(weekend_days, 'weekend day')} in between "
            f"{'is' if weekend_days == 1 else 'are'} not counted."
        )
    explanation.append(
        f"Day {working_days} is {_long(due)}: the response is due by the end of that day."
    )
    if variation is not None:
        due = _apply_variation(variation, effective, due, warnings, explanation)
    if eir_extensions:
        due = _eir_extension(
            eir_extensions, effective, standard_days, due, calendar, excluded, warnings, explanation
        )

    extended_due = _pit_extension(pit_extensions, due, calendar, excluded, warnings, explanation)

    code_2018_due: date | None = None
    if non_working_day_receipt_policy == "code_2018":
        code_2018_due = due
        if not calendar.is_working_day(effective):
            # Code 2018: receipt moves to the next working day, so everything shifts by one.
            code_2018_due = calendar.add_working_days(effective, working_days + 1, excluded)
            moved = calendar.add_working_days(effective, 1, excluded)
            explanation.append(
                f"Under the 2018 s45 Code convention the date of receipt would be "
                f"{_long(moved)} and day {working_days} {_long(code_2018_due)}; the "
                "statutory date above is the one enforced."
            )

    return Deadline(
        regime=regime,
        working_days=working_days,
        received_on=received_on,
        effective_receipt=effective,
        day_one=day_one,
        statutory_due=due,
        extended_due=extended_due,
        code_2018_due=code_2018_due,
        skipped=skipped,
        weekend_days_skipped=weekend_days,
        warnings=warnings,
        explanation=explanation,
    )


def _varied_working_days(variation: Variation) -> int:
    if variation.kind == SCHOOL:
        return VARIATION_MAX_WORKING_DAYS
    if variation.kind == ARCHIVES:
        return ARCHIVES_WORKING_DAYS
    if variation.kind in ICO_SPECIFIED:
        days = variation.working_days
        if days is None or not 20 < days <= VARIATION_MAX_WORKING_DAYS:
            raise ValueError(
                "Give the working day the ICO specified: after the 20th and no later than "
                f"the {VARIATION_MAX_WORKING_DAYS}th."
            )
        return days
    raise ValueError(f"Unknown variation {variation.kind!r}.")


def _apply_variation(
    variation: Variation,
    effective: date,
    due: date,
    warnings: list[str],
    explanation: list[str],
) -> date:
    """Say which variation set the day counted; for schools, take the earlier date."""
    label = dict(VARIATION_CHOICES)[variation.kind]
    explanation.append(f"Statutory variation: {label}.")
    if variation.kind in ICO_SPECIFIED:
        reference = variation.reference or "no reference recorded"
        explanation.append(f"The ICO specified this day ({reference}).")
        if not variation.reference:
            warnings.append("This variation needs the ICO's agreement: record its reference.")
    if variation.kind != SCHOOL:
        return due
    school_day = variation.twentieth_school_day
    if school_day is None:
        warnings.append(
            "Record the date of the 20th school day: until then the due date is the 60th "
            "working day, which is only the latest the school may take."
        )
        return due
    if school_day <= effective:
        raise ValueError(
            f"The 20th school day ({_short(school_day)}) must be after the date of receipt "
            f"({_short(effective)})."
        )
    if school_day < due:
        explanation.append(
            f"The 20th school day, {_long(school_day)}, comes first: the response is due by "
            "the end of that day."
        )
        return school_day
    explanation.append(
        f"The 20th school day ({_long(school_day)}) falls later, so the 60th working day applies."
    )
    return due


def _eir_extension(
    notices: Sequence[date],
    effective: date,
    standard_days: int,
    due: date,
    calendar: WorkingCalendar,
    excluded: Collection[date],
    warnings: list[str],
    explanation: list[str],
) -> date:
    """EIR reg 7: 40 working days, if the applicant was told within the first 20."""
    notice = min(notices)
    if notice > due:
        warnings.append(
            f"The regulation 7 notice of {_short(notice)} was sent after the 20 working days "
            f"ended ({_short(due)}), so it does not extend the time (reg 7(3))."
        )
        return due
    extended = calendar.add_working_days(effective, EIR_EXTENDED_WORKING_DAYS, excluded)
    explanation.append(
        f"Extended under regulation 7 for a complex and voluminous request (notice sent "
        f"{_short(notice)}): day {EIR_EXTENDED_WORKING_DAYS} is {_long(extended)}, instead of "
        f"day {standard_days}."
    )
    return extended


def _pit_extension(
    pit_extensions: Sequence[tuple[date, date]],
    statutory_due: date,
    calendar: WorkingCalendar,
    excluded: Collection[date],
    warnings: list[str],
    explanation: list[str],
) -> date | None:
    """Apply s10(3) extensions (FOIA); return the latest estimated date, adding warnings."""
    if not pit_extensions:
        return None
    extensions = sorted(pit_extensions)
    for notice, estimate in extensions:
        if estimate <= notice:
            raise ValueError(
                f"The estimated decision date ({_short(estimate)}) must be after the "
                f"extension notice ({_short(notice)})."
            )
        extra = calendar.working_days_between(statutory_due, estimate, excluded)
        explanation.append(
            f"Public interest extension (s10(3), s17(2)): notice sent {_short(notice)}, "
            f"decision estimated by {_long(estimate)}, "
            f"{_plural(extra, 'working day')} after the statutory date."
        )
        if notice > statutory_due:
            warnings.append(
                f"The extension notice was sent on {_short(notice)}, after the statutory "
                f"deadline of {_short(statutory_due)}: a s17(2) notice must be sent within "
                "the time for compliance."
            )
        if extra > PIT_EXTRA_WORKING_DAYS:
            warnings.append(
                f"The estimated decision date {_short(estimate)} is {extra} working days after "
                f"the statutory deadline; the ICO expects no more than "
                f"{PIT_EXTRA_WORKING_DAYS} extra working days except in exceptional cases."
            )
        elif extra <= 0:
            warnings.append(
                f"The estimated decision date {_short(estimate)} is not after the statutory "
                f"deadline of {_short(statutory_due)}, so the extension adds no time."
            )
    if len(extensions) > 1:
        warnings.append(
            f"This case has {len(extensions)} public interest extensions: a second extension "
            "goes beyond what the ICO expects, so it needs exceptional reasons, recorded on "
            "the case."
        )
    return extensions[-1][1]


def due_soon_limits(
    today: date,
    calendars: Mapping[str, WorkingCalendar],
    working_days: int = DUE_SOON_WORKING_DAYS,
) -> dict[str, date]:
    """The last due date that is "due within `working_days` working days" of today, per regime."""
    return {regime: cal.add_working_days(today, working_days) for regime, cal in calendars.items()}


def due_date(received: date | datetime, working_days: int = 20, regime: str = "FOIA") -> date:
    """The statutory due date under the project's holiday calendar (no clock events)."""
    # Imported here so that the pure functions above need no Django set-up.
    from foi_cases.bank_holidays import calendar_for

    regime = _check_regime(regime)
    return calendar_for(regime).add_working_days(receipt_date(received), working_days)


REVIEW_WORKING_DAYS = {
    # regime: (target, maximum). FOIA: s45 Code, 20 and 40 in exceptional cases;
    # EIR reg 11(4): 40, statutory; FOISA s21(1): 20, statutory, with no longer limit.
    "FOIA": (20, 40),
    "EIR": (40, 40),
    "FOISA": (20, 20),
}


def review_due_dates(
    requested_on: date | datetime, regime: str, calendar: WorkingCalendar
) -> tuple[date, date]:
    """(target, maximum) dates for answering an internal review requested on `requested_on`."""
    target, maximum = REVIEW_WORKING_DAYS[_check_regime(regime)]
    start = receipt_date(requested_on)
    return calendar.add_working_days(start, target), calendar.add_working_days(start, maximum)


FEE_PAYMENT_MONTHS = 3  # FOIA s9(2), FOISA s9(4): three months beginning with the notice
CLARIFICATION_LAPSE_WORKING_DAYS = 20


def fee_payment_due(notice_on: date) -> date:
    """The last day to pay a fee: the day before the same day three months on, or, where that
    month has no such day, its last day (the corresponding date rule, Dodds v Walker)."""
    index = notice_on.month - 1 + FEE_PAYMENT_MONTHS
    year, month = notice_on.year + index // 12, index % 12 + 1
    try:
        return date(year, month, notice_on.day) - ONE_DAY
    except ValueError:
        return date(year + month // 12, month % 12 + 1, 1) - ONE_DAY


def clarification_lapse_date(asked_on: date, calendar: WorkingCalendar) -> date:
    """The 20th working day after asking for clarification: unanswered by then, it lapses."""
    return calendar.add_working_days(asked_on, CLARIFICATION_LAPSE_WORKING_DAYS)
