"""Many writers at once on the embedded SQLite: every change is saved, none meets a lock."""
import threading

import pytest
from django.db import connection, connections

from drawapp.actions import apply_message
from drawapp.models import Drawing
from drawapp.protocol import Command, Stroke

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 12
CHANGES_EACH = 15
LINE = Stroke(points=[[0.1, 0.1], [0.9, 0.9]], size=3.0, tool="pen")


def run_writers(work) -> list[BaseException]:
    """Run work(index) on WRITERS threads started together; the exceptions they raised."""
    start, failures = threading.Barrier(WRITERS), []

    def writer(index):
        try:
            start.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_concurrent_strokes_on_one_drawing_are_all_saved_in_distinct_revisions():
    drawing = Drawing.objects.create(owner_session="s")
    revisions = []

    def work(_):
        for _ in range(CHANGES_EACH):
            revisions.append(apply_message(drawing.pk, LINE).revision)

    assert run_writers(work) == []
    drawing.refresh_from_db()
    assert drawing.revision == len(drawing.strokes) == WRITERS * CHANGES_EACH
    assert sorted(revisions) == list(range(1, WRITERS * CHANGES_EACH + 1))


def test_concurrent_writers_on_their_own_drawings_never_meet_a_locked_database():
    drawings = [Drawing.objects.create(owner_session=f"s{i}") for i in range(WRITERS)]

    def work(index):
        for step in range(CHANGES_EACH):
            message = Command("undo") if step % 3 == 2 else LINE
            apply_message(drawings[index].pk, message)

    assert run_writers(work) == []
    for drawing in drawings:
        drawing.refresh_from_db()
        assert drawing.revision == CHANGES_EACH


def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
