"""Picture PINs are stored only as salted hashes and do not depend on tapping order."""
import pytest

from gallery.pins import (
    PIN_IDS,
    PinError,
    canonical_pin,
    hash_pin,
    pin_matches,
    random_pin,
)


def test_pin_is_stored_as_a_salted_django_hash_not_as_pictures():
    first, second = hash_pin(("cat", "sun", "star")), hash_pin(("cat", "sun", "star"))
    assert first.startswith("pbkdf2_sha256$")
    assert first != second  # salted
    assert "cat" not in first and "sun" not in first


def test_tapping_order_does_not_matter_but_every_picture_does():
    stored = hash_pin(("cat", "sun", "star"))
    assert pin_matches(("star", "cat", "sun"), stored)
    assert not pin_matches(("star", "cat", "dog"), stored)
    assert not pin_matches(("star", "cat"), stored)
    assert not pin_matches(("star", "cat", "sun"), "")


@pytest.mark.parametrize("pictures", [(), ("cat",), ("cat", "dog", "sun", "star"),
                                      ("cat", "cat", "dog"), ("cat", "dog", "unicorn")])
def test_a_pin_is_exactly_three_different_known_pictures(pictures):
    with pytest.raises(PinError):
        canonical_pin(pictures)


def test_random_pins_are_three_different_pictures_of_the_nine():
    seen = set()
    for _ in range(100):
        pin = random_pin()
        assert len(pin) == len(set(pin)) == 3 and set(pin) <= set(PIN_IDS)
        seen.add(frozenset(pin))
    assert len(seen) > 30
