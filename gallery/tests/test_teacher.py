"""The teacher's side: sign-up and sign-in, classes, the roster and PIN cards, class settings."""
import pytest
import segno
from django.urls import reverse

from gallery.models import Classroom, KidProfile, Teacher
from gallery.pins import pin_matches

pytestmark = pytest.mark.django_db


def class_url(name, classroom, *more):
    return reverse(f"gallery:{name}", args=[classroom.pk, *more])


def test_teacher_signs_up_and_lands_on_an_empty_class_list(client):
    response = client.post(reverse("gallery:teacher-signup"), {
        "username": "ms-rivera", "display_name": "Ms. Rivera",
        "password1": "pencil-sharpener-42", "password2": "pencil-sharpener-42",
    })
    assert response.status_code == 302 and response.url == reverse("gallery:teacher-home")
    teacher = Teacher.objects.get(user__username="ms-rivera")
    assert teacher.display_name == "Ms. Rivera"
    assert client.get(reverse("gallery:teacher-home")).status_code == 200


def test_sign_up_form_rejects_mismatched_passwords_clearly(client):
    response = client.post(reverse("gallery:teacher-signup"), {
        "username": "ms-rivera", "password1": "pencil-sharpener-42", "password2": "nope-42-x",
    })
    assert response.status_code == 400
    assert "password fields didn’t match" in response.content.decode()
    assert not Teacher.objects.exists()


def test_teacher_signs_in_with_the_teacher_login_page(cast, client):
    page = client.get(reverse("gallery:teacher-login"))
    assert page.status_code == 200 and b"Teachers" in page.content
    response = client.post(reverse("gallery:teacher-login"),
                           {"username": "rivera", "password": "a-long-password-1"})
    assert response.status_code == 302 and response.url == reverse("gallery:teacher-home")
    wrong = client.post(reverse("gallery:teacher-login"),
                        {"username": "rivera", "password": "guess"})
    assert "enter a correct username and password" in wrong.content.decode()


