"""Discover every page a person can reach by following links from their home page.

The crawl runs in the test process through Django's test client (fast, no browser), keeps the
HTML pages, and records every link that did not open (a 403 or 404 offered to someone is a bug:
a person is only shown links they may follow). The browser then visits the pages it found.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Never followed: signing out, the admin site (Django's own), downloads are recognised by type.
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/media/")
# Files to download are not pages: not fetched (the access matrix covers them).
DOWNLOADS = (".pdf", ".csv", ".xlsx", "/pdf/", "/csv/", "/xlsx/", "/export/")
# The same view with other ids or query strings looks the same; a few of each is enough.
PER_VIEW = 2


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(user, start: str = "/", limit: int = 400) -> Crawl:
    client = Client()
    client.force_login(user)
    result = Crawl()
    seen = {start}
    per_view: dict[str, int] = defaultdict(int)
    queue = deque([(start, "(start)")])
    while queue and len(result.pages) < limit:
        url, found_on = queue.popleft()
        if any(part in urlsplit(url).path for part in DOWNLOADS):
            result.downloads.append(url)
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        if response.status_code != 200:
            result.broken.append(f"{url} answered {response.status_code} (linked from {found_on})")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            result.downloads.append(url)
            continue
        result.pages.append(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target, _ = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or parts.path.startswith(SKIP_PREFIXES):
                continue
            seen.add(target)
            name = _view_name(parts.path)
            if name is None:
                result.broken.append(f"{target} matches no page (linked from {url})")
                continue
            if per_view[name] >= PER_VIEW:
                continue
            per_view[name] += 1
            queue.append((target, url))
    return result
