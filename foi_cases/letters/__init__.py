"""Letters to requesters, in modules by job.

- `text`: the line syntax of a letter's text (parse, render as escaped HTML, plain text).
- `citations`: each regime's law and how a cited provision is worded.
- `answers`: the recorded decisions in the form letters use (the only module reading them).
- `parts`, `drafts`, `final_response`: composing each kind of letter (`drafts.compose`); the
  final response is given the answers rather than reading them.
- `check`: whether a letter may be approved (still true to the case; complete under s17).
- `render`: the one rendering seam, `render_letter_html` and `render_letter_pdf`.

The names below are the package's public API for the rest of the service (the workflow, the
letter views and the PDF task): `from foi_cases import letters` then `letters.compose(...)`.
Anything else is imported from its module.
"""

from foi_cases.letters.answers import answers_for, case_outcome, decisions_approved
from foi_cases.letters.check import check_letter, composed_from, stale_reason
from foi_cases.letters.drafts import compose
from foi_cases.letters.parts import frame_for
from foi_cases.letters.render import (
    RenderedPdf,
    download_name,
    pdf_name,
    render_letter_document,
    render_letter_html,
    render_letter_pdf,
)
from foi_cases.letters.text import MAX_BODY_CHARACTERS, normalise_body

__all__ = [
    "MAX_BODY_CHARACTERS",
    "RenderedPdf",
    "answers_for",
    "case_outcome",
    "check_letter",
    "compose",
    "composed_from",
    "decisions_approved",
    "download_name",
    "frame_for",
    "normalise_body",
    "pdf_name",
    "render_letter_document",
    "render_letter_html",
    "render_letter_pdf",
    "stale_reason",
]
