from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import get_access


def navigation(request: HttpRequest) -> dict:
    """Who is signed in, in which organisations, and their counts (unread notifications, work
    to do) for the navigation bar; the counts are one query, made only when a page shows them."""
    from .queue import nav_counts

    access = get_access(request)
    return {
        "nav_memberships": access.memberships,
        "nav_counts": SimpleLazyObject(lambda: nav_counts(access)),
    }
