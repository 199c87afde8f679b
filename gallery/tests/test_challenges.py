"""Challenges: teachers set them, kids enter one picture, teachers pick winners."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery.actions import (
    Conflict,
    GalleryError,
    NotAllowed,
    do_create_challenge,
    do_enter_challenge,
    do_pick_winner,
)
from gallery.models import Artwork, Challenge, ChallengeEntry

from .conftest import text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def class_challenge(cast, category="", starts=None, ends=None, classroom=None) -> Challenge:
    starts = starts or TODAY()
    return do_create_challenge(cast.teacher.user, classroom=classroom or cast.classroom,
                               prompt="Draw a rainbow panda", category=category, starts=starts,
                               ends=ends or starts + timedelta(days=3))


def enter(client, challenge, artwork):
    return client.post(reverse("gallery:challenge-enter", args=[challenge.pk]),
                       {"artwork": artwork.pk})


def test_teacher_sets_a_challenge_for_the_class(cast):
    client = cast.client("teacher")
    url = reverse("gallery:teacher-new-challenge", args=[cast.classroom.pk])
    response = client.post(url, {"prompt": "A flying car", "category": "car",
                                 "starts": TODAY().isoformat(),
                                 "ends": (TODAY() + timedelta(days=2)).isoformat()})
    challenge = Challenge.objects.get(prompt="A flying car")
    assert response.url == reverse("gallery:challenge", args=[challenge.pk])
    assert (challenge.classroom, challenge.category, challenge.created_by) == (
        cast.classroom, "car", cast.teacher.user)


@pytest.mark.parametrize("data, message", [
    ({"prompt": "", "starts": "2026-01-02", "ends": "2026-01-03"},
     "Write what the kids should draw."),
    ({"prompt": "x" * 121, "starts": "2026-01-02", "ends": "2026-01-03"}, "at most 120"),
    ({"prompt": "Go", "starts": "2026-01-05", "ends": "2026-01-03"},
     "The last day must not be before the first."),
    ({"prompt": "Go", "starts": "soon", "ends": "2026-01-03"}, "That is not a date."),
    ({"prompt": "Go", "category": "dragon", "starts": "2026-01-02", "ends": "2026-01-03"},
     "That is not one of the picture kinds."),
])
def test_challenge_form_rejects_bad_input_clearly(cast, data, message):
    url = reverse("gallery:teacher-new-challenge", args=[cast.classroom.pk])
    response = cast.client("teacher").post(url, data)
    assert response.status_code == 400
    assert message in text(response)
    assert not Challenge.objects.filter(daily_for__isnull=True).exists()


def test_only_the_class_teacher_or_an_admin_sets_challenges(cast, admin_user):
    with pytest.raises(NotAllowed):
        class_challenge(cast, classroom=cast.other_classroom)
    with pytest.raises(NotAllowed):
        do_create_challenge(cast.teacher.user, classroom=None, prompt="All", category="",
                            starts=TODAY(), ends=TODAY())
    everyone = do_create_challenge(admin_user, classroom=None, prompt="All", category="",
                                   starts=TODAY(), ends=TODAY())
    assert everyone.classroom is None


def test_a_kid_enters_one_picture_once(cast):
    challenge = class_challenge(cast)
    first, second = cast.art(cast.kid), cast.art(cast.kid)
    client = cast.client("kid")
    assert enter(client, challenge, first).url == reverse("gallery:challenge",
                                                          args=[challenge.pk])
    again = enter(client, challenge, second)
    assert again.status_code == 409
    assert "You already entered this challenge!" in text(again)
    assert list(ChallengeEntry.objects.values_list("artwork", flat=True)) == [first.pk]


def test_a_kid_cannot_enter_someone_elses_picture(cast):
    response = enter(cast.client("kid"), class_challenge(cast), cast.art(cast.classmate))
    assert response.status_code == 400
    assert "Pick one of your own pictures." in text(response)
    assert not ChallengeEntry.objects.exists()


def test_entering_without_picking_a_picture_says_so(cast):
    challenge = class_challenge(cast)
    response = cast.client("kid").post(reverse("gallery:challenge-enter", args=[challenge.pk]))
    assert response.status_code == 400
    assert "Pick one of your pictures." in text(response)


def test_entries_must_match_the_category_and_be_shown(cast):
    challenge = class_challenge(cast, category="car")
    assert enter(cast.client("kid"), challenge, cast.art(cast.kid, category="panda")
                 ).status_code == 400
    with pytest.raises(GalleryError, match="wants a car"):
        do_enter_challenge(cast.kid, challenge, cast.art(cast.kid, category="panda"))
    hidden = cast.art(cast.kid, category="car", status=Artwork.Status.HIDDEN)
    with pytest.raises(GalleryError, match="in your gallery"):
        do_enter_challenge(cast.kid, challenge, hidden)


def test_closed_challenges_take_no_entries(cast):
    past = class_challenge(cast, starts=TODAY() - timedelta(days=5),
                           ends=TODAY() - timedelta(days=1))
    with pytest.raises(GalleryError, match="not open today"):
        do_enter_challenge(cast.kid, past, cast.art(cast.kid))
    page = cast.client("kid").get(reverse("gallery:challenge", args=[past.pk]))
    assert page.context["enter_form"] is None


def test_another_classes_challenge_is_not_found_for_a_kid(cast):
    theirs = do_create_challenge(cast.other_teacher.user, classroom=cast.other_classroom,
                                 prompt="Bluebells only", category="", starts=TODAY(),
                                 ends=TODAY())
    client = cast.client("kid")
    assert client.get(reverse("gallery:challenge", args=[theirs.pk])).status_code == 404
    assert enter(client, theirs, cast.art(cast.kid)).status_code == 404
    with pytest.raises(NotAllowed):
        do_enter_challenge(cast.kid, theirs, cast.art(cast.kid))
    assert "Bluebells only" not in text(client.get(reverse("gallery:challenges")))


def test_challenge_page_shows_approved_entries_of_the_kids_own_class(cast, admin_user):
    everyone = do_create_challenge(admin_user, classroom=None, prompt="All draw", category="",
                                   starts=TODAY(), ends=TODAY())
    mine = do_enter_challenge(cast.kid, everyone, cast.art(cast.kid, status="pending"))
    classmates = do_enter_challenge(cast.classmate, everyone, cast.art(cast.classmate))
    waiting = do_enter_challenge(cast.classmate, class_challenge(cast),
                                 cast.art(cast.classmate, status="pending"))
    outsiders = do_enter_challenge(cast.outsider, everyone, cast.art(cast.outsider))

    def entries(who, challenge):
        page = cast.client(who).get(reverse("gallery:challenge", args=[challenge.pk]))
        return set(page.context["entries"])

    assert entries("kid", everyone) == {mine, classmates}
    assert entries("classmate", everyone) == {classmates}
    assert entries("outsider", everyone) == {outsiders}
    assert entries("teacher", everyone) == {classmates}
    teachers_page = cast.client("teacher").get(reverse("gallery:challenge", args=[everyone.pk]))
    assert teachers_page.context["waiting"] == [mine]  # apart from the gallery's entries
    assert waiting not in entries("kid", waiting.challenge)


def test_the_teacher_picks_a_winner(cast):
    challenge = class_challenge(cast)
    entry = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    url = reverse("gallery:challenge-winner", args=[challenge.pk, entry.pk])
    page = cast.client("teacher").get(reverse("gallery:challenge", args=[challenge.pk]))
    assert f'data-testid="pick-winner-{entry.pk}"' in page.content.decode()
    response = cast.client("teacher").post(url)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_winner


@pytest.mark.parametrize("who", ["kid", "classmate", "other_teacher", "anonymous"])
def test_only_the_class_teacher_picks_winners(cast, who):
    challenge = class_challenge(cast)
    entry = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    url = reverse("gallery:challenge-winner", args=[challenge.pk, entry.pk])
    assert cast.client(who).post(url).status_code == 403
    entry.refresh_from_db()
    assert not entry.is_winner


def test_a_winner_must_be_approved_first(cast):
    entry = do_enter_challenge(cast.kid, class_challenge(cast),
                               cast.art(cast.kid, status="pending"))
    with pytest.raises(GalleryError, match="Approve the picture"):
        do_pick_winner(entry, cast.teacher.user)


def everyone_challenge(admin_user) -> Challenge:
    return do_create_challenge(admin_user, classroom=None, prompt="All", category="",
                               starts=TODAY(), ends=TODAY())


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "kid", "outsider"])
def test_no_teacher_or_kid_crowns_the_winner_of_a_challenge_for_everyone(cast, admin_user, who):
    everyone = everyone_challenge(admin_user)
    theirs = do_enter_challenge(cast.outsider, everyone, cast.art(cast.outsider))
    url = reverse("gallery:challenge-winner", args=[everyone.pk, theirs.pk])
    response = cast.client(who).post(url)
    assert response.status_code == 403
    assert not ChallengeEntry.objects.filter(is_winner=True).exists()
    if who == "other_teacher":  # the entry's own teacher, told why
        assert "Only the site's staff pick the winner" in text(response)


def test_staff_who_may_change_entries_crown_a_challenge_for_everyone(cast, admin_user,
                                                                     django_user_model):
    from django.contrib.auth.models import Permission

    everyone = everyone_challenge(admin_user)
    entry = do_enter_challenge(cast.outsider, everyone, cast.art(cast.outsider))
    staff = django_user_model.objects.create_user("judge", password="pw", is_staff=True)
    with pytest.raises(NotAllowed):
        do_pick_winner(entry, staff)
    staff.user_permissions.add(Permission.objects.get(codename="change_challengeentry"))
    staff = django_user_model.objects.get(pk=staff.pk)  # permissions are cached per object
    assert do_pick_winner(entry, staff).is_winner


@pytest.mark.parametrize("challenge_of", ["class", "everyone"])
def test_a_challenge_has_one_winner(cast, admin_user, challenge_of):
    if challenge_of == "class":
        challenge, crowner = class_challenge(cast), cast.teacher.user
    else:
        challenge, crowner = everyone_challenge(admin_user), admin_user
    first = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    second = do_enter_challenge(cast.classmate, challenge, cast.art(cast.classmate))
    do_pick_winner(first, crowner)
    assert do_pick_winner(first, crowner).is_winner  # crowning the winner again changes nothing
    with pytest.raises(Conflict, match="already has a winner"):
        do_pick_winner(second, crowner)
    assert list(challenge.entries.filter(is_winner=True)) == [first]
    assert cast.kid.awarded_badges.filter(badge__slug="challenge-winner").count() == 1


def test_the_database_refuses_a_second_winner(cast):
    from django.db import IntegrityError, transaction

    challenge = class_challenge(cast)
    first = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    second = do_enter_challenge(cast.classmate, challenge, cast.art(cast.classmate))
    ChallengeEntry.objects.filter(pk=first.pk).update(is_winner=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeEntry.objects.filter(pk=second.pk).update(is_winner=True)


def test_once_crowned_no_winner_buttons_are_offered(cast):
    challenge = class_challenge(cast)
    first = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    second = do_enter_challenge(cast.classmate, challenge, cast.art(cast.classmate))
    page = cast.client("teacher").get(reverse("gallery:challenge", args=[challenge.pk]))
    assert f'data-testid="pick-winner-{second.pk}"' in page.content.decode()
    do_pick_winner(first, cast.teacher.user)
    page = cast.client("teacher").get(reverse("gallery:challenge", args=[challenge.pk]))
    assert "pick-winner-" not in page.content.decode()


def test_entering_twice_at_once_is_a_conflict(cast):
    challenge = class_challenge(cast)
    do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))
    with pytest.raises(Conflict):
        do_enter_challenge(cast.kid, challenge, cast.art(cast.kid))


def test_the_teacher_approves_a_waiting_entry_on_the_challenge_page(cast):
    challenge = class_challenge(cast)
    pending = do_enter_challenge(cast.kid, challenge, cast.art(cast.kid, status="pending"))
    page_url = reverse("gallery:challenge", args=[challenge.pk])
    html = text(cast.client("teacher").get(page_url))
    waiting_part = html.split('data-testid="waiting-entries"')[1]
    assert f'data-testid="approve-{pending.artwork.pk}"' in waiting_part
    assert f'data-testid="why-not-winner-{pending.pk}"' in waiting_part
    assert 'data-testid="approve-' not in text(cast.client("kid").get(page_url))

    response = cast.client("teacher").post(
        reverse("gallery:teacher-review", args=[pending.artwork.pk]),
        {"action": "approve", "next": page_url})
    assert response.url == page_url  # back on the challenge page, where it may now win
    page = cast.client("teacher").get(page_url)
    assert page.context["waiting"] == [] and page.context["entries"] == [pending]
    assert reverse("gallery:challenge-winner", args=[challenge.pk, pending.pk]) in text(page)
