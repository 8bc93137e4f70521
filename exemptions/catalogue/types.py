"""The shape of a catalogue entry: regimes, kinds, tests, limbs and the entry itself.

Pure data, with no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Regime = Literal["FOIA", "EIR", "FOISA"]
Kind = Literal["absolute", "qualified", "procedural"]
TestType = Literal[
    "class",
    "prejudice",
    "required",
    "endanger",
    "adverse_effect",
    "procedural",
    "prejudice_substantially",
]

REGIMES: tuple[str, ...] = ("FOIA", "EIR", "FOISA")
KINDS: tuple[str, ...] = ("absolute", "qualified", "procedural")
TEST_TYPES: tuple[str, ...] = (
    "class",
    "prejudice",
    "required",
    "endanger",
    "adverse_effect",
    "procedural",
    "prejudice_substantially",
)


@dataclass(frozen=True)
class Limb:
    """A subsection or limb that can be cited, e.g. ``s31(1)(a)``.

    ``absolute`` and ``test_type`` override the entry's kind and test for this limb: whether
    a public interest test is due, and whether a harm test ("would / would be likely to") is,
    are properties of the limb (FOIA s2(3)). An NCND limb takes the status of the limb it
    mirrors (s2(1), s2(3)).
    """

    code: str  # e.g. "s31(1)(a)"
    label: str
    absolute: bool | None = None  # overrides the exemption's kind for this limb
    test_type: TestType | None = None  # overrides the exemption's test for this limb


@dataclass(frozen=True)
class CatalogueEntry:
    """One exemption, exception or refusal ground.

    ``ncnd_provision`` is the main provision excluding the duty to confirm or deny ("" when
    there is none); ``ncnd_provisions`` lists every such provision and defaults to
    ``(ncnd_provision,)``. Only s40 (``s40(5A)`` and ``s40(5B)``) has more than one.
    ``ncnd_limbs`` are what an NCND decision cites, each with its own status; they default to
    one limb per provision, following the entry's kind and test.
    """

    regime: Regime
    code: str
    section: str
    short_name: str
    kind: Kind
    test_type: TestType
    limbs: tuple[Limb, ...]
    guidance: str
    ncnd_provision: str = ""
    ncnd_provisions: tuple[str, ...] = ()
    ncnd_limbs: tuple[Limb, ...] = ()
    absolute_for_parliament: bool = False
    government_only: bool = False
    mp_security_relevant: bool = False

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"{self.code}: unknown regime {self.regime!r}")
        if not self.code.startswith(f"{self.regime}-"):
            raise ValueError(f"{self.code}: code must start with {self.regime}-")
        if self.kind not in KINDS:
            raise ValueError(f"{self.code}: unknown kind {self.kind!r}")
        if self.test_type not in TEST_TYPES:
            raise ValueError(f"{self.code}: unknown test type {self.test_type!r}")
        if (self.kind == "procedural") != (self.test_type == "procedural"):
            raise ValueError(f"{self.code}: procedural kind and test type go together")
        if not self.limbs:
            raise ValueError(f"{self.code}: at least one limb is required")
        if self.ncnd_provision and not self.ncnd_provisions:
            object.__setattr__(self, "ncnd_provisions", (self.ncnd_provision,))
        if self.ncnd_provisions and self.ncnd_provision not in self.ncnd_provisions:
            raise ValueError(f"{self.code}: ncnd_provision must be one of ncnd_provisions")
        if not self.ncnd_limbs:
            object.__setattr__(
                self,
                "ncnd_limbs",
                tuple(Limb(code, "neither confirm nor deny") for code in self.ncnd_provisions),
            )
        for limb in (*self.limbs, *self.ncnd_limbs):
            if limb.test_type is not None and limb.test_type not in TEST_TYPES:
                raise ValueError(f"{self.code}: unknown test type {limb.test_type!r}")
        for limb in self.ncnd_limbs:
            if not any(limb.code.startswith(p) for p in self.ncnd_provisions):
                raise ValueError(f"{self.code}: {limb.code} is not under an NCND provision")

    @property
    def is_absolute(self) -> bool:
        """True when the whole entry is absolute (no public interest test in any case)."""
        return self.kind == "absolute"

    def _limb(self, limb_code: str) -> Limb:
        for limb in (*self.limbs, *self.ncnd_limbs):
            if limb.code == limb_code:
                return limb
        raise KeyError(f"{self.code} has no limb {limb_code!r}")

    def limb_is_absolute(self, limb_code: str, *, held_by_parliament: bool = False) -> bool:
        """Whether citing ``limb_code`` (a limb or NCND limb) attracts no public interest test."""
        limb = self._limb(limb_code)
        if limb.absolute is not None:
            return limb.absolute
        if held_by_parliament and self.absolute_for_parliament:
            return True
        return self.kind == "absolute"

    def limb_test_type(self, limb_code: str) -> str:
        """The test ``limb_code`` is engaged by: class, prejudice, adverse effect…"""
        return self._limb(limb_code).test_type or self.test_type

    @property
    def needs_public_interest_test(self) -> bool:
        """True when at least one limb can need a PIT (procedural grounds never do)."""
        if self.kind == "procedural":
            return False
        return any(not self.limb_is_absolute(limb.code) for limb in self.limbs)


def limbs_from(*pairs: tuple[Any, ...] | Limb) -> tuple[Limb, ...]:
    """Limbs from ``(code, label[, absolute[, test_type]])`` tuples (or ready-made limbs)."""
    return tuple(pair if isinstance(pair, Limb) else Limb(*pair) for pair in pairs)
