"""Load test: the three user journeys against a running server (see loadtest/run.sh).

The journeys' URLs and people come from a targets file written by ``loadtest/targets.py``
(path in ``LOADTEST_TARGETS``), so this file needs no Django and no guessed ids:

* a trust lead opens their trust's return section and saves it;
* the programme team reviews the LMNS compliance dashboard and the plan;
* a board member reads the board pack.

The server runs in production mode over plain HTTP on loopback, so its cookies carry the
Secure flag; a browser would refuse to send them over HTTP, and so would ``requests``. The
client clears that flag on its own copies (the server is unchanged).
"""

import itertools
import json
import os
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

with open(os.environ.get("LOADTEST_TARGETS", "loadtest/targets.json")) as targets_file:
    TARGETS = json.load(targets_file)
PASSWORD = TARGETS["password"]
_counters = {name: itertools.count() for name in ("lead", "team", "board")}


class FormFields(HTMLParser):
    """The fields of the first POST form on a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.action: str | None = None
        self._in_form = False
        self._done = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form, self.action = True, a.get("action") or ""
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value

    def handle_data(self, data):
        if self._textarea and self.fields and self.fields[-1][0] == self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


class Journey(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self) -> None:
        people = TARGETS[self.role]
        self.person = people[next(_counters[self.role]) % len(people)]
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self._insecure_cookies()
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.person["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers["Location"]:
                response.failure(f"could not sign in as {self.person['username']}")
        self._insecure_cookies()

    def _insecure_cookies(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    def read(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{url} sent the person to sign in")
        self._insecure_cookies()


class TrustLead(Journey):
    """Opens their return section, changes the narrative and saves."""

    role = "lead"

    @task
    def enter_and_save(self) -> None:
        for page in self.person.get("pages", []):
            self.read(page["url"], page["name"])
        form = self.person.get("form")
        if not form:
            return
        with self.client.get(form["url"], name=form["name"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{form['url']} answered {response.status_code}")
                return
            parser = FormFields()
            parser.feed(response.text)
        self._insecure_cookies()
        fields = [
            (name, f"Reviewed under load {next(_saves)}." if name == form["edit"] else value)
            for name, value in parser.fields
        ]
        action = parser.action or form["url"]
        with self.client.post(
            action,
            data=fields,
            name=f"{form['name']} (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"save answered {response.status_code}, not a redirect")
        self._insecure_cookies()


_saves = itertools.count(1)


class ProgrammeTeam(Journey):
    """Reviews the LMNS compliance dashboard and the plan."""

    role = "team"

    @task
    def review(self) -> None:
        for page in self.person["pages"]:
            self.read(page["url"], page["name"])


class BoardMember(Journey):
    """Reads the board pack."""

    role = "board"

    @task
    def read_pack(self) -> None:
        for page in self.person["pages"]:
            self.read(page["url"], page["name"])
