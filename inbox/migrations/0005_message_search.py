"""Indexes for the inbox search (inbox/search.py) and the list's waiting sort, PostgreSQL only.

Raw SQL, no model state: most are on expressions that Meta.indexes would spell differently
from the queries (see search.MessageDocument, and Django's UPPER(...) for icontains), or need
an extension the ORM cannot require; and keeping all of them out of the model state means this
migration never collides with model migrations of the inbox or crm apps. On SQLite it does nothing: search falls back to
icontains there.

- msg_text_search: GIN over to_tsvector('simple', text), the full-text search of messages.
- msg_sent_at: messages newest first across inboxes, so a common word's newest matches are
  found by walking this index instead of collecting and sorting every match.
- conv_status_waiting: the conversation list's "oldest waiting first" sort
  (`last_customer_message_at ASC NULLS LAST, id` within a status). Without it PostgreSQL read
  and sorted every open conversation: 35-40 ms at 100,000 conversations, 0.4 ms with it
  (bench/inbox.py). Not search, but an inbox index, kept here as raw SQL for the same reason.
- crm_contact_*_trgm: trigram GIN indexes for the contains-matches on contact name, email
  and phone, when the pg_trgm extension is available (it ships with PostgreSQL's contrib, but
  creating it needs a privileged role; without it the same queries run, only slower).
"""

from django.db import DatabaseError, migrations, transaction

INBOX_INDEXES = [
    "CREATE INDEX IF NOT EXISTS msg_text_search ON inbox_message USING gin (to_tsvector('simple'::regconfig, text))",
    "CREATE INDEX IF NOT EXISTS msg_sent_at ON inbox_message (sent_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS conv_status_waiting ON inbox_conversation (status, last_customer_message_at, id)",
]
TRIGRAM_INDEXES = [
    # The expressions Django compiles `name__icontains` / `email__icontains` / `phone__contains` to.
    "CREATE INDEX IF NOT EXISTS crm_contact_name_trgm ON crm_contact USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS crm_contact_email_trgm ON crm_contact USING gin (UPPER(email::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS crm_contact_phone_trgm ON crm_contact USING gin ((phone::text) gin_trgm_ops)",
]
INDEX_NAMES = [
    "msg_text_search",
    "msg_sent_at",
    "conv_status_waiting",
    "crm_contact_name_trgm",
    "crm_contact_email_trgm",
    "crm_contact_phone_trgm",
]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in INBOX_INDEXES:
        schema_editor.execute(statement)
    if _trigram_available(schema_editor):
        for statement in TRIGRAM_INDEXES:
            schema_editor.execute(statement)


def _trigram_available(schema_editor) -> bool:
    try:
        # A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return False
    return True


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEX_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0004_agent_inbox"),
        ("crm", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False)]
