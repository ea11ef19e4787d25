"""The city's geocoder: addresses typed the way people write them, corners, map points."""

import pytest

from safercity.core.addresses import corner_streets, parse_street_line, street_key
from safercity.core.geocode import lookup, nearest
from safercity.core.models import Address


@pytest.mark.parametrize(
    ("typed", "number", "street", "unit"),
    [
        ("1140 N 12th St", 1140, "N 12TH ST", ""),
        ("1140 north twelfth street", 1140, "N 12TH ST", ""),
        ("1140 N. 12 St., St. Louis, MO 63101", 1140, "N 12TH ST", ""),
        ("1140 N 12TH ST, Apt 3", 1140, "N 12TH ST", "3"),
        ("1140A N 12th St #2", 1140, "N 12TH ST", "2"),
        ("4500 Saint Louis Avenue", 4500, "ST LOUIS AVE", ""),
        ("  4500   old  maple ave 63110 ", 4500, "OLD MAPLE AVE", ""),
    ],
)
def test_a_typed_address_reads_as_publication_28(typed, number, street, unit):
    line = parse_street_line(typed)
    assert line is not None
    assert (line.number, line.street, line.unit) == (number, street, unit)


@pytest.mark.parametrize("typed", ["", "1140", "near the park", "N 12th St", "#5"])
def test_text_without_a_house_number_and_street_is_not_an_address(typed):
    assert parse_street_line(typed) is None


def test_a_corner_reads_as_two_streets():
    assert corner_streets("12th and Market") == ("12TH", "MARKET")
    assert corner_streets("N 12th St & Market Street") == ("N 12TH ST", "MARKET ST")
    assert corner_streets("1140 N 12th St") is None
    assert street_key("North Twelfth Street") == street_key("n 12th st.") == "N 12TH ST"


def _at(number, street, lat, lon):
    return Address.objects.create(house_number=number, street=street, lat=lat, lon=lon)


@pytest.fixture
def addresses(db):
    return {
        "n1140": _at(1140, "N 12th St", 38.6300, -90.2000),
        "n1144": _at(1144, "N 12th St", 38.6302, -90.2000),
        "s1140": _at(1140, "S 12th St", 38.6100, -90.2000),
        "market": _at(1201, "Market St", 38.6301, -90.2004),
        "far": _at(9000, "Market St", 38.7000, -90.3000),
    }


def test_an_address_typed_another_way_is_found(addresses):
    for typed in ("1140 North Twelfth Street, St. Louis, MO 63101", "1140 n 12 st", "1140 N 12TH"):
        found = lookup(typed)
        assert found.place is not None, typed
        assert found.place.address == addresses["n1140"]


def test_without_an_exact_match_the_candidates_are_offered_not_guessed(addresses):
    missing_direction = lookup("1140 12th Street")
    assert missing_direction.place is None
    assert {p.address for p in missing_direction.suggestions} == {
        addresses["n1140"],
        addresses["s1140"],
    }
    mistyped = lookup("1144 N 12th Stret")
    assert [p.address for p in mistyped.suggestions] == [addresses["n1144"]]
    no_such_number = lookup("1142 N 12th St")
    assert [p.address for p in no_such_number.suggestions] == [addresses["n1140"]]
    # A house number far from any on the street is not offered as if it were close.
    assert lookup("5000 N 12th St").suggestions == []
    nowhere = lookup("77 Nowhere Blvd")
    assert nowhere.place is None and nowhere.suggestions == [] and nowhere.understood
    assert not lookup("by the big tree").understood


def test_a_corner_is_placed_where_the_streets_meet(addresses):
    corner = lookup("12th and Market")
    assert corner.place is not None and corner.place.address is None
    assert corner.place.label == "12th & Market"
    assert corner.place.lat == pytest.approx(38.63005, abs=1e-4)
    assert lookup("12th and Nowhere").place is None


def test_a_map_point_gets_the_nearest_address_within_reach(addresses):
    assert nearest(38.63003, -90.20005) == addresses["n1140"]
    assert nearest(38.66, -90.25) is None  # over 150 m from every address


def test_a_new_address_is_matched_at_once(addresses):
    assert lookup("20 Olive St").place is None
    Address.objects.create(house_number=20, street="Olive Street", lat=38.631, lon=-90.19)
    assert lookup("20 olive st").place is not None
