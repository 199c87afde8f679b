"""The home page: the drawing room's front door with the public featured wall."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import kid_of, teacher_of
from ..models import Artwork

FEATURED_ON_HOME = 12


@require_GET
def home(request):
    featured = (Artwork.objects.on_featured_wall().select_related("kid")
                .order_by("-reviewed_at", "-pk")[:FEATURED_ON_HOME])
    return render(request, "home.html", {
        "featured": featured,
        "kid": kid_of(request.user),
        "teacher": teacher_of(request.user),
    })
