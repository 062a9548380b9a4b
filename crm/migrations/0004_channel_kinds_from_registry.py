

import kernel.channel_kinds
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0003_name_key_trigram'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contactidentity',
            name='channel',
            field=models.CharField(choices=kernel.channel_kinds.kind_choices, max_length=16),
        ),
    ]
