"""Issuing a board pack tells the LMNS's board members (in the issue's transaction)."""

from django.urls import reverse

from lmns.access import readers
from lmns.models import Role
from lmns.notifications import Kind, event_key, in_transaction, notify, register_kind

from .models import BoardPack

ISSUED = Kind("boardpack.issued", "A board pack was issued")


def pack_issued(pack: BoardPack) -> None:
    """Tell the board members of the pack's LMNS, in the issue's transaction."""

    def send() -> None:
        notify(
            recipients=readers(pack.lmns, roles={Role.BOARD_MEMBER}),
            kind=ISSUED.code,
            text=f"The {pack.lmns.short_name} board pack for {pack.period} was issued "
            f"(version {pack.version})",
            url=reverse("boardpack:pack", args=[pack.lmns_id, pack.period_id]),
            key=event_key(ISSUED.code, pack.pk),
        )

    in_transaction(send)


def register() -> None:
    register_kind(ISSUED)
