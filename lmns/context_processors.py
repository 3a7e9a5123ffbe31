from django.http import HttpRequest

from .access import get_access


def navigation(request: HttpRequest) -> dict:
    """Who is signed in and in which organisations, for the navigation bar."""
    access = get_access(request)
    return {"nav_memberships": access.memberships}
