"""Saving changes: strokes, undo, redo, clear and category each bump the revision once."""
import pytest

from drawapp.actions import apply_message
from drawapp.models import Drawing
from drawapp.protocol import (
    MAX_STROKES_PER_DRAWING,
    ChooseCategory,
    Command,
    ProtocolError,
    Stroke,
)

pytestmark = pytest.mark.django_db

LINE = Stroke(points=[[0.1, 0.1], [0.9, 0.9]], size=3.0, tool="pen")
DOT = Stroke(points=[[0.5, 0.5]], size=8.0, tool="pen")


@pytest.fixture
def drawing():
    return Drawing.objects.create(owner_session="s")


def saved(drawing) -> Drawing:
    return Drawing.objects.get(pk=drawing.pk)


def test_stroke_is_saved_and_revision_goes_up(drawing):
    change = apply_message(drawing.pk, LINE)
    assert change.revision == 1
    assert not change.is_empty
    assert saved(drawing).strokes == [LINE.as_json()]


def test_undo_moves_last_stroke_to_redo_and_redo_brings_it_back(drawing):
    apply_message(drawing.pk, LINE)
    apply_message(drawing.pk, DOT)
    apply_message(drawing.pk, Command("undo"))
    assert saved(drawing).visible_strokes() == [LINE.as_json()]
    change = apply_message(drawing.pk, Command("redo"))
    assert change.revision == 4
    assert saved(drawing).visible_strokes() == [LINE.as_json(), DOT.as_json()]


def test_new_stroke_empties_redo(drawing):
    apply_message(drawing.pk, LINE)
    apply_message(drawing.pk, Command("undo"))
    apply_message(drawing.pk, DOT)
    assert saved(drawing).redo == []
    with pytest.raises(ProtocolError) as caught:
        apply_message(drawing.pk, Command("redo"))
    assert caught.value.code == "nothing_to_redo"


def test_clear_empties_canvas_and_undo_restores_it(drawing):
    apply_message(drawing.pk, LINE)
    change = apply_message(drawing.pk, Command("clear"))
    assert change.is_empty
    assert saved(drawing).visible_strokes() == []
    apply_message(drawing.pk, Command("undo"))
    assert saved(drawing).visible_strokes() == [LINE.as_json()]


def test_refused_change_saves_nothing(drawing):
    for command, code in [("undo", "nothing_to_undo"), ("clear", "already_clear")]:
        with pytest.raises(ProtocolError) as caught:
            apply_message(drawing.pk, Command(command))
        assert caught.value.code == code
    assert saved(drawing).revision == 0


def test_category_change_keeps_strokes(drawing):
    apply_message(drawing.pk, LINE)
    change = apply_message(drawing.pk, ChooseCategory("space"))
    assert (change.category, change.revision) == ("space", 2)
    assert saved(drawing).visible_strokes() == [LINE.as_json()]


def test_drawing_refuses_strokes_past_its_limit(drawing):
    Drawing.objects.filter(pk=drawing.pk).update(strokes=[LINE.as_json()] * MAX_STROKES_PER_DRAWING)
    with pytest.raises(ProtocolError) as caught:
        apply_message(drawing.pk, DOT)
    assert caught.value.code == "too_many_strokes"
    assert len(saved(drawing).strokes) == MAX_STROKES_PER_DRAWING
