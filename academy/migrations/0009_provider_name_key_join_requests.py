import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from academy import roles
from academy.models import company_name_key


def fill_name_keys(apps, schema_editor):
    """Give every provider its matching key. Two existing names that fold to one key (a
    Traditional and a Simplified spelling registered twice) keep distinct keys, the later one
    suffixed with its id, so the unique constraint can be added; staff can merge them later."""
    Provider = apps.get_model("academy", "Provider")
    seen = set()
    for provider in Provider.objects.order_by("pk"):
        key = company_name_key(provider.name)
        if key in seen:
            key = f"{key} #{provider.pk}"
        seen.add(key)
        Provider.objects.filter(pk=provider.pk).update(name_key=key)


def grant_staff_view(apps, schema_editor):
    # Staff see who asked to join which company, as they see providers (0003_staff_groups).
    for group in roles.STAFF_GROUPS:
        roles.grant_model_permissions(apps, group, "academy", "joinrequest", ["view"])


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0008_outbox_task'),
    ]

    operations = [
        migrations.AddField(
            model_name='provider',
            name='name_key',
            field=models.CharField(default='', editable=False, max_length=255, verbose_name='company name for matching'),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='provider',
            name='name_key',
            field=models.CharField(editable=False, max_length=255, unique=True, verbose_name='company name for matching'),
        ),
        migrations.CreateModel(
            name='JoinRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='pending', max_length=10, verbose_name='status')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='asked')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('decline_reason', models.TextField(blank=True, verbose_name='reason for declining')),
                ('admins_notified_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='administrators e-mailed')),
                ('requester_notified_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='requester e-mailed the decision')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to='academy.provider', verbose_name='provider')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'join request',
                'verbose_name_plural': 'join requests',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['provider', 'status'], name='academy_joi_provide_880f2b_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user',), name='joinrequest_one_pending_per_user')],
            },
        ),
        migrations.RunPython(grant_staff_view, migrations.RunPython.noop),
    ]
