"""Make the test provider's people and its one client: ``python -m tests.idp.setup SPEC``.

SPEC is JSON: {"client": {"id", "secret", "redirect_uri"}, "people": [{"username",
"password", "email"}]}.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.idp.settings")
django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from allauth.idp.oidc.models import Client  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402


def main(spec: dict) -> None:
    client = spec["client"]
    registered, _ = Client.objects.update_or_create(
        id=client["id"],
        defaults={
            "name": "LMNS Assurance",
            "redirect_uris": client["redirect_uri"],
            "scopes": "openid\nprofile\nemail",
            "default_scopes": "openid\nprofile\nemail",
            "grant_types": "authorization_code",
            "response_types": "code",
            "skip_consent": True,
        },
    )
    registered.set_secret(client["secret"])
    registered.save()
    for person in spec["people"]:
        user = get_user_model().objects.create_user(
            username=person["username"], email=person["email"], password=person["password"]
        )
        EmailAddress.objects.create(user=user, email=person["email"], primary=True, verified=False)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
