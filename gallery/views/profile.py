"""A kid's own page: level and XP, streak, and every badge (earned ones bright)."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import kid_required
from ..models import Badge


@require_GET
@kid_required
def profile(request):
    kid = request.kid
    earned = {award.badge_id: award for award in kid.awarded_badges.all()}
    badges = [{"badge": badge, "award": earned.get(badge.pk)} for badge in Badge.objects.all()]
    return render(request, "gallery/profile.html", {
        "kid": kid, "badges": badges, "earned_count": len(earned),
        "kept_count": kid.artworks.count(),
    })
