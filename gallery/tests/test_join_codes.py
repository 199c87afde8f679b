"""Class codes: short, easy to read aloud, unique, and forgiving about how a kid types them."""
import pytest

from gallery.actions import GalleryError, do_create_classroom
from gallery.forms import JoinCodeForm, normalise_join_code
from gallery.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, new_join_code

pytestmark = pytest.mark.django_db


def test_code_alphabet_has_no_look_alike_characters():
    for confusable in "0O1lIL":
        assert confusable not in JOIN_CODE_ALPHABET
    assert JOIN_CODE_ALPHABET == JOIN_CODE_ALPHABET.upper()
    assert len(set(JOIN_CODE_ALPHABET)) == len(JOIN_CODE_ALPHABET) >= 30


def test_new_codes_use_only_the_alphabet_and_vary():
    codes = {new_join_code() for _ in range(200)}
    assert all(len(code) == JOIN_CODE_LENGTH for code in codes)
    assert all(set(code) <= set(JOIN_CODE_ALPHABET) for code in codes)
    assert len(codes) > 190


def test_every_classroom_gets_its_own_code(cast):
    codes = {do_create_classroom(cast.teacher, f"Class {n}").join_code for n in range(20)}
    assert len(codes) == 20
    assert cast.classroom.join_code not in codes


def test_a_clashing_code_is_drawn_again(cast, monkeypatch):
    clash = iter([cast.classroom.join_code, cast.classroom.join_code, "ABCDEF"])
    monkeypatch.setattr("gallery.actions.classrooms.new_join_code", lambda: next(clash))
    assert do_create_classroom(cast.teacher, "Tulips").join_code == "ABCDEF"


def test_a_classroom_needs_a_name(cast):
    with pytest.raises(GalleryError, match="name"):
        do_create_classroom(cast.teacher, "   ")


def test_spoken_code_reads_in_two_halves(cast):
    code = cast.classroom.join_code
    assert cast.classroom.spoken_code == f"{code[:3]} {code[3:]}"


def test_typed_codes_are_forgiving_about_case_spaces_and_dashes(cast):
    code = cast.classroom.join_code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert normalise_join_code(typed) == code
    form = JoinCodeForm({"code": typed})
    assert form.is_valid(), form.errors
    assert form.classroom == cast.classroom


@pytest.mark.parametrize("typed, message", [
    ("", "Type your class code."),
    ("ABC", "6 letters and numbers"),
    ("ABCDE0", "6 letters and numbers"),
    ("ABCDEFG", "6 letters and numbers"),
])
def test_malformed_codes_get_a_clear_message(db, typed, message):
    form = JoinCodeForm({"code": typed})
    assert not form.is_valid()
    assert message in form.errors["code"][0]


def test_an_unknown_code_says_to_check_with_the_teacher(cast):
    unused = next(c for c in ("ZZZZZZ", "YYYYYY") if c != cast.classroom.join_code)
    form = JoinCodeForm({"code": unused})
    assert not form.is_valid()
    assert "Check the code with your teacher" in form.errors["code"][0]
