"""What the tests that visit every URL point the URLs at: a builder, not a shared fixture.

The access matrix and the fuzz tests visit every named URL. A URL names a case, a letter, a
citation, an internal review, an ICO complaint, a tribunal appeal, a disclosure log entry or a
person; `case_in_review` makes one case with one of each of its records, and `UrlTargets`
says which object each URL names. Each test builds only what it visits: the open case, the
restricted one, or both, with the published entry when it visits the public log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from exemptions.models import Exemption, ExemptionCitation
from foi_cases import status_links, team, workflow
from foi_cases.api.tokens import issue_token
from foi_cases.demo import seed_citation, seed_pit
from foi_cases.models import (
    ApiToken,
    Case,
    CaseLink,
    Correspondence,
    DisclosureLogEntry,
    ICOComplaint,
    InternalReview,
    Invitation,
    Letter,
    MailAttachment,
    ProtectedPerson,
    Record,
    RecordRedaction,
    ReleaseBundle,
    TribunalAppeal,
)
from foi_cases.permissions import CONTRIBUTOR, REVIEWER
from foi_cases.workflow import people
from tests import factories

T = TypeVar("T")

# The personas of the matrix, in the order of its rows; the people are conftest's fixtures.
PERSONAS = ("anonymous", "officer_assigned", "officer_other", "reviewer", "manager", "no_role")


def personas(
    officer, other_officer, reviewer, manager, outsider
) -> dict[str, User | AnonymousUser]:
    return {
        "anonymous": AnonymousUser(),
        "officer_assigned": officer,
        "officer_other": other_officer,
        "reviewer": reviewer,
        "manager": manager,
        "no_role": outsider,
    }


@dataclass(frozen=True)
class CaseInReview:
    """A case in review and one of each record its pages name."""

    case: Case
    letter: Letter
    citation: ExemptionCitation
    internal_review: InternalReview
    complaint: ICOComplaint
    appeal: TribunalAppeal
    link: CaseLink
    email: Correspondence
    attachment: MailAttachment


def case_in_review(officer: User, *, restricted: bool) -> CaseInReview:
    """Assigned to the officer: one answered question with an s31 citation, one disclosed,
    an acknowledgement with its PDF, submitted for review; then an internal review, an ICO
    complaint, a tribunal appeal and a link to a related case recorded directly (the tests ask
    who reaches their pages); then a record, a colleague's search and a consultation.
    """
    factories.catalogue_exemption("FOIA-s31")
    case = factories.case_in_progress(officer, questions=("How many?", "Where?"))
    if restricted:
        workflow.set_restricted(case, actor=officer, restricted=True, reason="Need to know")
    first, second = case.questions.get(number=1), case.questions.get(number=2)
    workflow.record_answer(first, actor=officer, held_status="held", outcome="withheld_in_full")
    workflow.apply_exemption(
        case.questions.get(number=1),
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s31"),
        data=seed_citation(limbs=("s31(1)(a)",), likelihood="would", reasoning="Would prejudice."),
        pit=seed_pit(case.received_at.date(), "Maintained.", "Openness.", "Safety of Members."),
    )
    workflow.record_answer(
        second, actor=officer, held_status="held", outcome="disclosed", answer_text="In the Palace."
    )
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    letter.pdf.save(f"matrix-{case.reference}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    letter.status = Letter.Status.READY
    letter.save()
    workflow.submit_for_review(case, actor=officer)
    internal_review = InternalReview.objects.create(
        case=case,
        requested_on=dt.date(2026, 4, 2),
        target_due_on=dt.date(2026, 4, 30),
        due_on=dt.date(2026, 5, 28),
        created_by=officer,
    )
    complaint = ICOComplaint.objects.create(
        case=case, ico_reference="IC-1", notified_on=dt.date(2026, 5, 1), created_by=officer
    )
    appeal = TribunalAppeal.objects.create(
        complaint=complaint,
        appellant="requester",
        lodged_on=dt.date(2026, 6, 1),
        created_by=officer,
    )
    link = CaseLink.objects.create(
        from_case=case, to_case=factories.CaseFactory(), kind="related", created_by=officer
    )
    # Records, a colleague's search and a consultation (tests/test_contributor_tasks.py).
    workflow.add_records(
        case,
        actor=officer,
        files=[SimpleUploadedFile("found.txt", b"found " + case.reference.encode())],
    )
    workflow.request_search(
        case,
        actor=officer,
        assignee=factories.UserFactory(roles=[CONTRIBUTOR]),
        questions=list(case.questions.all()),
    )
    workflow.record_consultation(
        case,
        actor=officer,
        consultee_type="police",
        consultee="Metropolitan Police Service",
        about="Harm of disclosure",
        consulted_on=dt.date(2026, 3, 5),
    )
    email = Correspondence.objects.create(
        case=case,
        direction=Correspondence.Direction.IN,
        status=Correspondence.Status.IMPORTED,
        message_id=f"<matrix-{case.reference}@example.org>",
        from_address="requester@example.org",
        subject=f"Re: {case.reference}",
        body_text="A reply.",
        received_at=case.received_at,
    )
    attachment = MailAttachment(
        correspondence=email, filename="reply.txt", content_type="text/plain", size=5, sha256="0"
    )
    attachment.file.save(f"matrix-{case.reference}.txt", ContentFile(b"reply"), save=False)
    attachment.save()
    case.refresh_from_db()
    return CaseInReview(
        case=case,
        letter=letter,
        citation=ExemptionCitation.objects.get(question=first),
        internal_review=internal_review,
        complaint=complaint,
        appeal=appeal,
        link=link,
        email=email,
        attachment=attachment,
    )


def team_reviewer_on(restricted: CaseInReview, *, manager: User) -> User:
    """A second reviewer, put on the restricted case's team (need to know)."""
    member = factories.UserFactory(username="tess", roles=[REVIEWER])
    team.add_team_member(
        restricted.case, actor=manager, member=member, reason="Reviews security cases"
    )
    return member


