from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _
from django.views import i18n

from aftercare.org.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


def set_language(request):
    """Django's language switcher, which also stores the choice of a signed-in person so that
    their calendar feed and e-mails come in the same language (org.actions.set_language)."""
    from aftercare.org import actions

    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        actions.set_language(request.user, language=language)
    return response
