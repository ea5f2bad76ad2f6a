from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from spro.accounts import views
from spro.accounts.forms import PasswordResetForm, SetPasswordForm
from spro.core.guards import public_form, submitted_once

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/double-authentification/", views.second_factor_view, name="second_factor"),
    path("connexion/proconnect/", views.proconnect_login, name="proconnect_login"),
    path("connexion/proconnect/retour/", views.proconnect_callback, name="proconnect_callback"),
    path("deconnexion/", views.logout, name="logout"),
    path("mon-compte/", views.account, name="account"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("mon-compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("double-authentification/activer/", views.second_factor_setup, name="second_factor_setup"),
    path("double-authentification/desactiver/", views.second_factor_disable, name="second_factor_disable"),
    path(
        "double-authentification/codes-de-secours/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "mot-de-passe-oublie/",
        public_form("mot-de-passe-oublie")(
            submitted_once(
                auth_views.PasswordResetView.as_view(
                    form_class=PasswordResetForm,
                    template_name="accounts/password_reset.html",
                    email_template_name="accounts/emails/password_reset.txt",
                    subject_template_name="accounts/emails/password_reset_subject.txt",
                    success_url=reverse_lazy("accounts:password_reset_done"),
                )
            )
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