def published_entry(manager: User) -> DisclosureLogEntry:
    """An entry of the public disclosure log, for a responded case."""
    return DisclosureLogEntry.objects.create(
        case=factories.CaseFactory(status="responded"),
        title="Published",
        request_text="Asked",
        response_text="Answered",
        disclosed_on=dt.date(2026, 4, 1),
        status=DisclosureLogEntry.Status.PUBLISHED,
        prepared_by=manager,
    )


def every_target(people: dict[str, User | AnonymousUser]) -> UrlTargets:
    """Both cases (the restricted one with a reviewer on its team) and a published entry."""
    officer, manager = people["officer_assigned"], people["manager"]
    open_case = case_in_review(officer, restricted=False)
    restricted = case_in_review(officer, restricted=True)
    return UrlTargets(
        people=people,
        open=open_case,
        restricted=restricted,
        team_member=team_reviewer_on(restricted, manager=manager),
        entry=published_entry(manager),
        api_token=issue_token(
            actor=manager,
            owner=officer,
            name="Matrix",
            scopes=["read"],
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        ).token,
    )


@dataclass(frozen=True)
class UrlTargets:
    """The objects the URLs name; `url` builds any named URL from them.

    `open` and `restricted` may be left out by a test that visits only the other's URLs.
    """

    people: dict[str, User | AnonymousUser]
    open: CaseInReview | None = None
    restricted: CaseInReview | None = None
    entry: DisclosureLogEntry | None = None
    team_member: User | None = None
    api_token: ApiToken | None = None

    def url(self, name: str, pattern: URLPattern, *, restricted: bool) -> str:
        wanted = pattern.pattern.regex.groupindex.keys() - pattern.default_args.keys()
        return reverse(name, kwargs={key: self._value(name, key, restricted) for key in wanted})

    def _value(self, name: str, key: str, restricted: bool) -> object:
        if key == "letter_pk":
            return self._case(restricted).letter.pk
        fixed = {
            "number": 1,
            "kind": Letter.Kind.ACKNOWLEDGEMENT,
            "action": "close",
            "step": "reasons",
        }
        if key in fixed:
            return fixed[key]
        if key == "exemption_id":
            return self._case(restricted).citation.exemption_id
        if key == "table":
            return "table3" if name == "statistics_table_csv" else "overdue"
        if key == "token" and name == "people_join":
            return self._invitation_token()
        if key == "reference":
            return self._case(restricted).case.reference
        if key == "section":
            return "about-you"
        if key == "token":
            return status_links.make_token(self._case(restricted).case)
        if key == "key":
            return f"letter-{self._case(restricted).letter.pk}"
        if key == "redaction":
            return redaction_on(reviewable_record(self._case(restricted))).pk
        if key == "entry_type":
            return "person"
        assert key == "pk", f"No value for <{key}> in the URL {name}"
        if "letter" in name:
            return self._case(restricted).letter.pk
        if "citation" in name:
            return self._case(restricted).citation.pk
        if "disclosure_log" in name or "disclosure_entr" in name:
            return built(self.entry, "a published disclosure log entry").pk
        if name in ("search_cancel", "task_detail", "task_upload", "task_statement"):
            return self._case(restricted).case.contributor_tasks.get().pk
        if name == "consultation_advice":
            return self._case(restricted).case.consultations.get().pk
        if name in ("record_download", "record_accept_changes", "record_retry"):
            return self._case(restricted).case.records.get().pk
        if name.startswith("record_"):
            return reviewable_record(self._case(restricted)).pk
        if name == "release_bundle_download":
            return ready_bundle(self._case(restricted).case).pk
        if name in ("correspondence_accept_clarification", "mail_release"):
            return self._case(restricted).email.pk
        if name == "mail_attachment":
            return self._case(restricted).attachment.pk
        if name == "case_link_remove":
            return self._case(restricted).link.pk
        if name == "case_team_remove":
            return built(self.team_member, "a team member of the restricted case").pk
        if name in ("review_assign", "review_decide"):
            return self._case(restricted).internal_review.pk
        if name.startswith("ico_"):
            return self._case(restricted).complaint.pk
        if name == "appeal_decision":
            return self._case(restricted).appeal.pk
        if name.startswith("people_"):
            return self.people["officer_other"].pk
        if name == "two_factor_remove":
            return self.people["officer_assigned"].pk
        if name == "api_token_revoke":
            return built(self.api_token, "an API token").pk
        if name == "account_session_end":
            return 1
        if name.startswith("register_entry"):
            return ProtectedPerson.objects.get_or_create(name="Matrix Person")[0].pk
        raise AssertionError(f"No value for <pk> in the URL {name}")

    def _invitation_token(self) -> str:
        """The set-up link of a pending invitation, made by the matrix's manager."""
        invitation = Invitation.objects.create(
            email="invitee@example.org",
            first_name="Ivy",
            last_name="Invitee",
            roles=[REVIEWER],
            invited_by=self.people["manager"],
            expires_at=timezone.now() + dt.timedelta(hours=1),
        )
        return people.invitation_token(invitation)

    def _case(self, restricted: bool) -> CaseInReview:
        which = "restricted" if restricted else "open"
        return built(self.restricted if restricted else self.open, f"the {which} case")


def reviewable_record(target: CaseInReview) -> Record:
    """The case's record, converted for review (a one-page PDF) unless it already is."""
    record = target.case.records.get()
    if not record.review_pdf:
        record.review_pdf.save(
            f"matrix-review-{record.pk}.pdf", ContentFile(b"%PDF-1.7 test"), save=False
        )
        record.conversion, record.review_pages = Record.Conversion.READY, 1
        record.save()
    return record


def redaction_on(record: Record) -> RecordRedaction:
    """A box on the record's first page, made directly: the case is in review."""
    citation = ExemptionCitation.objects.filter(case=record.case).first()
    return RecordRedaction.objects.create(
        record=record,
        page=1,
        x0=10,
        y0=10,
        x1=50,
        y1=30,
        citation=citation,
        created_by_id=citation.created_by_id,
    )


def ready_bundle(case: Case) -> ReleaseBundle:
    """A release bundle of the case, as a build leaves it (its content does not matter here)."""
    row = ReleaseBundle(case=case, status=ReleaseBundle.Status.READY, created_by=case.created_by)
    row.file.save("bundle.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    row.save()
    return row


def built(value: T | None, what: str) -> T:
    assert value is not None, f"This test did not build {what}"
    return value
