

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_meta_app_audit_actions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('inbox.credentials_changed', 'Inbox credentials changed'), ('inbox.created', 'Inbox created'), ('inbox.updated', 'Inbox settings changed'), ('inbox.deactivated', 'Inbox deactivated'), ('inbox.reactivated', 'Inbox reactivated'), ('inbox.members_changed', 'Inbox members changed'), ('inbox.service_levels', 'Inbox service levels changed'), ('inbox.survey_changed', 'Inbox survey changed'), ('agent.role_changed', 'Agent role changed'), ('agent.created', 'Agent created'), ('agent.invited', 'Agent invited'), ('agent.updated', 'Agent changed'), ('agent.deactivated', 'Agent deactivated'), ('agent.reactivated', 'Agent reactivated'), ('agent.password_link', 'Password link made'), ('agent.password_set', 'Password set through a link'), ('team.created', 'Team created'), ('team.updated', 'Team changed'), ('team.deleted', 'Team deleted'), ('api_token.created', 'API token created'), ('api_token.revoked', 'API token revoked'), ('agent.availability_changed', 'Agent availability changed'), ('contact.merged', 'Contacts merged'), ('contact.merge_undone', 'Contact merge undone'), ('contact.erased', 'Contact erased'), ('export', 'Data exported'), ('meta_app.created', 'Meta app created'), ('meta_app.secret_changed', 'Meta app secret changed')], db_index=True, max_length=40),
        ),
    ]
