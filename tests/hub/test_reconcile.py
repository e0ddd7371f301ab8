"""Keys that meet: plans from the periods publishers give, commitment numbers
from OGP identifiers."""

from __future__ import annotations

import pytest

from harvesters.records import PlanRef
from hub import ids
from hub.reconcile import (
    identifier_for,
    member_jurisdiction,
    number_in_series,
    period_in,
    plan_containing,
    plan_for_cycle,
    plan_for_period,
    same_title,
)


@pytest.mark.parametrize(("text", "period"), [
    ("United Kingdom Action Plan 2019-2021", (2019, 2021)),
    ("Action plan – Scotland, United Kingdom, 2021 – 2025", (2021, 2025)),
    ("Open Government Commitments 2019-21", (2019, 2021)),
    ("National Action Plan 2016 to 2018: Welsh Government commitments", (2016, 2018)),
    ("Cynllun Gweithredu 2016-18: ymrwymiadau", (2016, 2018)),
    ("no period here", None),
    ("pages 2019-1999", None),
])
def test_periods_as_written(text, period):
    assert period_in(text) == period


def test_plans_from_periods_and_cycles_land_on_the_register():
    sixth = plan_for_period("uk", 2023, 2025)
    assert (sixth.start, sixth.end, sixth.number) == (2024, 2025, 6)
    assert ids.plan(sixth) == ids.plan(PlanRef("uk", 2024, 2025))
    assert plan_for_cycle("uk", 2023) == sixth
    assert plan_for_cycle("scotland", 2017).number == 1  # a period OGP gives (2017-2017)
    assert plan_for_cycle("uk", 1999) is None
    unregistered = plan_for_period("wales", 2030, 2032)
    assert ids.plan(unregistered).endswith("/plan/wales/2030-2032")
    assert plan_containing("northern-ireland", 2016) == PlanRef("northern-ireland", 2016, 2018)


def test_commitment_numbers_from_ogp_identifiers():
    fourth = PlanRef("uk", 2019, 2021)
    assert number_in_series("UK0090", fourth) == 1
    assert number_in_series("UK0097", fourth) == 8
    assert number_in_series("UK0098", fourth) is None  # the next plan's first
    assert number_in_series("UK0089", fourth) is None  # before the plan's first
    assert number_in_series("UK0098", PlanRef("uk", 2021, 2023)) == 1
    assert number_in_series("GBSC0004", PlanRef("scotland", 2021, 2025)) == 4
    assert number_in_series("GBGLG0003", PlanRef("glasgow", 2021, 2023)) == 3
    assert number_in_series("SCO0001", PlanRef("scotland", 2021, 2025)) is None  # another series
    assert number_in_series("UK0001", PlanRef("uk", 2011, 2013)) is None  # series not known
    assert number_in_series("not an id", fourth) is None
    assert identifier_for(PlanRef("uk", number=6), 4) == "UK0110"
    assert identifier_for(PlanRef("glasgow", 2021, 2023), 2) == "GBGLG0002"


def test_members_and_titles():
    assert member_jurisdiction("Scotland, United Kingdom") == "scotland"
    site = "https://www.opengovpartnership.org"
    assert member_jurisdiction(f"{site}/members/glasgow-united-kingdom/") == "glasgow"
    assert member_jurisdiction(f"{site}/country/united-kingdom/") == "uk"
    assert member_jurisdiction("France") is None
    assert same_title("Grants Data", "grants data")
    assert not same_title("Grants Data", None)
