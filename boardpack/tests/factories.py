import factory
from django.utils import timezone

from lmns.tests.factories import LmnsFactory, ReportingPeriodFactory, UserFactory

from ..models import BoardPack


def snapshot_for(pack) -> dict:
    """A minimal, valid snapshot, as :func:`boardpack.services.build_pack` makes them."""
    return {
        "schema": 1,
        "lmns": {"pk": pack.lmns.pk, "name": pack.lmns.name, "short_name": pack.lmns.short_name},
        "period": {"pk": pack.period.pk, "label": str(pack.period), "slug": pack.period.slug},
        "produced_at": pack.issued_at.isoformat(),
        "provisional": False,
        "messages": [],
        "sections": [],
    }


class BoardPackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardPack

    lmns = factory.SubFactory(LmnsFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    version = 1
    issued_at = factory.LazyFunction(timezone.now)
    issued_by = factory.SubFactory(UserFactory)
    issued_by_name = factory.LazyAttribute(lambda o: o.issued_by.get_full_name())
    snapshot = factory.LazyAttribute(snapshot_for)
