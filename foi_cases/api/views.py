"""The JSON API, version 1: log requests, read cases, statistics, the public disclosure log.

Each view authorises with the same predicates and querysets as the pages
(foi_cases.permissions), so a token can never do more than its owner; a restricted case
someone may not see is 404, and every read of one is in its read log (CaseAccessLog).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from exemptions.models import ExemptionCitation, InternalHeldStatus
from exemptions.permissions import can_see_internal_held
from foi_cases import intake, public_views, workflow
from foi_cases.api.permissions import CanLogRequests, CanReadCases, CanReadStatistics
from foi_cases.api.problems import PROBLEM_JSON, ProblemSerializer
from foi_cases.api.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    DecisionsSerializer,
    DisclosureEntrySerializer,
    EventSerializer,
    LetterSerializer,
    LoggedRequestSerializer,
    PeriodSerializer,
    QuestionSerializer,
    RequestCreateSerializer,
    StatisticsSerializer,
)
from foi_cases.clock import deadline_for
from foi_cases.models import ApiToken, Case, CaseAccessLog, DisclosureLogEntry
from foi_cases.permissions import cases_visible_to, get_case_for_user
from foi_cases.reporting import statistics
from foi_cases.reporting.case_filters import CaseFilter, CaseListFilterForm


def problems(*codes: int) -> dict[Any, OpenApiResponse]:
    """The documented error responses of an operation, as problem details."""
    words = {
        400: "Invalid input: `errors` gives the messages per field.",
        401: "No credentials, or a token that is unknown, expired or revoked.",
        403: "The token lacks the scope, or its owner may not do this.",
        404: "No such case, or one the caller may not know of.",
        429: "Too many requests: wait the seconds in Retry-After.",
    }
    return {
        (code, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description=words[code])
        for code in codes
    }


# Any operation: 400 (an address with a control character is refused before any view),
# 401 (no or bad credentials), 403 (scope or role) and 429 (rate limit).
COMMON_PROBLEMS = (400, 401, 403, 429)


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Request) -> Any:
        """A cursor not of our making is bad input (400), not a missing page (DRF's 404)."""
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise serializers.ValidationError(
                {self.cursor_query_param: [str(error.detail)]}
            ) from error


class NewestFirst(Cursor):
    ordering = ("-received_at", "-pk")


# --- Logging a request --------------------------------------------------------------------


@extend_schema(
    operation_id="requests_create",
    summary="Log a request",
    description="Creates a case as the staff intake does, with its questions (split from the "
    "text unless given), and returns its reference and statutory due date with the "
    "steps that reached it. Needs the `intake` scope.",
    request=RequestCreateSerializer,
    responses={201: LoggedRequestSerializer, **problems(*COMMON_PROBLEMS)},
    tags=["requests"],
)
@api_view(["POST"])
@permission_classes([CanLogRequests])
def request_create(request: Request) -> Response:
    given = RequestCreateSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    token = request.auth if isinstance(request.auth, ApiToken) else None
    received_at = data.get("received_at") or timezone.now()
    local = timezone.localtime(received_at)
    texts = data.get("questions") or intake.split_questions(data["request_text"])
    case = workflow.log_request(
        actor=request.user,
        requester=workflow.RequesterDetails(
            name=data["requester_name"],
            email=data.get("requester_email", ""),
            postal_address=data.get("requester_address", ""),
            requester_type=data["requester_type"],
        ),
        channel=data.get("channel") or (token.channel if token else Case.Channel.WEB_FORM),
        received_at=received_at,
        received_time_recorded=local.time() != dt.time(0, 0),
        regime=data.get("regime") or _default_regime(),
        title=data["title"],
        request_text=data["request_text"],
        questions=texts,
        is_subject_access=data["is_subject_access"],
    )
    deadline = deadline_for(case, events=[])
    url = request.build_absolute_uri(reverse("api_case", args=[case.reference]))
    body = LoggedRequestSerializer(
        {
            "reference": case.reference,
            "url": url,
            "received_at": case.received_at,
            "due_on": case.due_on,
            "due_explanation": deadline.explanation,
            "warnings": deadline.warnings,
            "questions": len([text for text in texts if text.strip()]),
        }
    ).data
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": url})


def _default_regime() -> str:
    return settings.FOI_REGIMES[0]


# --- Cases --------------------------------------------------------------------------------


def _filter_parameters() -> list[OpenApiParameter]:
    """The case list's filters, described from its own filter form."""
    parameters = []
    for name, field in CaseListFilterForm.base_fields.items():
        kind: Any = OpenApiTypes.STR
        enum = None
        if isinstance(field, forms.BooleanField):
            kind = OpenApiTypes.BOOL
        elif isinstance(field, forms.IntegerField | forms.ModelChoiceField):
            kind = OpenApiTypes.INT
        elif isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.ChoiceField):
            enum = [value for value, _ in field.choices if value != ""]
        parameters.append(
            OpenApiParameter(name, kind, description=str(field.label), enum=enum, required=False)
        )
    return parameters


