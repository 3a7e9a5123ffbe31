"""Fixtures shared by every app's tests: a small world of two LMNSs and a person per role."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from lmns.models import Lmns, ReportingPeriod, Role, Trust
from lmns.tests.factories import (
    LmnsFactory,
    ReportingPeriodFactory,
    TrustFactory,
    lmns_member,
    trust_lead,
)

# The people every access test is run as. "sibling_lead" leads another trust of the same LMNS;
# "other_team" is the programme team of a different LMNS.
PERSONAS = ["anonymous", "lead", "sibling_lead", "team", "board", "other_team"]

# The backup key of the test suite (32 bytes, URL-safe base64): backups made by tests are
# encrypted as in production. Also put in the environment for the commands tests run.
TEST_BACKUP_KEY = "dGVzdC1iYWNrdXAta2V5LW5vdC1mb3ItcmVhbC11c2U="


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords at full strength would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files (evidence) made by tests go to a scratch folder, never the project's media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="lmns-test-media-")
    settings.BACKUP_KEY = TEST_BACKUP_KEY
    os.environ["LMNS_BACKUP_KEY"] = TEST_BACKUP_KEY


@dataclass
class World:
    lmns: Lmns
    trust: Trust
    sibling_trust: Trust
    other_lmns: Lmns
    other_trust: Trust
    period: ReportingPeriod
    previous_period: ReportingPeriod
    users: dict

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture
def world(db) -> World:
    lmns = LmnsFactory(name="Nottingham and Nottinghamshire LMNS", short_name="NottsLMNS")
    trust = TrustFactory(
        name="Nottingham University Hospitals NHS Trust",
        short_name="NUH",
        ods_code="RX1",
        lmns=lmns,
    )
    sibling = TrustFactory(
        name="Sherwood Forest Hospitals NHS Foundation Trust",
        short_name="SFH",
        ods_code="RK5",
        lmns=lmns,
    )
    other_lmns = LmnsFactory(name="Norfolk and Waveney LMNS", short_name="NWLMNS")
    other_trust = TrustFactory(
        name="James Paget University Hospitals NHS Foundation Trust",
        short_name="JPUH",
        ods_code="RGP",
        lmns=other_lmns,
    )
    previous = ReportingPeriodFactory(start_year=2021, quarter=4, is_open=False)
    period = ReportingPeriodFactory(start_year=2022, quarter=1, is_open=True)
    users = {
        "lead": trust_lead(trust, "nuh-lead"),
        "sibling_lead": trust_lead(sibling, "sfh-lead"),
        "team": lmns_member(lmns, Role.PROGRAMME_TEAM, "notts-team"),
        "board": lmns_member(lmns, Role.BOARD_MEMBER, "notts-board"),
        "other_team": lmns_member(other_lmns, Role.PROGRAMME_TEAM, "nw-team"),
        "other_lead": trust_lead(other_trust, "jpuh-lead"),
    }
    return World(lmns, trust, sibling, other_lmns, other_trust, period, previous, users)


@pytest.fixture
def as_lead(world) -> Client:
    return world.client_for("lead")


@pytest.fixture
def as_team(world) -> Client:
    return world.client_for("team")


@pytest.fixture
def as_board(world) -> Client:
    return world.client_for("board")


def pytest_report_header(config):
    from django.db import connection

    header = [f"database: {connection.vendor} ({connection.settings_dict['NAME']})"]
    chromium = Path("/usr/bin/chromium")
    header.append(
        f"browser tests: {'Chromium at ' + str(chromium) if chromium.exists() else 'no Chromium'}"
    )
    return header
