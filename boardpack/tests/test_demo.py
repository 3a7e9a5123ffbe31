from django.urls import reverse

from boardpack import demo
from boardpack.models import BoardPack
from lmns import demo as core_demo


def test_demo_issues_the_notts_packs_once(db):
    core_demo.load()
    assert demo.load() == "5 board packs issued, 5 in all; 4 downloads recorded"
    assert demo.load() == "0 board packs issued, 5 in all; 0 downloads recorded"
    latest = (
        BoardPack.objects.filter(lmns__short_name="NottsLMNS")
        .order_by("-period__start_date")
        .select_related("period")
        .first()
    )
    assert (str(latest.period), latest.issued_by.username) == ("2022/23 Q1", "notts-team")


def test_the_demo_board_member_opens_the_latest_pack(db, client):
    from django.contrib.auth import get_user_model

    core_demo.load()
    demo.load()
    client.force_login(get_user_model().objects.get(username="notts-board"))
    lmns = BoardPack.objects.filter(lmns__short_name="NottsLMNS").first().lmns
    html = client.get(reverse("boardpack:latest", args=[lmns.pk])).content.decode()
    assert "Board pack · 2022/23 Q1" in html
    assert "Issued to the board on" in html