def _log_reads(request: Request, cases: list[Case], what: str) -> None:
    """Each restricted case an API listing returns is a read of it."""
    now = timezone.now()
    CaseAccessLog.objects.bulk_create(
        CaseAccessLog(case=case, user=request.user, what=what, at=now)
        for case in cases
        if case.restricted
    )


class CaseList(generics.ListAPIView):
    """The cases the caller may see, with the case list's filters; open cases by default."""

    permission_classes = [CanReadCases]
    serializer_class = CaseSerializer
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="cases_list",
        summary="List cases",
        description="The cases the caller may see (restricted ones only on need to know), "
        "newest first, filtered as the case list filters; open cases unless `status` says "
        "otherwise. Needs the `read` scope.",
        parameters=_filter_parameters(),
        responses={200: CaseSerializer(many=True), **problems(*COMMON_PROBLEMS)},
        tags=["cases"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        filtered = CaseFilter(
            self.request.query_params,
            cases_visible_to(self.request.user),
            today=timezone.localdate(),
        )
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        # The list shows no request text: the longest column stays unread.
        return (
            filtered.qs.select_related("assigned_to")
            .prefetch_related("topics")
            .defer("request_text", "cost_estimate_notes")
        )

    def paginate_queryset(self, queryset: QuerySet[Case]) -> list[Case] | None:
        page = super().paginate_queryset(queryset)
        _log_reads(self.request, page or [], f"API {self.request.path}"[:200])
        return page


CASE_PARAMETER = OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH)


def _case(request: Request, reference: str) -> Case:
    """The case if the caller may see it (read logged if restricted), else 404."""
    return get_case_for_user(request, reference)  # type: ignore[arg-type]


@extend_schema(
    operation_id="cases_retrieve",
    summary="Read a case",
    responses={200: CaseDetailSerializer, **problems(404, *COMMON_PROBLEMS)},
    tags=["cases"],
)
@api_view(["GET"])
@permission_classes([CanReadCases])
def case_detail(request: Request, reference: str) -> Response:
    return Response(CaseDetailSerializer(_case(request, reference)).data)


@extend_schema(
    operation_id="cases_questions",
    summary="A case's questions",
    responses={200: QuestionSerializer(many=True), **problems(404, *COMMON_PROBLEMS)},
    tags=["cases"],
)
@api_view(["GET"])
@permission_classes([CanReadCases])
def case_questions(request: Request, reference: str) -> Response:
    case = _case(request, reference)
    return Response(QuestionSerializer(case.questions.order_by("number"), many=True).data)


@extend_schema(
    operation_id="cases_decisions",
    summary="A case's decisions",
    description="Each question's held status and outcome, and the exemptions cited with their "
    "reasoning, as the decision pages show them to whoever may open the case. The truth "
    "behind a neither-confirm-nor-deny answer only for the case's people, managers and "
    "its reviewer.",
    responses={200: DecisionsSerializer, **problems(404, *COMMON_PROBLEMS)},
    tags=["cases"],
)
@api_view(["GET"])
@permission_classes([CanReadCases])
def case_decisions(request: Request, reference: str) -> Response:
    case = _case(request, reference)
    questions = case.questions.order_by("number")
    citations = (
        ExemptionCitation.objects.filter(case=case)
        .select_related("question", "exemption")
        .order_by("question__number", "position", "pk")
    )
    internal_held = None
    if can_see_internal_held(request.user, case):
        internal_held = {
            str(number): held
            for number, held in InternalHeldStatus.objects.filter(question__case=case).values_list(
                "question__number", "held"
            )
        }
    return Response(
        DecisionsSerializer(
            {"questions": questions, "citations": citations, "internal_held": internal_held}
        ).data
    )


