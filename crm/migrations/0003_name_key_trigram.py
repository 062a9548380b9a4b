"""A trigram index for the contact list's name search (`name_key LIKE '%...%'`), PostgreSQL
with pg_trgm only; elsewhere (SQLite) nothing. Raw SQL for the reason given in
inbox/migrations/0005_message_search.py."""

from django.db import DatabaseError, migrations, transaction

INDEX = "CREATE INDEX IF NOT EXISTS crm_contact_name_key_trgm ON crm_contact USING gin (name_key gin_trgm_ops)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS crm_contact_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_phones_emails_tags_notes_suggestions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
