"""What every kind of letter shares: the frame around the text, the greeting, the rights and
the clock event a letter states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from foi_cases.letters.citations import RegimeLaw
from foi_cases.letters.text import nonblank_lines, paragraphs
from foi_cases.models import Case, ClockEvent, LetterSettings


def received_on(case: Case) -> dt.date:
    return timezone.localtime(case.received_at).date()


def latest_clock_event(case: Case, kind: str) -> ClockEvent | None:
    return case.clock_events.filter(kind=kind).order_by("-on", "-created_at").first()


def frame_for(case: Case, letter_settings: LetterSettings) -> dict[str, Any]:
    """Everything printed around the text, frozen when the letter is composed."""
    requester = case.requester
    return {
        "authority_name": letter_settings.authority_name,
        "address_lines": nonblank_lines(letter_settings.address),
        "contact_email": letter_settings.contact_email,
        "recipient_name": requester.name,
        "recipient_address_lines": nonblank_lines(requester.postal_address),
        "recipient_email": requester.email,
        "reference": case.reference,
        "regime": case.regime,
        "received_on": received_on(case).isoformat(),
        "title": case.title,
        "signed_by": letter_settings.signed_by,
        "signatory_name": (
            letter_settings.signatory_name
            if letter_settings.signed_by == LetterSettings.SignedBy.ROLE
            else ""
        ),
        "signatory_title": letter_settings.signatory_title,
    }


@dataclass(frozen=True)
class Composition:
    body: str
    decisions_hash: str = ""


def salutation(case: Case) -> str:
    name = case.requester.name.strip()
    return f"Dear {name}," if name else "Dear Requester,"


def _contact_lines(name: str, address: str, telephone: str, email: str, website: str) -> str:
    lines = [name, *nonblank_lines(address)]
    if telephone:
        lines.append(f"Telephone: {telephone}")
    if email:
        lines.append(f"E-mail: {email}")
    if website:
        lines.append(f"Website: {website}")
    return "\n".join(lines)


def rights_section(
    letter_settings: LetterSettings, *, law: RegimeLaw, internal_review: bool
) -> str:
    """How to ask for a review and apply to the regulator, in the regime's own law.

    FOIA s17(7): the internal review procedure and the s50 complaint to the Information
    Commissioner. EIR reg 14(5): representations under reg 11, then s50 as applied by reg 18.
    FOISA s19: a requirement for review under s20, then an application under s47 to the
    Scottish Information Commissioner.
    """
    s = letter_settings
    if law.short == "FOISA":
        return _foisa_rights(s, law, internal_review=internal_review)
    parts = []
    if internal_review:
        if law.review:
            parts += [
                "## Reconsideration and your right to complain",
                "If you are dissatisfied with the way we have dealt with your request, you can "
                f"make representations to us under {law.review} of the {law.act}. Please write "
                "to us no later than 40 working days after the date on which you believe we "
                "failed to comply with the Regulations, quoting the reference above. We will "
                "consider your representations and tell you our decision as soon as possible "
                "and no later than 40 working days after we receive them.",
            ]
        else:
            parts += ["## Internal review and your right to complain", s.internal_review_text]
        if s.contact_email:
            parts.append(f"You can write to us at {s.contact_email}.")
        stage = "reconsideration" if law.review else "internal review"
        parts.append(
            f"If you remain dissatisfied after the {stage}, you have the right to apply to the "
            f"Information Commissioner under {law.appeal} for a decision on whether your "
            f"request has been dealt with in accordance with the {law.act}. The Commissioner "
            f"will normally expect you to have asked for the {stage} first."
        )
    else:
        parts.append("## Your right to complain to the Information Commissioner")
        parts.append(
            "If you remain dissatisfied, you have the right to apply to the Information "
            f"Commissioner under {law.appeal} for a decision on whether your request has been "
            f"dealt with in accordance with the {law.act}."
        )
    parts.append("The Information Commissioner can be contacted at:")
    parts.append(
        _contact_lines(s.ico_name, s.ico_address, s.ico_telephone, s.ico_email, s.ico_website)
    )
    return paragraphs(parts)


def _foisa_rights(s: LetterSettings, law: RegimeLaw, *, internal_review: bool) -> str:
    parts = []
    if internal_review:
        parts += [
            "## Your right to a review and to apply to the Scottish Information Commissioner",
            "If you are dissatisfied with the way we have dealt with your request, you can "
            f"require us to review our actions and decisions under {law.review} of the "
            f"{law.act}. Your requirement for review must be in writing, must describe your "
            "request and why you are dissatisfied, and must reach us within 40 working days "
            "of receiving this letter. We will respond within 20 working days of receiving it "
            "(section 21).",
        ]
        if s.contact_email:
            parts.append(f"You can write to us at {s.contact_email}.")
        parts.append(
            "If you remain dissatisfied after our review, you have the right to apply to the "
            f"Scottish Information Commissioner for a decision under {law.appeal}. You must "
            "apply within six months of receiving our review response."
        )
    else:
        parts += [
            "## Your right to apply to the Scottish Information Commissioner",
            "If you remain dissatisfied, you have the right to apply to the Scottish "
            f"Information Commissioner for a decision under {law.appeal}. You must apply "
            "within six months of receiving this letter.",
        ]
    parts.append("The Scottish Information Commissioner can be contacted at:")
    parts.append(
        _contact_lines(s.sic_name, s.sic_address, s.sic_telephone, s.sic_email, s.sic_website)
    )
    return paragraphs(parts)
