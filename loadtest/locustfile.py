"""Load test: the three user journeys against a running server (see loadtest/run.sh).

The journeys' URLs and people come from a targets file written by ``loadtest/targets.py``
(path in ``LOADTEST_TARGETS``), so this file needs no Django and no guessed ids:

* a trust lead opens their trust's return section and saves it, and now and then checks the
  return and submits it (refused while sections are unanswered, as on a deadline day);
* the programme team reviews the LMNS compliance dashboard and the plan;
* a board member reads the board pack, and downloads its PDF and spreadsheet.

``LOADTEST_THINK="5,20"`` sets each person's think time (seconds; 0.5 to 2 by default, a stress
test rather than people). A person thinks after every page they open, not only between rounds:
reading a page, typing a narrative, deciding to open the PDF. ``loadtest/deadline.sh`` runs the
deadline day.

The server runs in production mode over plain HTTP on loopback, so its cookies carry the
Secure flag; a browser would refuse to send them over HTTP, and so would ``requests``. The
client clears that flag on its own copies (the server is unchanged).
"""

import itertools
import json
import os
import re

from forms import form_fields
from locust import HttpUser, between, task

with open(os.environ.get("LOADTEST_TARGETS", "loadtest/targets.json")) as targets_file:
    TARGETS = json.load(targets_file)
PASSWORD = TARGETS["password"]
_counters = {name: itertools.count() for name in ("lead", "team", "board")}
THINK = [float(s) for s in os.environ.get("LOADTEST_THINK", "0.5,2").split(",")]


class Journey(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    role = ""

    def on_start(self) -> None:
        people = TARGETS[self.role]
        self.person = people[next(_counters[self.role]) % len(people)]
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self._insecure_cookies()
        self.wait()  # types the user name and password
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.person["username"],
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
            if response.status_code not in (200, 304):
                response.failure(f"{url} answered {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{url} sent the person to sign in")
        self._insecure_cookies()
        self.wait()


class TrustLead(Journey):
    """Opens their return section, changes the narrative and saves; now and then submits."""

    role = "lead"
    weight = 6

    @task(1)
    def check_and_submit(self) -> None:
        submit = self.person.get("submit")
        if not submit:
            return
        with self.client.get(submit["url"], name=submit["name"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{submit['url']} answered {response.status_code}")
                return
            action, found = form_fields(response.text, having="version")
            if not found:  # already submitted by another simulated lead: nothing to do
                return
        self._insecure_cookies()
        self.wait()  # reads what submitting means before pressing the button
        with self.client.post(
            action or submit["url"],
            data=found,
            name=f"{submit['name']} (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Refused with the unanswered items listed (200), or submitted (redirect).
            if response.status_code not in (200, 302, 303):
                response.failure(f"submit answered {response.status_code}")
        self._insecure_cookies()

    @task(4)
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
            action, found = form_fields(response.text, having=form["edit"])
            if not found:  # the return was submitted: the section reads, it no longer saves
                return
        self._insecure_cookies()
        self.wait()  # writes the narrative
        # Change the first field whose name ends with form["edit"] (e.g. a narrative).
        fields, changed = [], False
        for name, value in found:
            if not changed and name.endswith(form["edit"]):
                value, changed = f"Reviewed under load {next(_saves)}.", True
            fields.append((name, value))
        with self.client.post(
            action or form["url"],
            data=fields,
            name=f"{form['name']} (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "saved-meanwhile" in response.text:
                # Several simulated people share a demo lead's return: the second of two saves
                # at once is shown what the first saved, as the page promises. Not an error.
                response.success()
            elif response.status_code not in (302, 303):
                response.failure(f"save answered {response.status_code}, not a redirect")
            elif "/accounts/login/" in response.headers.get("Location", ""):
                response.failure("save sent the person to sign in")
        self._insecure_cookies()


_saves = itertools.count(1)


class ProgrammeTeam(Journey):
    """Reviews the LMNS compliance dashboard and the plan."""

    role = "team"
    weight = 2

    @task
    def review(self) -> None:
        for page in self.person["pages"]:
            self.read(page["url"], page["name"])


class BoardMember(Journey):
    """Reads the board pack, and downloads its PDF and spreadsheet."""

    role = "board"
    weight = 2

    @task
    def read_pack(self) -> None:
        for page in self.person["pages"]:
            self.read(page["url"], page["name"])
