"""The admin site, which corrects records but never deletes them.

Every model registered with the admin site, by this project or by a library (people, groups,
sign-in logs), gets :class:`KeepRecordsMixin`: no delete button, no "delete selected" action and
no deleting rows of an inline. A deleted record would leave the audit trail pointing at nothing,
and a deleted person would break every later backup; leavers are deactivated instead (see
``lmns.people``). The few models in :data:`DELETABLE_IN_ADMIN` are the exception, each with its
reason. Installed through ``lmns.apps.LmnsAdminConfig`` in place of ``django.contrib.admin``.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.urls import reverse
from django.utils.decorators import method_decorator

# Models the admin site may still delete, and why: nothing refers to their rows, so neither the
# audit trail nor a backup can lose anything, and the admin log keeps who removed what.
DELETABLE_IN_ADMIN = {
    "lmns.membership": "taking a role away is how a person's access ends",
    "axes.accessattempt": "a sign-in lockout counter: deleting it unlocks the person at once",
}


class KeepRecordsMixin:
    """Administrators may correct records, never delete them, nor rows of an inline."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.can_delete = False
        return inlines


class LmnsAdminSite(admin.AdminSite):
    site_header = "LMNS Assurance administration"
    site_title = "LMNS Assurance"

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """``/admin/login/`` is the product's one sign-in page (with its second factor)."""
        if request.user.is_authenticated:
            raise PermissionDenied("The administration site is for administrators only.")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, reverse("account_login"))

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            keeping = admin_class
            if model._meta.label_lower not in DELETABLE_IN_ADMIN and not issubclass(
                admin_class, KeepRecordsMixin
            ):
                keeping = type(
                    admin_class.__name__,
                    (KeepRecordsMixin, admin_class),
                    {"__module__": admin_class.__module__},
                )
            super().register(model, keeping, **options)
