"""Admin pages for drawings."""
from django.contrib import admin

from .models import Drawing


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "revision", "owner_user", "updated")
    list_filter = ("category",)
    search_fields = ("id", "owner_user__username")
    readonly_fields = ("id", "created", "updated")
