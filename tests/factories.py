import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group, User

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "foi_cases.Topic"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class RequesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "foi_cases.Requester"

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"requester{n}@example.com")
    requester_type = "public"


def _refresh_reporting(case) -> None:
    """Store the reporting outcome of a case written here rather than through the workflow.

    The workflow refreshes it with each audit event; a factory writes rows directly, as
    seed_bulk does, so it refreshes it itself, and on the instance too (which a test may
    save again).
    """
    from foi_cases.reporting.outcomes import refresh_reporting

    refresh_reporting([case.pk])
    case.refresh_from_db(fields=["reporting_outcome"])


def _due_on(case) -> dt.date:
    from foi_cases.deadlines import due_date

    return due_date(case.received_at, regime=case.regime)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as intake leaves it: received, with its statutory due date, no questions."""

    class Meta:
        model = "foi_cases.Case"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    requester = factory.SubFactory(RequesterFactory)
    channel = "email"
    received_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    )
    regime = "FOIA"
    title = factory.Sequence(lambda n: f"Request number {n}")
    request_text = "Please tell me the annual budget for constituency office security."
    status = "received"
    created_by = factory.SubFactory(UserFactory)
    due_on = factory.LazyAttribute(_due_on)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            _refresh_reporting(instance)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "foi_cases.Question"

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            _refresh_reporting(instance.case)


# --- Exemption decisions (exemptions app) ---------------------------------------------------


def catalogue_exemption(code: str):
    """The catalogue row for `code` (e.g. "FOIA-s31"), loading the catalogue if flushed."""
    from exemptions.models import Exemption
    from exemptions.seed import load_all

    if not Exemption.objects.filter(code=code).exists():
        load_all()
    return Exemption.objects.get(code=code)


def case_in_progress(officer, *, questions=("What is the budget?",), **fields):
    """A case assigned to `officer` and in progress, with its questions numbered from 1."""
    import datetime
    import uuid
    from zoneinfo import ZoneInfo

    from foi_cases.models import Case, Question, Requester

    tag = uuid.uuid4().hex[:8].upper()
    values = {
        "reference": f"DEC-{tag}",
        "requester": Requester.objects.create(name=f"Requester {tag}"),
        "channel": "email",
        "received_at": datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London")),
        "regime": "FOIA",
        "title": f"Decision case {tag}",
        "request_text": "\n".join(questions),
        "status": "in_progress",
        "assigned_to": officer,
        "created_by": officer,
        "due_on": datetime.date(2026, 3, 30),
        **fields,
    }
    case = Case.objects.create(**values)
    Question.objects.bulk_create(
        Question(case=case, number=n, text=text) for n, text in enumerate(questions, start=1)
    )
    _refresh_reporting(case)
    return case


# --- After the response ------------------------------------------------------------------------

JANE = {
    "name": "Jane Smith",
    "email": "jane.smith@example.com",
    "postal_address": "12 Acacia Avenue\nLeeds\nLS1 4AB",
}


class RespondedCaseFactory(CaseFactory):
    """A case answered on 1 April 2026, its requester Jane Smith of Leeds."""

    requester = factory.SubFactory(RequesterFactory, **JANE)
    status = "responded"
    responded_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 4, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    )
    request_text = (
        "Dear FOI team,\n\nI am Jane Smith (jane.smith@example.com) of 12 Acacia Avenue, Leeds "
        "LS1 4AB. How many MPs have opted into the social media monitoring service?\n\n"
        "Yours, Jane Smith"
    )


def _catalogue(code: str):
    from exemptions.models import Exemption
    from exemptions.seed import load_all

    if not Exemption.objects.filter(code=code).exists():
        load_all()
    return Exemption.objects.get(code=code)


class ExemptionCitationFactory(factory.django.DjangoModelFactory):
    """An exemption decision on a question, e.g. s31(1)(a) by the officer who wrote it."""

    class Meta:
        model = "exemptions.ExemptionCitation"

    question = factory.SubFactory(QuestionFactory)
    exemption = factory.LazyFunction(lambda: _catalogue("FOIA-s31"))
    limbs = factory.LazyFunction(lambda: ["s31(1)(a)"])
    provision = "s31(1)(a)"
    created_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("created_by")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            _refresh_reporting(instance.question.case)