def test_anonymous_visitors_are_sent_to_the_teacher_login(db, client):
    response = client.get(reverse("gallery:teacher-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("gallery:teacher-login") + "?next=")


@pytest.mark.parametrize("who", ["kid", "guest_user"])
def test_kids_and_guests_cannot_open_teacher_pages(cast, who):
    client = cast.client(who)
    assert client.get(reverse("gallery:teacher-home")).status_code == 403
    assert client.get(class_url("teacher-class", cast.classroom)).status_code == 403
    assert client.post(class_url("teacher-add-kids", cast.classroom),
                       {"names": "Eve P."}).status_code == 403
    assert not KidProfile.objects.filter(first_name="Eve").exists()


def test_teacher_creates_a_classroom_and_sees_its_code(cast):
    client = cast.client("teacher")
    response = client.post(reverse("gallery:teacher-home"), {"name": "  Tulips  "})
    classroom = Classroom.objects.get(name="Tulips")
    assert classroom.teacher == cast.teacher
    assert response.url == class_url("teacher-class", classroom)
    page = client.get(response.url)
    assert classroom.spoken_code in page.content.decode()


def test_classroom_form_rejects_a_blank_name(cast):
    response = cast.client("teacher").post(reverse("gallery:teacher-home"), {"name": "   "})
    assert response.status_code == 400
    assert "Give the class a name." in response.content.decode()


def test_another_teacher_cannot_see_or_change_the_class(cast):
    client = cast.client("other_teacher")
    for name in ("teacher-class", "teacher-queue", "teacher-cards", "teacher-new-challenge"):
        assert client.get(class_url(name, cast.classroom)).status_code == 404
    response = client.post(class_url("teacher-settings", cast.classroom),
                           {"public_featuring_allowed": "on"})
    assert response.status_code == 404
    assert client.post(class_url("teacher-reset-pin", cast.classroom, cast.kid.pk)).status_code \
        == 404
    cast.classroom.refresh_from_db()
    assert not cast.classroom.public_featuring_allowed


def test_bulk_add_makes_kids_and_shows_their_pictures_once(cast):
    client = cast.client("teacher")
    response = client.post(class_url("teacher-add-kids", cast.classroom),
                           {"names": "Eve P.\n\n  sam t  \nJo-Anne W"})
    assert response.url == class_url("teacher-cards", cast.classroom)
    added = KidProfile.objects.filter(classroom=cast.classroom,
                                      first_name__in=["Eve", "Sam", "Jo-Anne"])
    assert sorted(kid.display_name for kid in added) == ["Eve P.", "Jo-Anne W.", "Sam T."]

    cards = client.get(response.url)
    text = cards.content.decode()
    for kid in added:
        pin = cards.context["cards"][[c["kid"] for c in cards.context["cards"]].index(kid)]
        pictures = [picture["id"] for picture in pin["pictures"]]
        assert f'data-pin="{",".join(pictures)}"' in text
        assert pin_matches(pictures, kid.pin_hash)
    assert "Print this page" in text
    again = client.get(response.url).context["cards"]
    assert again and all(card["pictures"] is None for card in again)  # pictures shown once


def test_bulk_add_adds_the_good_lines_and_tells_every_bad_one(cast):
    client = cast.client("teacher")
    response = client.post(class_url("teacher-add-kids", cast.classroom), {
        "names": "Eve P.\nMaya Kowalski\nLeo B.\nEve P\n12 X\nZoë\nMary-Kate O",
    })
    assert response.status_code == 302
    added = KidProfile.objects.filter(classroom=cast.classroom).exclude(
        pk__in=[cast.kid.pk, cast.classmate.pk])
    assert sorted(kid.display_name for kid in added) == ["Eve P.", "Mary-Kate O.", "Zoë"]
    text = client.get(response.url).content.decode()
    assert "Line 2: “Maya Kowalski”: write a first name and one letter" in text
    assert "Line 3: Leo B. is already in the class." in text
    assert "Line 4: Eve P is on line 1 too." in text  # repeated in the paste, not the class
    assert "Line 5: “12 X”" in text


def test_a_one_word_name_is_a_kid_of_its_own_with_an_empty_initial_everywhere(cast):
    """"Maya" beside "Maya K.": a second kid, shown as "Maya" on the class page and the sign-in
    roster; "Maya" once more is told as already in the class, in the form and in the action."""
    from gallery.actions import Conflict, do_add_kids

    client = cast.client("teacher")
    response = client.post(class_url("teacher-add-kids", cast.classroom), {"names": "maya"})
    assert response.status_code == 302
    maya = KidProfile.objects.get(classroom=cast.classroom, first_name="Maya", last_initial="")
    assert maya.display_name == "Maya"
    class_page = client.get(class_url("teacher-class", cast.classroom)).content.decode()
    assert "Maya K." in class_page and ">Maya<" in class_page.replace(" ", "")
    again = client.post(class_url("teacher-add-kids", cast.classroom), {"names": "Maya"})
    assert "Line 1: Maya is already in the class." in again.content.decode()
    with pytest.raises(Conflict, match="^Maya is already in this class.$"):
        do_add_kids(cast.classroom, cast.teacher.user, [("Maya", "")])


def test_bulk_add_of_only_bad_lines_adds_nobody_and_says_why(cast):
    response = cast.client("teacher").post(class_url("teacher-add-kids", cast.classroom),
                                           {"names": "Leo B.\n12 X"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Line 1: Leo B. is already in the class." in text and "Line 2: “12 X”" in text


def test_bulk_add_needs_at_least_one_name(cast):
    response = cast.client("teacher").post(class_url("teacher-add-kids", cast.classroom),
                                           {"names": "  \n "})
    assert response.status_code == 400
    assert "Write at least one name." in response.content.decode()


def test_teacher_resets_a_kids_pin_and_the_old_one_stops_working(cast):
    old_hash = cast.kid.pin_hash
    client = cast.client("teacher")
    response = client.post(class_url("teacher-reset-pin", cast.classroom, cast.kid.pk))
    cards = [card for card in client.get(response.url).context["cards"] if card["pictures"]]
    assert [card["kid"] for card in cards] == [cast.kid]
    cast.kid.refresh_from_db()
    assert cast.kid.pin_hash != old_hash
    assert pin_matches([p["id"] for p in cards[0]["pictures"]], cast.kid.pin_hash)


def test_teacher_changes_class_settings(cast):
    client = cast.client("teacher")
    response = client.post(class_url("teacher-settings", cast.classroom),
                           {"stars_enabled": "on", "public_featuring_allowed": "on"})
    assert response.status_code == 302
    cast.classroom.refresh_from_db()
    assert not cast.classroom.approval_required
    assert cast.classroom.stars_enabled and cast.classroom.public_featuring_allowed


def test_class_page_shows_the_roster_with_levels(cast):
    page = cast.client("teacher").get(class_url("teacher-class", cast.classroom))
    assert [kid.display_name for kid in page.context["kids"]] == ["Leo B.", "Maya K."]
    assert [kid.level for kid in page.context["kids"]] == [1, 1]
    roster = page.content.decode().split('data-testid="roster"')[1].split("</table>")[0]
    assert "Maya K." in roster and "Aisha R." not in roster


def test_sign_in_cards_for_every_kid_any_time_with_the_join_address_and_its_qr_code(cast):
    page = cast.client("teacher").get(class_url("teacher-cards", cast.classroom))
    cards = page.context["cards"]
    assert {card["kid"] for card in cards} == {cast.kid, cast.classmate}
    join_url = f"http://testserver/join/{cast.classroom.join_code}/"
    assert page.context["join_url"] == join_url
    text = page.content.decode()
    assert text.count('data-testid="card-address"') == 2 and join_url in text
    qr = segno.make(join_url, error="m")
    assert page.context["join_qr"] == qr.svg_inline(scale=3, border=2, omitsize=True)
    assert "<svg" in page.context["join_qr"]
    class_page = cast.client("teacher").get(class_url("teacher-class", cast.classroom))
    assert 'data-testid="print-cards-link"' in class_page.content.decode()
