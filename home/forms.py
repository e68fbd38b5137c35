"""Forms of the site shell that replace Wagtail's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form with a translated label on the password field.

    Wagtail 7.4 declares ``password`` without a label, so Django falls back to
    the field's name and every editor read "Password" on a Chinese page.
    (settings: WAGTAILADMIN_USER_LOGIN_FORM)
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
