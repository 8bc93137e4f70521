"""Trigram indexes for the case list's search box (PostgreSQL only).

`name__icontains` is `UPPER(name) LIKE UPPER('%…%')`, which no B-tree can serve: without these
indexes every search read all requesters (80 ms at 100,000), and every search for part of a
reference all cases. pg_trgm is a trusted extension, so the database's owner may create it
without being a superuser.
"""

from django.db import migrations

FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS requester_name_trigram ON foi_cases_requester "
    "USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_reference_trigram ON foi_cases_case "
    "USING gin (UPPER(reference) gin_trgm_ops)",
)
BACKWARD = (
    "DROP INDEX IF EXISTS case_reference_trigram",
    "DROP INDEX IF EXISTS requester_name_trigram",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("foi_cases", "0011_case_search_vector")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
