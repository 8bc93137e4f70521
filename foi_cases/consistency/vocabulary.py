"""The security attribute vocabulary seeded for MP security (managers edit it afterwards).

Pure data: (slug, name, exposes, phrases). "location" attributes say where someone is,
"security" ones how they are protected; one of each about the same person, asked by
different requesters, is a mosaic.
"""

from __future__ import annotations

VOCABULARY: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "panic-room",
        "Panic rooms and safe rooms",
        "security",
        ("panic room", "safe room", "secure room", "strong room"),
    ),
    (
        "alarms",
        "Alarms and panic buttons",
        "security",
        (
            "alarm",
            "intruder alarm",
            "panic button",
            "panic alarm",
            "personal alarm",
            "alarm system",
        ),
    ),
    (
        "cctv",
        "CCTV and cameras",
        "security",
        ("cctv", "security camera", "surveillance camera", "video doorbell", "camera"),
    ),
    (
        "protection-officers",
        "Protection officers",
        "security",
        (
            "protection officer",
            "close protection",
            "bodyguard",
            "police protection",
            "security guard",
        ),
    ),
    (
        "security-costs",
        "Security costs and claims",
        "security",
        (
            "security cost",
            "cost of security",
            "security spending",
            "security expenditure",
            "security claim",
            "claimed for security",
            "security expense",
            "spent on security",
        ),
    ),
    (
        "security-installation",
        "Security installations and their dates",
        "security",
        (
            "security installation",
            "installed",
            "installation",
            "fitted",
            "security upgrade",
            "security measure",
            "security work",
            "locks",
            "reinforced door",
            "shutters",
        ),
    ),
    (
        "threats",
        "Threats and incidents",
        "security",
        ("threat", "threatened", "incident", "attack", "harassment", "death threat", "abuse"),
    ),
    (
        "home-location",
        "Home addresses and locations",
        "location",
        (
            "home address",
            "where she lives",
            "where he lives",
            "where they live",
            "residential address",
            "lives at",
            "home location",
        ),
    ),
    (
        "office-location",
        "Office addresses and locations",
        "location",
        (
            "office address",
            "address of the office",
            "office location",
            "location of the office",
            "address",
        ),
    ),
)
