from django.db import migrations, models


def demo_flag_from_config(apps, schema_editor):
    """Inboxes the demo made before the flag was a column carried it in `config`: they become
    demo inboxes without the placeholder credentials they were given."""
    Inbox = apps.get_model("inbox", "Inbox")
    for inbox in Inbox.objects.all():
        config = dict(inbox.config or {})
        if config.pop("demo", None) is True:
            inbox.demo = True
            inbox.config = config
            inbox.credentials = {}
            inbox.save(update_fields=["demo", "config", "credentials"])


class Migration(migrations.Migration):
    dependencies = [("inbox", "0012_agent_availability_tracking")]

    operations = [
        migrations.AddField(
            model_name="inbox",
            name="demo",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(demo_flag_from_config, migrations.RunPython.noop),
    ]
