"""Existing people's addresses become allauth addresses, verified: an administrator set them."""

from django.conf import settings
from django.db import migrations


def addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {e.lower() for e in EmailAddress.objects.values_list("email", flat=True)}
    for user in User.objects.exclude(email="").order_by("pk"):
        email = user.email.strip()
        if not email or email.lower() in taken:
            continue  # a second person with the same address keeps password sign-in only
        taken.add(email.lower())
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(addresses, migrations.RunPython.noop)]
