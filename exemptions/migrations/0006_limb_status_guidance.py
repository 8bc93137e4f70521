"""The guidance that went with per-limb status (0005_limb_status) for s27, s37, s40 and s43.

The catalogue's guidance for these four entries changed with the per-limb status, but 0005
carried only the EIR reg 13 text, so databases seeded before it kept the old paragraphs. Each is
replaced only where it is still the text the catalogue seeded, leaving a manager's edit alone.
Both texts are frozen here: code -> (before, after).
"""

from django.db import migrations

GUIDANCE = {
    "FOIA-s27": (
        "s27(1) is prejudice-based; s27(2) is a class exemption for confidential information obtained from another State or an international organisation or court. Qualified: a public interest test is required.",
        "s27(1) is prejudice-based; s27(2) is a class exemption for confidential information obtained from another State or an international organisation or court, so no harm test applies to it. s27(4)(a) and (b) mirror them for NCND. Qualified: a public interest test is required.",
    ),
    "FOIA-s37": (
        "Class-based. s37(1)(a), (aa) and (ab) are absolute; (ac), (ad) and (b) are qualified and need a public interest test. Cite the specific limb.",
        "Class-based. s37(1)(a), (aa) and (ab) are absolute; (ac), (ad) and (b) are qualified and need a public interest test. s37(2) (NCND) takes the status of the limb it relates to. Cite the specific limb.",
    ),
    "FOIA-s40": (
        "s40(1) (the requester's own data) is absolute: handle it as a subject access request, using s40(5A) if needed. s40(2) is absolute where the first condition is met (disclosure would breach the data protection principles) and qualified under the second and third conditions. Relevant to staff names, MPs' family and staff, and caseworkers; use s40(5B) to neither confirm nor deny about third parties.",
        "s40(1) (the requester's own data) is absolute: handle it as a subject access request, using s40(5A) if needed. s40(2) is absolute where the first condition is met (disclosure would breach the data protection principles) and qualified under the second and third conditions. Relevant to staff names, MPs' family and staff, and caseworkers; use s40(5B) to neither confirm nor deny about third parties (no public interest test under s40(5B)(a)(i), a test under the other limbs).",
    ),
    "FOIA-s43": (
        "s43(1) trade secrets is class-based; s43(2) is prejudice-based and may protect the authority or a third party such as a security contractor. s43(3) NCND covers only the s43(2) interests. Qualified: a public interest test is required.",
        "s43(1) trade secrets is class-based (no harm test); s43(2) is prejudice-based and may protect the authority or a third party such as a security contractor. s43(3) NCND covers only the s43(2) interests. Qualified: a public interest test is required.",
    ),
}


def _replace(apps, before, after):
    Exemption = apps.get_model("exemptions", "Exemption")
    for code, texts in GUIDANCE.items():
        Exemption.objects.filter(code=code, guidance=texts[before]).update(guidance=texts[after])


def forwards(apps, schema_editor):
    _replace(apps, 0, 1)


def backwards(apps, schema_editor):
    _replace(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("exemptions", "0005_limb_status")]

    operations = [migrations.RunPython(forwards, backwards)]
