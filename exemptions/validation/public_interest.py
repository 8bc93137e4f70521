"""Public interest tests: the balance of weighted factors, its date and its conclusion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from exemptions.validation.choices import Conclusion, Side

MIN_WEIGHT = 1
MAX_WEIGHT = 5


@dataclass(frozen=True)
class FactorData:
    side: str
    text: str
    weight: int


@dataclass(frozen=True)
class PitData:
    """A public interest test as entered: the balance, the conclusion and the reasons."""

    as_at: dt.date
    conclusion: str
    summary: str
    factors: tuple[FactorData, ...]
    override_reason: str = ""
    # EIR reg 12(2): the presumption in favour of disclosure was applied in the balance.
    presumption_applied: bool = False
    # Why the test is judged as at a date after the time for compliance ended.
    late_reason: str = ""

    def total(self, side: str) -> int:
        return sum(factor.weight for factor in self.factors if factor.side == side)


def check_pit(
    pit: PitData,
    *,
    today: dt.date,
    received_on: dt.date,
    regime: str = "",
    compliance_due: dt.date | None = None,
) -> None:
    """A tie means disclosure: withholding needs the weights to favour it, or a reason.

    Under the EIR the reg 12(2) presumption in favour of disclosure must be recorded as
    applied. A test judged after the time for compliance (`compliance_due`) needs a reason:
    the balance is struck as at the time of the request's handling, not later.
    """
    errors: list[str] = []
    if pit.as_at > today:
        errors.append("The public interest test cannot be dated in the future.")
    if pit.as_at < received_on:
        errors.append("The public interest test cannot be dated before the request arrived.")
    if is_pit_late(pit, compliance_due) and not pit.late_reason.strip():
        errors.append(
            f"The public interest test is judged as at {pit.as_at:%-d %B %Y}, after the time "
            f"for compliance ended on {compliance_due:%-d %B %Y}: the balance is struck as at "
            "the time the request was dealt with. Date it by then, or record why it is later."
        )
    if regime == "EIR" and not pit.presumption_applied:
        errors.append(
            "Under the EIR, apply the presumption in favour of disclosure (reg 12(2)) and "
            "record that you did."
        )
    for factor in pit.factors:
        if not factor.text.strip():
            errors.append("Describe every public interest factor, or remove it.")
        if not MIN_WEIGHT <= factor.weight <= MAX_WEIGHT:
            errors.append(f"Give each factor a weight from {MIN_WEIGHT} to {MAX_WEIGHT}.")
        if factor.side not in Side.values():
            errors.append("Each factor must favour disclosure or maintaining the exemption.")
    if not any(f.side == Side.DISCLOSURE for f in pit.factors):
        errors.append(
            "List at least one factor for disclosure: there is always some public interest in "
            "transparency and accountability."
        )
    if not any(f.side == Side.MAINTAIN for f in pit.factors):
        errors.append("List at least one factor for maintaining the exemption.")
    if pit.conclusion not in Conclusion.values():
        errors.append("Choose the conclusion: maintain the exemption, or disclose.")
    if not pit.summary.strip():
        errors.append("Summarise the reasons for the conclusion, for the letter (s17(3)).")
    maintain, disclose = pit.total(Side.MAINTAIN), pit.total(Side.DISCLOSURE)
    if pit.conclusion == Conclusion.MAINTAIN and maintain <= disclose:
        if not pit.override_reason.strip():
            errors.append(
                f"The weights do not favour maintaining the exemption ({maintain} for "
                f"maintaining, {disclose} for disclosure), and a tie means disclosure. "
                "Conclude for disclosure, or record why the exemption is maintained anyway."
            )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))


def is_pit_late(pit: PitData, compliance_due: dt.date | None) -> bool:
    """Judged as at a date after the time for compliance ended (a warning with a reason)."""
    return compliance_due is not None and pit.as_at > compliance_due
