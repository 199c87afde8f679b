"""What every retraining admin page shares: staff with training.can_retrain only, no plain edits."""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.urls import reverse

from training.actions import can_retrain


class RetrainPermissionMixin:
    """Only staff with training.can_retrain see or do anything here; nothing is edited as a
    plain form (state changes are buttons that call training.actions)."""

    def has_module_permission(self, request):
        return can_retrain(request.user)

    def has_view_permission(self, request, obj=None):
        return can_retrain(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retrain_permission(self, request):
        return can_retrain(request.user)

    def guarded(self, view, methods=("POST",)):
        """`view` behind the admin login, the permission (403) and the allowed methods."""
        def checked(request, *args, **kwargs):
            if not can_retrain(request.user):
                raise PermissionDenied
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, *args, **kwargs)

        return self.admin_site.admin_view(checked)

    def admin_url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def change_url(self, obj) -> str:
        return self.admin_url("change", obj.pk)
