"""Per-limb status: each limb and NCND limb says whether it is absolute and which test it takes.

`Exemption.ncnd_provisions` now holds limbs (code, label, absolute, test_type) like
`Exemption.limbs`. The statutory corrections are frozen here rather than read from
`exemptions.catalogue`, so that this migration keeps meaning what it meant:

* s40(5A) and s40(5B)(a)(i) are absolute, the other s40(5B) limbs qualified (FOIA s2(3)(f));
* s37(2) is absolute as relating to s37(1)(a) to (ab), qualified for the rest (s2(3)(ea));
* s27(4)(a) and (b) mirror s27(1) (prejudice) and s27(2) (class);
* EIR reg 13(5A) is the NCND provision, absolute under the reg 13(5B)(a) condition;
* s43(1) (trade secrets) and s27(2) are class-based: no harm test.
"""

from django.db import migrations, models

NCND_LIMBS = {
    "FOIA-s27": [
        {
            "code": "s27(4)(a)",
            "label": "confirming or denying would, or would be likely to, prejudice",
            "absolute": None,
            "test_type": None,
        },
        {
            "code": "s27(4)(b)",
            "label": "confirming or denying would disclose confidential information from a State",
            "absolute": None,
            "test_type": "class",
        },
    ],
    "FOIA-s37": [
        {
            "code": "s37(2)/s37(1)(a)",
            "label": "neither confirm nor deny, as relating to s37(1)(a)",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "s37(2)/s37(1)(aa)",
            "label": "neither confirm nor deny, as relating to s37(1)(aa)",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "s37(2)/s37(1)(ab)",
            "label": "neither confirm nor deny, as relating to s37(1)(ab)",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "s37(2)/s37(1)(ac)",
            "label": "neither confirm nor deny, as relating to s37(1)(ac)",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "s37(2)/s37(1)(ad)",
            "label": "neither confirm nor deny, as relating to s37(1)(ad)",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "s37(2)/s37(1)(b)",
            "label": "neither confirm nor deny, as relating to s37(1)(b)",
            "absolute": False,
            "test_type": None,
        },
    ],
    "FOIA-s40": [
        {
            "code": "s40(5A)",
            "label": "the applicant's own personal data",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "s40(5B)(a)(i)",
            "label": "confirming or denying would contravene the data protection principles",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "s40(5B)(a)(ii)",
            "label": "would contravene the principles if the manual data exemptions were "
            "disregarded",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "s40(5B)(b)",
            "label": "confirming or denying would contravene an Article 21 UK GDPR objection",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "s40(5B)(c)",
            "label": "exempt from the right of access (UK GDPR Article 15)",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "s40(5B)(d)",
            "label": "exempt from the right of access (DPA 2018 s45)",
            "absolute": False,
            "test_type": None,
        },
    ],
    "EIR-13": [
        {
            "code": "reg 13(5A)/reg 13(5B)(a)",
            "label": "confirming or denying would contravene the data protection principles",
            "absolute": True,
            "test_type": None,
        },
        {
            "code": "reg 13(5A)/reg 13(5B)(b)",
            "label": "confirming or denying would contravene an Article 21 UK GDPR objection",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "reg 13(5A)/reg 13(5B)(c)",
            "label": "exempt from the right of access (UK GDPR Article 15)",
            "absolute": False,
            "test_type": None,
        },
        {
            "code": "reg 13(5A)/reg 13(5B)(d)",
            "label": "exempt from the right of access (DPA 2018 s45)",
            "absolute": False,
            "test_type": None,
        },
    ],
}
LIMB_TEST_TYPES = {"FOIA-s27": {"s27(2)": "class"}, "FOIA-s43": {"s43(1)": "class"}}
EIR_13_GUIDANCE = "Follows the s40 logic: where the first condition is met (disclosure would breach the data protection principles) there is no public interest test; the other conditions are qualified. The requester's own data is handled as a subject access request. To neither confirm nor deny cite reg 13(5A) with its condition in reg 13(5B): no public interest test under 13(5B)(a), a test under the others."


def _limb(value):
    if isinstance(value, str):
        return {"code": value, "label": "neither confirm nor deny", "absolute": None,
                "test_type": None}  # fmt: skip
    return {"test_type": None, **value}


def per_limb_status(apps, schema_editor):
    Exemption = apps.get_model("exemptions", "Exemption")
    for exemption in Exemption.objects.all():
        exemption.ncnd_provisions = NCND_LIMBS.get(
            exemption.code, [_limb(value) for value in exemption.ncnd_provisions]
        )
        tests = LIMB_TEST_TYPES.get(exemption.code, {})
        exemption.limbs = [
            {**_limb(limb), "test_type": tests.get(limb["code"], limb.get("test_type"))}
            for limb in exemption.limbs
        ]
        if exemption.code == "EIR-13":
            exemption.guidance = EIR_13_GUIDANCE
        exemption.save(update_fields=["ncnd_provisions", "limbs", "guidance"])


def to_codes(apps, schema_editor):
    Exemption = apps.get_model("exemptions", "Exemption")
    for exemption in Exemption.objects.all():
        codes = [
            limb["code"] if isinstance(limb, dict) else limb for limb in exemption.ncnd_provisions
        ]
        exemption.ncnd_provisions = list(dict.fromkeys(code.split("/")[0] for code in codes))
        exemption.save(update_fields=["ncnd_provisions"])


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0004_citation_by_case_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="exemptioncitation",
            name="on_emissions",
            field=models.BooleanField(
                blank=True,
                help_text="Asked for EIR reg 12(5)(d) to (g), which cannot withhold it (reg 12(9)).",
                null=True,
                verbose_name="information on emissions",
            ),
        ),
        migrations.AddField(
            model_name="publicinteresttest",
            name="late_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the balance is judged as at a date after the time for compliance.",
            ),
        ),
        migrations.AddField(
            model_name="publicinteresttest",
            name="presumption_applied",
            field=models.BooleanField(
                default=False,
                help_text="EIR reg 12(2): recorded for every EIR test.",
                verbose_name="presumption in favour of disclosure applied",
            ),
        ),
        migrations.AlterField(
            model_name="exemption",
            name="limbs",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Subsections that can be cited: [{"code": "s31(1)(a)", "label": "…", "absolute": null, "test_type": null}]. "absolute" overrides the kind and "test_type" the test for that limb.',
            ),
        ),
        migrations.AlterField(
            model_name="exemption",
            name="ncnd_provisions",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Provisions excluding the duty to confirm or deny, one per limb with its own status, in the same form as the limbs: [{"code": "s40(5B)(a)(i)", "label": "…", "absolute": true, "test_type": null}].',
            ),
        ),
        migrations.RunPython(per_limb_status, to_codes),
    ]
