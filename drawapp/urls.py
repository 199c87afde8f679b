"""URL routes: the drawing room, the gallery game, the admin, and media in the embedded default."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from gallery.passwords import ThrottledAdminAuthenticationForm, answers_429_when_throttled
from gallery.views.home import home

from . import views

drawing_patterns = (
    [
        path("", views.new_drawing, name="new"),
        path("mine/", views.my_drawings, name="mine"),
        path("<uuid:drawing_id>/", views.draw, name="draw"),
    ],
    "drawapp",
)

admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language button
    path("", include("gallery.urls")),
    path("draw/", include(drawing_patterns)),
    path("admin/login/", answers_429_when_throttled(admin.site.login)),  # before admin.site.urls
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
