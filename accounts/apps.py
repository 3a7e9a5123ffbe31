from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and invitations"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from allauth.mfa.signals import authentication_failed, authenticator_removed
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from lmns.secret_fields import ENCRYPT, EXCLUDE, register_secret_field

        from .signals import (
            count_wrong_second_factor_codes,
            forget_enrolment,
            note_provider_second_factor,
            sync_email_address,
        )

        post_save.connect(
            sync_email_address, sender=get_user_model(), dispatch_uid="sync_email_address"
        )
        authentication_failed.connect(
            count_wrong_second_factor_codes, dispatch_uid="count_wrong_second_factor_codes"
        )
        user_logged_in.connect(note_provider_second_factor, dispatch_uid="provider_second_factor")
        authenticator_removed.connect(forget_enrolment, dispatch_uid="forget_enrolment")
        # TOTP secrets and recovery-code seeds (already encrypted with MFA_ENCRYPTION_KEY) are
        # sealed again in backups; an identity provider's client secret is never backed up.
        register_secret_field("mfa.Authenticator", "data", action=ENCRYPT)
        register_secret_field("socialaccount.SocialApp", "secret", action=EXCLUDE)
