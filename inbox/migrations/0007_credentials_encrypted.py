# Channel credentials encrypted at rest (kernel.crypto.EncryptedJSONField).

from django.db import migrations

import kernel.crypto


def encrypt_stored_credentials(apps, schema_editor):
    """Rows written before this migration hold plain JSON: each is read as plain JSON and
    written back encrypted."""
    Inbox = apps.get_model("inbox", "Inbox")
    for inbox in Inbox.objects.all().only("pk", "credentials"):
        Inbox.objects.filter(pk=inbox.pk).update(credentials=inbox.credentials)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0006_unread_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inbox",
            name="credentials",
            field=kernel.crypto.EncryptedJSONField(
                blank=True, default=dict, help_text="Tokens and secrets, encrypted; never shown"
            ),
        ),
        migrations.RunPython(encrypt_stored_credentials, migrations.RunPython.noop),
    ]
