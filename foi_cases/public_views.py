"""The public disclosure log: published entries only, no sign-in.

Everything shown here (pages, the CSV export, the PDF) is read from the entry's stored texts,
which hold the requester's identity removed and every redaction already burned in.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from foi_cases.bad_requests import InvalidParameter
from foi_cases.models import DisclosureLogEntry, Topic
from foi_cases.reporting.csv_export import safe_cell

PER_PAGE = 20
MAX_QUERY = 200
PDF_CACHE_SECONDS = 24 * 60 * 60
MIN_YEAR, MAX_YEAR = 1, 9999


def _filters(request: HttpRequest) -> dict[str, str]:
    """The search and filters asked for; InvalidParameter (a 400) for a year no date can have.

    A year that is not a number is ignored, as the page always has.
    """
    filters = {
        name: request.GET.get(name, "").strip()[:MAX_QUERY]
        for name in ("q", "exemption", "topic", "year")
    }
    year = filters["year"]
    if not (year.isascii() and year.isdigit()):
        filters["year"] = ""
    elif not MIN_YEAR <= int(year) <= MAX_YEAR:
        # Year 0 or beyond 9999 would fail building the dates the year lookup compares with.
        raise InvalidParameter(f"The year must be from {MIN_YEAR} to {MAX_YEAR}, in figures.")
    return filters


def _search(filters: dict[str, str]) -> QuerySet[DisclosureLogEntry]:
    # The public pages show published entries only, whoever is signed in.
    entries = DisclosureLogEntry.objects.published().select_related("case")
    if filters["q"]:
        for word in filters["q"].split()[:10]:
            entries = entries.filter(
                Q(title__icontains=word)
                | Q(request_text__icontains=word)
                | Q(response_text__icontains=word)
                | Q(case__reference__iexact=word)
            )
    if filters["exemption"]:
        entries = entries.filter(exemptions__section=filters["exemption"])
    if filters["topic"]:
        entries = entries.filter(topics__slug=filters["topic"])
    if filters["year"]:
        entries = entries.filter(disclosed_on__year=int(filters["year"]))
    return entries.distinct().prefetch_related("exemptions", "topics")


def published_entries(request: HttpRequest) -> QuerySet[DisclosureLogEntry]:
    """The published entries the page's search and filters find (the API lists the same)."""
    return _search(_filters(request))


def _choices() -> dict[str, list]:
    published = DisclosureLogEntry.objects.published()
    sections = (
        published.filter(exemptions__isnull=False)
        .values_list("exemptions__section", flat=True)
        .distinct()
    )
    years = published.dates("disclosed_on", "year", order="DESC")
    return {
        "exemption_choices": sorted(set(sections), key=_section_key),
        "topic_choices": Topic.objects.filter(disclosure_entries__in=published).distinct(),
        "year_choices": [d.year for d in years],
    }


def _section_key(section: str) -> tuple[str, int, str]:
    digits = "".join(c for c in section if c.isdigit())
    return (section[:1], int(digits or 0), section)


@login_not_required
def disclosure_log(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(_search(filters), PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "disclosure_log/entry_list.html",
        {"page": page, "filters": filters, "query": query, **_choices()},
    )


def _published(pk: int) -> DisclosureLogEntry:
    entry = (
        DisclosureLogEntry.objects.published()
        .select_related("case", "release_bundle")
        .prefetch_related("exemptions", "topics")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No published entry with that number.")
    return entry


def response_html(entry: DisclosureLogEntry) -> str:
    """The response as HTML, its letter syntax (headings, quotes, bullets) laid out, escaped."""
    from foi_cases.letters.text import render_body_html

    return render_body_html(entry.response_text)


@login_not_required
def disclosure_log_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _published(pk)
    context = {"entry": entry, "response_html": response_html(entry)}
    return render(request, "disclosure_log/entry_detail.html", context)


@login_not_required
def disclosure_log_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disclosure-log.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Reference", "Title", "Date of disclosure", "Exemptions applied", "Topics", "Request",
         "Response", "Address"]
    )  # fmt: skip
    for entry in _search(_filters(request)).iterator(chunk_size=200):
        writer.writerow(
            safe_cell(value)
            for value in (
                entry.case.reference,
                entry.title,
                entry.disclosed_on.isoformat(),
                "; ".join(e.section for e in entry.exemptions.all()),
                "; ".join(t.name for t in entry.topics.all()),
                entry.request_text,
                entry.response_text,
                request.build_absolute_uri(entry.get_absolute_url()),
            )
        )
    return response


def render_entry_pdf(entry: DisclosureLogEntry) -> bytes:
    """The entry as a PDF, from its published texts only; no URL is ever fetched."""
    from weasyprint import HTML

    from foi_cases.letters.render import StaticFileFetcher

    context = {"entry": entry, "response_html": response_html(entry)}
    html = render_to_string("disclosure_log/entry_pdf.html", context)
    return HTML(string=html, url_fetcher=StaticFileFetcher()).write_pdf()


@login_not_required
def disclosure_log_entry_records(request: HttpRequest, pk: int) -> FileResponse:
    """The records released with a published entry: its release bundle, as it was published."""
    entry = _published(pk)
    if entry.release_bundle is None:
        raise Http404("No records were published with this entry.")
    name = f"disclosure-{entry.case.reference}-records.pdf"
    return FileResponse(
        entry.release_bundle.file.open("rb"), filename=name, content_type="application/pdf"
    )


@login_not_required
def disclosure_log_entry_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _published(pk)
    # A published entry's text cannot change without a new publication, so its time is the key.
    stamp = entry.published_at.timestamp() if entry.published_at else None
    key = f"disclosure-log-pdf:{entry.pk}:{stamp}"
    pdf = cache.get(key) if stamp else None
    if pdf is None:
        pdf = render_entry_pdf(entry)
        if stamp:
            cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="disclosure-{entry.case.reference}.pdf"'
    return response
