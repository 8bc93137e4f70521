"""A stored tsvector of each e-mail's subject and text, so the case search finds cases by
their correspondence (PostgreSQL only, as 0011 for the case's own text)."""

from django.db import migrations

FORWARD = (
    "ALTER TABLE foi_cases_correspondence ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', subject || ' ' || body_text)) STORED",
    "CREATE INDEX IF NOT EXISTS correspondence_text_search ON foi_cases_correspondence "
    "USING gin (search_vector)",
)
BACKWARD = (
    "DROP INDEX IF EXISTS correspondence_text_search",
    "ALTER TABLE foi_cases_correspondence DROP COLUMN IF EXISTS search_vector",
)


def _run(statements):
    def run(apps, schema_editor):
        # Full-text search is PostgreSQL's; SQLite (make run) falls back to substring matching.
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("foi_cases", "0025_correspondence")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
