"""Links that apps offer on the home and organisation pages.

The core app must not import the feature apps, so each feature app registers its entry
points here from its ``AppConfig.ready``. A link names a URL that takes the organisation's
primary key as its only argument, and the roles that should see it.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class OrgLink:
    label: str
    url_name: str
    org: str  # "lmns" or "trust"
    roles: frozenset[str]
    description: str = ""
    order: int = 50

    def url_for(self, pk: int) -> str:
        return reverse(self.url_name, args=[pk])


_LINKS: list[OrgLink] = []


def register_link(link: OrgLink) -> None:
    if link not in _LINKS:
        _LINKS.append(link)


def links_for(org: str, roles: set[str], pk: int) -> list[dict[str, str]]:
    """The links for one organisation, for someone holding ``roles`` there."""
    chosen = sorted(
        (link for link in _LINKS if link.org == org and link.roles & roles),
        key=lambda link: (link.order, link.label),
    )
    return [
        {"label": link.label, "url": link.url_for(pk), "description": link.description}
        for link in chosen
    ]
