from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftercare.org.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


def mail_configured() -> bool:
    """Whether e-mail reaches people: the embedded default only prints mail to the console."""
    return settings.EMAIL_BACKEND != "django.core.mail.backends.console.EmailBackend"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "org/password_change.html"

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "org/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the link in the language of the page the user asked from (their language).

    Without a mail server the page says so and sends nothing: an administrator sets a new
    password in the staff pages instead.
    """

    template_name = "org/password_reset.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["mail_configured"] = mail_configured()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not mail_configured():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].widget.attrs["class"] = "form-control"
        return form


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "org/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "org/password_reset_confirm.html"

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "org/password_reset_complete.html"


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page again, saying why it refuses: django-axes calls this on a lockout.

    The default would be a bare "Account locked" text; a person at the front desk needs the
    form, the reason in their language, and when to try again. 429 (Too Many Requests), as
    django-axes answers by default, tells scripts the same.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many failed logins for this username from this computer. Logging in is blocked "
        "for %(minutes)d minute; try again later, or ask your administrator to unlock it.",
        "Too many failed logins for this username from this computer. Logging in is blocked "
        "for %(minutes)d minutes; try again later, or ask your administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
    return render(request, "org/login.html", context, status=429)
