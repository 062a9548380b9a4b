

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0003_quality_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='surveysetting',
            name='questions',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
