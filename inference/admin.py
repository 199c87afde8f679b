"""Admin pages for generated pictures."""

from django.contrib import admin

from .models import Generation


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = (
        "drawing",
        "revision",
        "category",
        "model_version",
        "model_ms",
        "total_ms",
        "created",
    )
    list_filter = ("category", "model_version")
    search_fields = ("drawing__id", "model_version")
