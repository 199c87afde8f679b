"""URL routes of the gallery game: joining, galleries, art, challenges, and the teacher's side."""
from django.urls import path

from .passwords import answers_429_when_throttled
from .views import art, challenges, join, keep, profile, teacher

app_name = "gallery"

urlpatterns = [
    path("join/", join.join, name="join"),
    path("join/<str:code>/", join.roster, name="join-roster"),
    path("join/<str:code>/<int:kid_id>/", join.pin, name="join-pin"),
    path("signout/", join.sign_out, name="sign-out"),
    path("gallery/mine/", art.my_gallery, name="mine"),
    path("gallery/class/", art.my_class_gallery, name="my-class"),
    path("gallery/class/<int:classroom_id>/", art.class_gallery, name="class"),
    path("gallery/art/<int:pk>/", art.artwork, name="artwork"),
    path("gallery/art/<int:pk>/star/", art.star, name="star"),
    path("gallery/art/<int:pk>/title/", art.set_title, name="title"),
    path("gallery/art/<int:pk>/change/", keep.reopen, name="reopen"),
    path("gallery/keep/<uuid:drawing_id>/", keep.keep, name="keep"),
    path("gallery/me/", profile.profile, name="profile"),
    path("gallery/challenges/", challenges.challenge_list, name="challenges"),
    path("gallery/challenges/<int:pk>/", challenges.challenge, name="challenge"),
    path("gallery/challenges/<int:pk>/enter/", challenges.enter, name="challenge-enter"),
    path("gallery/challenges/<int:pk>/winner/<int:entry_id>/", challenges.pick_winner,
         name="challenge-winner"),
    path("teacher/", teacher.dashboard, name="teacher-home"),
    path("teacher/signup/", teacher.sign_up, name="teacher-signup"),
    path("teacher/login/", answers_429_when_throttled(teacher.TeacherLoginView.as_view()),
         name="teacher-login"),
    path("teacher/classes/<int:classroom_id>/", teacher.classroom, name="teacher-class"),
    path("teacher/classes/<int:classroom_id>/settings/", teacher.classroom_settings,
         name="teacher-settings"),
    path("teacher/classes/<int:classroom_id>/kids/", teacher.add_kids, name="teacher-add-kids"),
    path("teacher/classes/<int:classroom_id>/kids/<int:kid_id>/reset-pin/", teacher.reset_pin,
         name="teacher-reset-pin"),
    path("teacher/classes/<int:classroom_id>/kids/<int:kid_id>/unlock/", teacher.unlock_kid,
         name="teacher-unlock"),
    path("teacher/classes/<int:classroom_id>/alerts/<int:alert_id>/", teacher.resolve_alert,
         name="teacher-resolve-alert"),
    path("teacher/classes/<int:classroom_id>/cards/", teacher.cards, name="teacher-cards"),
    path("teacher/classes/<int:classroom_id>/queue/", teacher.queue, name="teacher-queue"),
    path("teacher/classes/<int:classroom_id>/queue/approve-all/", teacher.approve_all,
         name="teacher-approve-all"),
    path("teacher/classes/<int:classroom_id>/challenges/new/", teacher.new_challenge,
         name="teacher-new-challenge"),
    path("teacher/art/<int:pk>/review/", teacher.review, name="teacher-review"),
]
