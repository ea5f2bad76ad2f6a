from django.contrib.auth import views as auth_views

from spro.accounts import throttling
from spro.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        throttling.clear(form.get_user().email)
        return super().form_valid(form)
