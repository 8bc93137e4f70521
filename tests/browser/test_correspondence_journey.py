"""An officer reads a case's e-mail, accepts a clarification in one click, and releases
quarantined mail: each page passes axe."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from foi_cases import workflow
from foi_cases.mail.inbound import import_message
from foi_cases.models import Case
from tests.mail_helpers import plain_mail, wdtk_request
from tests.test_correspondence_views import received

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_officer_accepts_a_clarification_and_releases_quarantined_mail(
    page: Page, officer, sign_in, axe_check
):
    created = import_message(
        received(wdtk_request(to="foi@authority.test"), dt.datetime(2025, 3, 3, 9, tzinfo=LONDON)),
        source="test",
    )
    case = Case.objects.get(reference=created.reference)
    workflow.assign_case(case, actor=officer, assignee=officer)
    workflow.request_clarification(case, actor=officer, on=dt.date(2025, 3, 4))
    reply = wdtk_request(to="foi@authority.test", attachment=None)
    reply.replace_header("Subject", f"Re: {case.reference}")
    import_message(received(reply, dt.datetime(2025, 3, 10, 9, tzinfo=LONDON)), source="test")
    held = plain_mail(to="foi@authority.test", subject="Scans")
    held.add_attachment(b"PK\x03\x04", maintype="application", subtype="zip", filename="s.zip")
    import_message(received(held, dt.datetime(2025, 3, 11, 9, tzinfo=LONDON)), source="test")

    sign_in(page, officer)
    page.goto(f"/cases/{case.reference}/")
    page.get_by_role("link", name="Correspondence", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Correspondence")).to_be_visible()
    expect(page.get_by_role("link", name="site-map.pdf")).to_be_visible()
    axe_check(page, "case-correspondence")
    page.get_by_role("button", name="This is the clarification").click()
    expect(page.get_by_text("Clarification recorded: the clock restarted")).to_be_visible()
    expect(page.get_by_text("Recorded as the clarification.")).to_be_visible()

    page.goto("/mail/quarantine/")
    expect(page.get_by_role("heading", level=1, name="Mail not imported")).to_be_visible()
    axe_check(page, "mail-quarantine")
    page.get_by_role("button", name="Release and import").click()
    expect(page.get_by_role("heading", level=1, name="Correspondence")).to_be_visible()
    expect(page.get_by_role("link", name="s.zip")).to_be_visible()
