from django import forms
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm

from spro.accounts import throttling


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de votre structure.",
        "locked": (
            "Trop de tentatives de connexion ont échoué. Par sécurité, ce compte est bloqué pendant "
            "%(minutes)s minutes. Vous pouvez aussi réinitialiser votre mot de passe."
        ),
    }

    def clean(self):
        email = (self.data.get("username") or "").strip().lower()
        ip = throttling.client_ip(self.request) if self.request else None
        if email and throttling.is_locked(email, ip):
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": throttling.lockout_minutes()}
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if email:
                throttling.record_failure(email, ip)
            raise


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass
