"""Showing a workflow refusal on the form that asked for the step."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def attach_errors(form: Any, error: ValidationError) -> None:
    """Show a workflow refusal next to its field, or at the top when the form has no such field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
