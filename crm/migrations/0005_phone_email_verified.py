"""Phones and emails get `verified`: a detail typed in the live-chat widget is shown and
suggested, but never matched. Existing keys of contacts known only as anonymous live-chat
visitors were typed there, so they start unverified; every other key stays a matching key."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flag_typed_details(apps, schema_editor):
    Contact = apps.get_model("crm", "Contact")
    ContactIdentity = apps.get_model("crm", "ContactIdentity")
    trusted = ContactIdentity.objects.filter(contact=OuterRef("pk")).exclude(
        channel="livechat", external_id__startswith="v-"
    )
    visitors_only = (
        Contact.objects.filter(identities__channel="livechat", identities__external_id__startswith="v-")
        .exclude(Exists(trusted))
        .values("pk")
    )
    for name in ("ContactPhone", "ContactEmail"):
        apps.get_model("crm", name).objects.filter(contact__in=visitors_only).update(verified=False)


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_channel_kinds_from_registry")]

    operations = [
        migrations.AddField(model_name="contactemail", name="verified", field=models.BooleanField(default=True)),
        migrations.AddField(model_name="contactphone", name="verified", field=models.BooleanField(default=True)),
        migrations.RunPython(flag_typed_details, migrations.RunPython.noop, elidable=True),
    ]
