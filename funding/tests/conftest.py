import pytest

from funding.tests.factories import Funded, make_funded


@pytest.fixture
def funded(world) -> Funded:
    return make_funded(world)
