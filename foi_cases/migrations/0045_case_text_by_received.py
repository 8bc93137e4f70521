"""The case text's GIN index also holds the receipt time (PostgreSQL only).

A search box phrase as common as "panic alarms" matches 50,000 cases at a million, and a
phrase can only be checked on the row: the 500 most recent matches took 200 ms, every match
read from the table. With the receipt time in the same GIN index (btree_gin, a trusted
extension), a search bounded to a recent window reads only the matches inside it
(`search.most_recent`). The index answers a condition on the text alone as the old one did,
so it replaces it.

The index of the questions' text (migration 0004) is dropped: no query has ever searched it,
and it cost every question written a parse of its text (and 68 s of a million cases' load).
"""

from django.db import migrations

FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS case_text_by_received ON foi_cases_case "
    "USING gin (search_vector, received_at)",
    "DROP INDEX IF EXISTS case_request_text_search",
    "DROP INDEX IF EXISTS question_text_search",
)
BACKWARD = (
    "CREATE INDEX IF NOT EXISTS question_text_search ON foi_cases_question "
    "USING gin (to_tsvector('english', text))",
    "CREATE INDEX IF NOT EXISTS case_request_text_search ON foi_cases_case "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS case_text_by_received",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("foi_cases", "0044_reporting_summary_rows")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
