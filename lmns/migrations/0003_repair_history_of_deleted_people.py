"""Repair databases in which a person was deleted: their history points at one placeholder.

Before leavers were only ever deactivated, deleting a person in the admin left the audit trail's
copies of "entered by", "updated by" and the like pointing at a user that no longer exists, and
every later ``manage.py backup`` failed ("User matching query does not exist"). This points each
such reference, in every table, at one inactive "Deleted user" account, so the history reads
"Deleted user (left)" and backups work again. Nothing is deleted; references to people who
still exist are untouched, and a database without such references gets no placeholder.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations

DELETED_USERNAME = "deleted-user"


def point_orphans_at_placeholder(apps, schema_editor) -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    people = user_model._base_manager.values("pk")
    placeholder = None
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not field.many_to_one or field.related_model is not user_model:
                continue
            orphans = (
                model._base_manager.filter(**{f"{field.attname}__isnull": False})
                .exclude(**{f"{field.attname}__in": people})
                .order_by()
            )
            if not orphans.exists():
                continue
            if placeholder is None:
                placeholder, _ = user_model._base_manager.get_or_create(
                    username=DELETED_USERNAME,
                    defaults={
                        "first_name": "Deleted",
                        "last_name": "user",
                        "is_active": False,
                        "password": make_password(None),
                    },
                )
            orphans.update(**{field.attname: placeholder.pk})


class Migration(migrations.Migration):
    dependencies = [
        ("lmns", "0002_trust_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(point_orphans_at_placeholder, migrations.RunPython.noop)]
