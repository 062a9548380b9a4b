

import kernel.channel_kinds
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0007_credentials_encrypted'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inbox',
            name='kind',
            field=models.CharField(choices=kernel.channel_kinds.kind_choices, max_length=16),
        ),
        migrations.AlterField(
            model_name='webhookevent',
            name='channel',
            field=models.CharField(choices=kernel.channel_kinds.kind_choices, max_length=16),
        ),
    ]