@extend_schema(
    operation_id="cases_letters",
    summary="A case's letters",
    responses={200: LetterSerializer(many=True), **problems(404, *COMMON_PROBLEMS)},
    tags=["cases"],
)
@api_view(["GET"])
@permission_classes([CanReadCases])
def case_letters(request: Request, reference: str) -> Response:
    case = _case(request, reference)
    return Response(LetterSerializer(case.letters.order_by("composed_at", "pk"), many=True).data)


class OldestFirst(Cursor):
    ordering = ("created_at", "pk")


class CaseEvents(generics.ListAPIView):
    """A case's audit trail, oldest first."""

    permission_classes = [CanReadCases]
    serializer_class = EventSerializer
    pagination_class = OldestFirst

    @extend_schema(
        operation_id="cases_events",
        summary="A case's events (its audit trail)",
        responses={200: EventSerializer(many=True), **problems(404, *COMMON_PROBLEMS)},
        tags=["cases"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        case = _case(self.request, self.kwargs["reference"])
        return case.events.select_related("actor")


# --- Statistics ---------------------------------------------------------------------------


def _cell(value: Any) -> str | None:
    return None if value is None else str(value)


@extend_schema(
    operation_id="statistics_retrieve",
    summary="Statistics for a period",
    description="The Cabinet Office tables and the figures the s45 Code recommends "
    "publishing, for requests received from `first` to `last` (by default the last "
    "complete quarter). Needs the `statistics` scope and a manager's account.",
    parameters=[PeriodSerializer],
    responses={200: StatisticsSerializer, **problems(*COMMON_PROBLEMS)},
    tags=["statistics"],
)
@api_view(["GET"])
@permission_classes([CanReadStatistics])
def statistics_report(request: Request) -> Response:
    period = PeriodSerializer(data=request.query_params)
    period.is_valid(raise_exception=True)
    today = timezone.localdate()
    if period.validated_data.get("first"):
        first, last = period.validated_data["first"], period.validated_data["last"]
    else:
        first, last = statistics.quarter_of(statistics.quarter_of(today)[0] - dt.timedelta(1))
    tables = statistics.quarterly_report(Case.objects.all(), first, last, today)
    return Response(
        StatisticsSerializer(
            {
                "first": first,
                "last": last,
                "tables": [
                    {
                        "slug": table.slug,
                        "caption": table.caption,
                        "note": table.note,
                        "columns": list(table.columns),
                        "rows": [[_cell(c) for c in row] for row in table.csv_rows()],
                    }
                    for table in tables
                ],
            }
        ).data
    )


# --- The public disclosure log ------------------------------------------------------------


class DisclosureLog(generics.ListAPIView):
    """Published entries only, newest first, with the public pages' search; no authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = DisclosureEntrySerializer

    class pagination_class(Cursor):  # noqa: N801 (DRF's attribute name)
        ordering = ("-disclosed_on", "-pk")

    @extend_schema(
        operation_id="disclosure_log_list",
        summary="The public disclosure log",
        description="Published entries, newest first, as on the public pages; no "
        "authentication. Also an Atom feed at /api/v1/disclosure-log.atom.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words to find"),
            OpenApiParameter("exemption", OpenApiTypes.STR, description='e.g. "s31"'),
            OpenApiParameter("topic", OpenApiTypes.STR, description="A topic's slug"),
            OpenApiParameter("year", OpenApiTypes.INT, description="Year of disclosure"),
        ],
        responses={200: DisclosureEntrySerializer(many=True), **problems(400, 429)},
        tags=["disclosure log"],
        auth=[],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DisclosureLogEntry]:
        return public_views.published_entries(self.request)
