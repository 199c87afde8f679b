"""Kid names are a first name and one initial, or one word alone; full names and odd text are
refused clearly."""
import pytest

from gallery.names import KidNameError, parse_kid_name


@pytest.mark.parametrize("typed, parsed", [
    ("Maya K.", ("Maya", "K")),
    ("maya k", ("Maya", "K")),
    ("  Mary-Jo   s ", ("Mary-Jo", "S")),
    ("Zoë Ø.", ("Zoë", "Ø")),
    ("O'Neil P", ("O'Neil", "P")),
    ("Anne Marie T.", ("Anne Marie", "T")),
    ("maya", ("Maya", "")),
    ("Jo-Anne", ("Jo-Anne", "")),
])
def test_first_name_and_initial_or_one_word_are_accepted(typed, parsed):
    assert parse_kid_name(typed) == parsed


@pytest.mark.parametrize("typed", [
    "Maya Kowalski", "Anne Marie", "Maya K. Smith", "M4ya K.", "Maya 7", "<b>Maya</b> K", "", "K.",
    "Maya K..",
])
def test_anything_else_is_refused_with_an_example(typed):
    with pytest.raises(KidNameError, match="like “Maya K.”"):
        parse_kid_name(typed)


def test_a_very_long_first_name_is_refused():
    with pytest.raises(KidNameError, match="at most 20 letters"):
        parse_kid_name("Bartholomewmaximilian K")
