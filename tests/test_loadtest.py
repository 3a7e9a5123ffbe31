"""The load test's journeys work against the app: every target page opens, the save saves.

The locust file itself needs a running server (``loadtest/run.sh``); these tests drive the
same targets and the same form filling through Django's test client.
"""

import pytest
from django.contrib.auth import get_user_model

from loadtest.forms import form_fields
from loadtest.targets import build_targets


def test_form_fields_are_what_a_browser_submits():
    html = """
    <form method="get"><input name="q" value="search"></form>
    <form method="post" action="/save/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input name="title" value="Plan &amp; trajectory">
      <input type="checkbox" name="done" checked>
      <input type="checkbox" name="skipped">
      <input type="radio" name="rag" value="red">
      <input type="radio" name="rag" value="green" checked>
      <input name="locked" value="x" disabled>
      <input type="file" name="upload">
      <select name="status"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="first"><option value="one">1</option><option value="two">2</option></select>
      <textarea name="narrative">Line one
line two</textarea>
      <button type="submit" name="save">Save</button>
    </form>
    <form method="post"><input name="other" value="no"></form>
    """
    assert form_fields(html, having="other") == ("", [("other", "no")])
    assert form_fields(html, having="missing") == (None, [])
    action, fields = form_fields(html)
    assert action == "/save/"
    assert fields == [
        ("csrfmiddlewaretoken", "tok"),
        ("title", "Plan & trajectory"),
        ("done", "on"),
        ("rag", "green"),
        ("status", "b"),
        ("first", "one"),
        ("narrative", "Line one\nline two"),
    ]


@pytest.mark.django_db
def test_every_journey_page_opens_for_its_person(world, client):
    targets = build_targets()
    assert {p["username"] for p in targets["lead"]} >= {"nuh-lead", "sfh-lead"}
    assert {p["username"] for p in targets["team"]} >= {"notts-team", "nw-team"}
    assert {p["username"] for p in targets["board"]} == {"notts-board"}
    users = get_user_model().objects
    for role in ("lead", "team", "board"):
        for person in targets[role]:
            client.force_login(users.get(username=person["username"]))
            assert person["pages"], person
            for page in person["pages"]:
                response = client.get(page["url"], follow=True)
                assert response.status_code == 200, (person["username"], page)


@pytest.mark.django_db
def test_trust_lead_journey_saves_their_own_draft_return(world, client):
    """Each simulated lead gets a draft return no other simulated lead saves, and the form
    filled in as locust fills it saves (a redirect) and keeps the changed narrative."""
    from assurance.models import Answer

    targets = build_targets()["lead"]
    leads = [p for p in targets if p["username"] == "nuh-lead"]
    assert leads and all(p["form"] for p in leads)
    urls = [p["form"]["url"] for p in targets if p["form"]]
    assert len(urls) == len(set(urls)), "two simulated leads would save the same return"
    client.force_login(world.users["lead"])
    for n, person in enumerate(leads):
        form = person["form"]
        response = client.get(form["url"])
        assert response.status_code == 200
        action, fields = form_fields(response.content.decode(), having=form["edit"])
        edited = [i for i, (name, _) in enumerate(fields) if name.endswith(form["edit"])]
        assert edited, fields
        fields[edited[0]] = (fields[edited[0]][0], f"Reviewed under load {n}.")
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        saved = client.post(action or form["url"], data)
        assert saved.status_code == 302, saved.content.decode()[:2000]
        assert Answer.objects.filter(
            quarterly_return__trust=world.trust, narrative=f"Reviewed under load {n}."
        ).exists()


@pytest.mark.django_db
def test_trust_lead_journey_submits_as_locust_does_and_an_unfinished_return_is_refused(
    world, client
):
    """The submit step's form, posted as locust posts it: a return with unanswered sections is
    refused on the page (200, the return still a draft), never an error."""
    from assurance.models import QuarterlyReturn, ReturnStatus

    person = next(p for p in build_targets()["lead"] if p["username"] == "nuh-lead")
    client.force_login(world.users["lead"])
    page = client.get(person["submit"]["url"])
    assert page.status_code == 200
    action, fields = form_fields(page.content.decode(), having="version")
    assert fields, "no submit form with a version field"
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    response = client.post(action or person["submit"]["url"], data)
    assert response.status_code in (200, 302)
    ret_pk = int(person["submit"]["url"].split("/returns/")[1].split("/")[0])
    if response.status_code == 200:
        assert QuarterlyReturn.objects.get(pk=ret_pk).status == ReturnStatus.DRAFT
