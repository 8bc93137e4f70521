from django.db import migrations

TOPICS = (
    ("security-assistance-and-expenses", "Security assistance and expenses"),
    ("constituency-office-and-home-security", "Constituency office and home security"),
    (
        "members-security-support-service",
        "Members' security support service and social media monitoring",
    ),
    ("police-liaison-operation-bridger", "Police liaison and Operation Bridger"),
    ("staff-vetting", "Staff vetting"),
    ("cyber-security", "Cyber security"),
    ("threats-and-incidents", "Threats and incidents"),
)

CREATE_SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS case_request_text_search ON foi_cases_case "
    "USING gin (to_tsvector('english', title || ' ' || request_text))"
)
DROP_SEARCH_INDEX = "DROP INDEX IF EXISTS case_request_text_search"
CREATE_QUESTION_INDEX = (
    "CREATE INDEX IF NOT EXISTS question_text_search ON foi_cases_question "
    "USING gin (to_tsvector('english', text))"
)
DROP_QUESTION_INDEX = "DROP INDEX IF EXISTS question_text_search"


def create_search_indexes(apps, schema_editor):
    # Full-text search is PostgreSQL's; SQLite (make run) falls back to substring matching.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SEARCH_INDEX)
        schema_editor.execute(CREATE_QUESTION_INDEX)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_INDEX)
        schema_editor.execute(DROP_QUESTION_INDEX)


def create_topics(apps, schema_editor):
    Topic = apps.get_model("foi_cases", "Topic")
    for slug, name in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("foi_cases", "0003_cases")]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        migrations.RunPython(create_topics, migrations.RunPython.noop),
    ]
