"""Admin pages for drawings and the pictures made of them."""
from django.contrib import admin

from .models import Drawing, Generation


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "revision", "owner_user", "updated")
    list_filter = ("category",)
    search_fields = ("id", "owner_user__username")
    readonly_fields = ("id", "created", "updated")


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    list_display = ("drawing", "revision", "category", "model_version", "model_ms", "total_ms",
                    "created")
    list_filter = ("category", "model_version")
    search_fields = ("drawing__id", "model_version")
