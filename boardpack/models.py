"""Issued board packs: the figures of one LMNS's quarter, frozen when given to the board."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from lmns.models import Lmns, ReportingPeriod
from lmns.text import ONE_LINE, OneLineTextField, text_lengths


class IssuedPackIsFinal(Exception):
    """An issued pack is never changed or deleted; issue a new version instead."""


class Final(models.Model):
    """A row written once, then never changed or deleted (``what`` names it in the refusal)."""

    what = "an issued board pack"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise IssuedPackIsFinal(f"{self.what.capitalize()} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedPackIsFinal(f"{self.what.capitalize()} cannot be deleted.")


class BoardPack(Final):
    """One issued version of a quarter's board pack.

    The snapshot holds everything the pack page needs (the section dicts, the key messages,
    the headline), so an issued pack reads the same however the returns change afterwards.
    Issuing the same quarter again adds a new version and keeps the earlier ones.
    """

    lmns = models.ForeignKey(Lmns, on_delete=models.PROTECT, related_name="board_packs")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_name = OneLineTextField(
        help_text="The issuer's name as it was when the pack was issued."
    )
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["lmns", "-period__start_date", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["lmns", "period", "version"], name="board_pack_version_unique"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="board_pack_version_1_up"),
            text_lengths("board_pack", issued_by_name=ONE_LINE),
        ]

    def __str__(self) -> str:
        return f"{self.lmns.short_name} {self.period} board pack (version {self.version})"


class IssuedPackPdf(Final):
    """An issued pack's PDF, rendered once and kept with its SHA-256.

    Rendered when the pack is issued (or, for a pack issued before PDFs were kept, at its first
    download), so later downloads send these bytes and never render again. Never changed.
    """

    pack = models.OneToOneField(
        BoardPack, on_delete=models.PROTECT, primary_key=True, related_name="pdf"
    )
    content = models.BinaryField()
    sha256 = models.CharField("SHA-256", max_length=64)
    rendered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "issued pack PDF"

    what = "an issued pack's PDF"

    def __str__(self) -> str:
        return f"PDF of {self.pack}"


class IssuedPackXlsx(Final):
    """An issued pack's spreadsheet, written once and kept with its SHA-256, like its PDF.

    Written when the pack is issued (or, for a pack issued before spreadsheets were kept, at its
    first download); later downloads send these bytes. Never changed.
    """

    pack = models.OneToOneField(
        BoardPack, on_delete=models.PROTECT, primary_key=True, related_name="xlsx"
    )
    content = models.BinaryField()
    sha256 = models.CharField("SHA-256", max_length=64)
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "issued pack spreadsheet"

    what = "an issued pack's spreadsheet"

    def __str__(self) -> str:
        return f"Spreadsheet of {self.pack}"
