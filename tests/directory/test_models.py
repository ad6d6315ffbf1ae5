"""Validation of offers and their parts: every wrong value gets a clear message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from directory import rules
from directory.models import OfferDate, OfferLocation, OfferPage, OfferWeeklySlot
from tests.factories import build_offer, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English here; their translations are checked below."""
    with translation.override("en"):
        yield


def _errors(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_valid_location_passes():
    place = OfferLocation(postcode="82362", town="Weilheim i. OB", latitude=47.84, longitude=11.15)
    place.full_clean(exclude=["page"])


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("latitude", 91.0, "latitude lies between -90 and 90"),
        ("latitude", -90.5, "latitude lies between -90 and 90"),
        ("longitude", 180.01, "longitude lies between -180 and 180"),
        ("postcode", "8236", "five digits"),
        ("postcode", "82362a", "five digits"),
    ],
)
def test_location_rejects_out_of_range_values(field, value, message):
    place = OfferLocation(postcode="82362", town="Weilheim", latitude=47.8, longitude=11.1)
    setattr(place, field, value)
    errors = _errors(place)
    assert message in " ".join(errors[field])


def test_location_needs_both_coordinates_or_none():
    place = OfferLocation(postcode="82362", town="Weilheim", latitude=47.8)
    with pytest.raises(ValidationError) as caught:
        place.clean()
    assert "both latitude and longitude" in str(caught.value)


def test_weekly_slot_must_end_after_it_starts():
    slot = OfferWeeklySlot(weekday=1, start_time=dt.time(17), end_time=dt.time(15))
    with pytest.raises(ValidationError) as caught:
        slot.clean()
    # One rule, one message: the same as the public form's (directory/rules.py).
    assert caught.value.message_dict == {"end_time": [str(rules.END_AFTER_START)]}
    OfferWeeklySlot(weekday=1, start_time=dt.time(15), end_time=dt.time(17)).clean()


def test_single_date_end_needs_start():
    with pytest.raises(ValidationError):
        OfferDate(date=dt.date(2026, 12, 1), end_time=dt.time(12)).clean()
    OfferDate(date=dt.date(2026, 12, 1)).clean()  # all-day dates are fine


def test_offer_validity_and_cost_rules(site_tree):
    offer = build_offer(
        site_tree,
        valid_from=dt.date(2026, 6, 1),
        valid_until=dt.date(2026, 5, 1),
        is_free=False,
        cost_note="",
    )
    with pytest.raises(ValidationError) as caught:
        offer.clean()
    errors = caught.value.message_dict
    assert "must not be before its start" in errors["valid_until"][0]
    assert "costs" in errors["cost_note"][0]


@pytest.mark.parametrize(
    "field, value",
    [
        ("contact_email", "not-an-address"),
        ("website", "example dot org"),
        ("contact_phone", "call me"),
    ],
)
def test_offer_rejects_malformed_contact(site_tree, field, value):
    offer = make_offer(site_tree)
    setattr(offer, field, value)
    assert field in _errors(offer)


def test_is_current_respects_validity(site_tree):
    offer = build_offer(
        site_tree, valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31)
    )
    assert offer.is_current(dt.date(2026, 6, 1))
    assert not offer.is_current(dt.date(2025, 12, 31))
    assert not offer.is_current(dt.date(2027, 1, 1))


def test_public_current_hides_drafts_and_expired_offers(site_tree):
    today = dt.date(2026, 11, 23)
    live = make_offer(site_tree, "Live")
    make_offer(site_tree, "Draft", publish=False)
    make_offer(site_tree, "Expired", valid_until=today - dt.timedelta(days=1))
    make_offer(site_tree, "Future", valid_from=today + dt.timedelta(days=1))
    public = list(OfferPage.objects.public_current(on=today))
    assert public == [live]


def test_upcoming_merges_weekly_and_single_dates(site_tree):
    monday = dt.date(2026, 11, 23)
    assert monday.weekday() == 0
    offer = make_offer(
        site_tree,
        slots=((1, "15:00", "17:00"),),  # Tuesdays
        dates=(monday + dt.timedelta(days=3),),  # a Thursday
    )
    upcoming = offer.upcoming(limit=3, on=monday)
    assert [o.date for o in upcoming] == [
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 1),
    ]
    assert upcoming[0].start == dt.time(15)


def test_upcoming_stops_at_end_of_validity(site_tree):
    monday = dt.date(2026, 11, 23)
    offer = make_offer(site_tree, slots=((1, "15:00", "17:00"),), valid_until=dt.date(2026, 12, 2))
    assert [o.date for o in offer.upcoming(limit=5, on=monday)] == [
        dt.date(2026, 11, 24),
        dt.date(2026, 12, 1),
    ]


@pytest.mark.parametrize(
    "language, expected",
    [("de", "Breitengrad"), ("ar", "خط العرض"), ("uk", "Широта")],
)
def test_validation_messages_are_translated(language, expected):
    place = OfferLocation(postcode="82362", town="Weilheim", latitude=95.0, longitude=11.1)
    with translation.override(language):
        message = " ".join(_errors(place)["latitude"])
    assert "latitude" not in message
    assert expected.lower() in message.lower()


def test_form_and_model_give_one_message_for_each_offer_rule(site_tree):
    from directory.forms.offer_steps import WhenForm, WhoForm
    from tests.factories import build_offer

    when = WhenForm(
        data={"slot1_day": "1", "slot1_start": "17:00", "slot1_end": "15:00",
              "valid_from": "2026-05-02", "valid_until": "2026-05-01"}
    )  # fmt: skip
    assert not when.is_valid()
    assert when.errors["slot1_end"] == [str(rules.END_AFTER_START)]
    assert when.errors["valid_until"] == [str(rules.VALIDITY_ORDER)]
    who = WhoForm(data={"spoken_languages": ["de"], "is_free": "0", "cost_note": ""})
    assert not who.is_valid() and who.errors["cost_note"] == [str(rules.COST_NEEDED)]

    offer = build_offer(site_tree, is_free=False, cost_note="")
    offer.valid_from, offer.valid_until = dt.date(2026, 5, 2), dt.date(2026, 5, 1)
    with pytest.raises(ValidationError) as caught:
        offer.clean()
    assert caught.value.message_dict["valid_until"] == [str(rules.VALIDITY_ORDER)]
    assert caught.value.message_dict["cost_note"] == [str(rules.COST_NEEDED)]
