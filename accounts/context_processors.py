from django.conf import settings


def sign_in(request) -> dict:
    return {"password_sign_in": settings.PASSWORD_SIGN_IN_ENABLED}
