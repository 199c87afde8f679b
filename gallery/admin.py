"""Admin pages for every gallery model, with the columns, filters and search a site admin needs."""
from django.contrib import admin, messages

from .actions import GalleryError, do_pick_winner, do_review_artwork
from .forms import KidProfileAdminForm
from .models import (
    Artwork,
    AwardedBadge,
    Badge,
    Challenge,
    ChallengeEntry,
    Classroom,
    KidProfile,
    SignInAlert,
    Star,
    Teacher,
)


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "created")
    search_fields = ("display_name", "user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "teacher", "approval_required", "stars_enabled",
                    "public_featuring_allowed", "created")
    list_filter = ("approval_required", "stars_enabled", "public_featuring_allowed")
    search_fields = ("name", "join_code", "teacher__display_name", "teacher__user__username")


@admin.register(KidProfile)
class KidProfileAdmin(admin.ModelAdmin):
    form = KidProfileAdminForm
    list_display = ("display_name", "classroom", "level", "xp", "streak", "best_streak",
                    "last_drawn_date", "locked_until", "pin_lockouts")
    list_filter = ("classroom", "level")
    search_fields = ("first_name", "classroom__name", "classroom__join_code")
    readonly_fields = ("user", "pin_hash", "created")


@admin.register(Artwork)
class ArtworkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kid", "classroom", "category", "status", "featured",
                    "model_version", "created")
    list_filter = ("status", "featured", "category", "classroom")
    search_fields = ("title", "kid__first_name", "classroom__name", "model_version")
    raw_id_fields = ("drawing", "reviewed_by")
    # Status changes go through the actions below, so badges and XP follow them.
    readonly_fields = ("status", "featured", "reviewed_by", "reviewed_at", "created")
    actions = ["approve", "feature", "hide"]

    @admin.action(description="Approve the selected pictures")
    def approve(self, request, queryset):
        self._review(request, queryset, "approve")

    @admin.action(description="Feature the selected pictures")
    def feature(self, request, queryset):
        self._review(request, queryset, "feature")

    @admin.action(description="Hide the selected pictures")
    def hide(self, request, queryset):
        self._review(request, queryset, "hide")

    def _review(self, request, queryset, action):
        done = 0
        for artwork in queryset.select_related("classroom__teacher__user", "kid"):
            try:
                do_review_artwork(artwork, request.user, action)
            except GalleryError as error:
                self.message_user(request, f"{artwork}: {error.message}", level=messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{action}: {done} of {queryset.count()} pictures.")


@admin.register(Star)
class StarAdmin(admin.ModelAdmin):
    list_display = ("kid", "artwork", "created")
    list_filter = ("artwork__classroom",)
    search_fields = ("kid__first_name", "artwork__title")


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ("icon", "name", "slug", "rule", "threshold", "order")
    list_display_links = ("name",)
    list_editable = ("threshold", "order")
    list_filter = ("rule",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(AwardedBadge)
class AwardedBadgeAdmin(admin.ModelAdmin):
    list_display = ("badge", "kid", "awarded_at", "seen")
    list_filter = ("badge", "seen", "kid__classroom")
    search_fields = ("badge__name", "kid__first_name")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("prompt", "classroom", "category", "starts", "ends", "daily_for",
                    "created_by")
    list_filter = ("category", ("classroom", admin.EmptyFieldListFilter), "starts")
    search_fields = ("prompt", "classroom__name")
    raw_id_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ChallengeEntry)
class ChallengeEntryAdmin(admin.ModelAdmin):
    list_display = ("kid", "challenge", "artwork", "is_winner", "created")
    list_filter = ("is_winner", "challenge")
    search_fields = ("kid__first_name", "challenge__prompt")
    raw_id_fields = ("artwork",)
    readonly_fields = ("is_winner",)
    actions = ["pick_as_winners"]

    @admin.action(description="Pick the selected entries as winners")
    def pick_as_winners(self, request, queryset):
        for entry in queryset.select_related("artwork", "challenge__classroom"):
            try:
                do_pick_winner(entry, request.user)
            except GalleryError as error:
                self.message_user(request, f"{entry}: {error.message}", level=messages.WARNING)



@admin.register(SignInAlert)
class SignInAlertAdmin(admin.ModelAdmin):
    list_display = ("kind", "classroom", "kid", "times", "updated", "resolved_at")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter), "classroom")
    search_fields = ("classroom__name", "classroom__join_code", "kid__first_name")
    readonly_fields = ("clients", "created", "updated")
