"""CSV downloads that a spreadsheet cannot turn into formulas.

A text cell starting with =, +, -, @, a tab or a carriage return is read as a formula (or
its start) by Excel, LibreOffice and Google Sheets, so a request title like
`=HYPERLINK("http://evil", "click")` could run on a manager's machine (OWASP "CSV
injection"). Such cells get a leading apostrophe, which spreadsheets show as text. Numbers
stay numbers. Every CSV the service offers goes through `csv_response`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a CSV cell: text that could start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_rows(out: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with a byte order mark, so Excel reads accents correctly)."""
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")
    write_rows(response, header, rows)
    return response
