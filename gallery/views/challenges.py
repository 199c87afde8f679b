"""Challenges: today's daily one, class and everyone challenges, entering, and picking winners."""
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import ASK_FOR_A_CODE, kid_of, kid_required, refuse, teacher_of
from ..actions import GalleryError, can_pick_winner, do_enter_challenge, do_pick_winner
from ..daily import get_daily_challenge
from ..forms import EnterChallengeForm
from ..models import Artwork, Challenge, ChallengeEntry

PAST_CHALLENGES_SHOWN = 10


def _visible_challenges(user):
    """Challenges a kid or teacher can see: everyone's, and their own classes'."""
    if user.is_superuser:
        return Challenge.objects.all()
    kid, teacher = kid_of(user), teacher_of(user)
    if kid is not None:
        return Challenge.objects.for_classroom(kid.classroom)
    if teacher is not None:
        return Challenge.objects.filter(Q(classroom__isnull=True) | Q(classroom__teacher=teacher))
    return None


def _visible_entries(user, challenge):
    """A kid sees approved entries from their own class (and their own); a teacher sees every
    entry from their classes; a site admin sees all."""
    entries = challenge.entries.select_related("artwork", "kid", "artwork__classroom")
    if user.is_superuser:
        return entries
    kid, teacher = kid_of(user), teacher_of(user)
    if kid is not None:
        return entries.filter(Q(kid=kid) | Q(artwork__classroom_id=kid.classroom_id,
                                              artwork__status=Artwork.Status.APPROVED))
    return entries.filter(artwork__classroom__teacher=teacher)


@require_GET
def challenge_list(request):
    challenges = _visible_challenges(request.user)
    if challenges is None:
        return refuse(request, ASK_FOR_A_CODE, code="not_in_a_class")
    today = timezone.localdate()
    daily = get_daily_challenge(today)
    return render(request, "gallery/challenges.html", {
        "daily": daily,
        "open": challenges.open_on(today).exclude(pk=daily.pk).filter(daily_for__isnull=True),
        "past": challenges.filter(ends__lt=today, daily_for__isnull=True)[:PAST_CHALLENGES_SHOWN],
        "kid": kid_of(request.user),
    })


@require_GET
def challenge(request, pk):
    challenges = _visible_challenges(request.user)
    if challenges is None:
        return refuse(request, ASK_FOR_A_CODE, code="not_in_a_class")
    chosen = get_object_or_404(challenges, pk=pk)
    kid = kid_of(request.user)
    crowned = chosen.entries.filter(is_winner=True).exists()
    entries, waiting = [], []
    for entry in _visible_entries(request.user, chosen):
        entry.can_pick = not crowned and can_pick_winner(request.user, entry)
        entry.can_review = entry.artwork.classroom.is_taught_by(request.user)
        # Teachers and staff see the entries not in a gallery yet apart from the others.
        unseen = entry.artwork.status != Artwork.Status.APPROVED
        (waiting if kid is None and unseen else entries).append(entry)
    my_entry = kid and chosen.entries.filter(kid=kid).first()
    enter_form = None
    if kid is not None and my_entry is None and chosen.is_open():
        enter_form = EnterChallengeForm(kid=kid, challenge=chosen)
    return render(request, "gallery/challenge.html", {
        "challenge": chosen, "entries": entries, "waiting": waiting, "kid": kid,
        "my_entry": my_entry, "enter_form": enter_form,
    })


@require_POST
@kid_required
def enter(request, pk):
    chosen = get_object_or_404(Challenge.objects.for_classroom(request.kid.classroom), pk=pk)
    form = EnterChallengeForm(request.POST, kid=request.kid, challenge=chosen)
    if not form.is_valid():
        return refuse(request, form.errors["artwork"][0], status=400, code="bad_entry",
                      action_url=chosen_url(chosen), action_label=_("Back"))
    try:
        do_enter_challenge(request.kid, chosen, form.cleaned_data["artwork"])
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code,
                      action_url=chosen_url(chosen), action_label=_("Back"))
    messages.success(request, _("You're in the challenge!"))
    return redirect("gallery:challenge", pk=chosen.pk)


def chosen_url(challenge) -> str:
    return reverse("gallery:challenge", args=[challenge.pk])


@require_POST
def pick_winner(request, pk, entry_id):
    entry = ChallengeEntry.objects.select_related("artwork", "challenge__classroom").filter(
        pk=entry_id, challenge_id=pk
    ).first()
    if entry is None:
        raise Http404(_("No such entry."))
    try:
        do_pick_winner(entry, request.user)
    except GalleryError as error:
        return refuse(request, error.message, status=error.status, code=error.code,
                      action_url=chosen_url(entry.challenge), action_label=_("Back"))
    messages.success(request, _("🥇 %(name)s wins!") % {"name": entry.kid.display_name})
    return redirect("gallery:challenge", pk=pk)
