from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings
from django.contrib.auth import get_user_model


class TestProviderAdapter(DefaultOIDCAdapter):
    """Reports multi-factor sign-ins in ``amr``, as Entra ID does when it asked for MFA."""

    def populate_id_token(self, id_token, client, scopes, **kwargs):
        user = get_user_model().objects.filter(pk=id_token.get("sub")).first()
        mfa = user is not None and user.get_username() in settings.IDP_MFA_USERS
        id_token["amr"] = ["pwd", "mfa"] if mfa else ["pwd"]
