from django import forms
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm

from spro.accounts import throttling
from spro.core.forms import BoundedTextMixin


class LoginForm(BoundedTextMixin, DsfrBaseForm, auth_forms.AuthenticationForm):
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

    def clean_username(self):
        # Accounts are stored in lower case; people type their address as they like.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        # The cleaned address only: the raw one may hold anything (a NUL byte breaks PostgreSQL), and
        # an address that is not valid has its field error already, so no lookup and no lock.
        email = self.cleaned_data.get("username") or ""
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


class PasswordResetForm(BoundedTextMixin, DsfrBaseForm, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SetPasswordForm(BoundedTextMixin, DsfrBaseForm, auth_forms.SetPasswordForm):
    def save(self, commit=True):
        # The lockout message suggests resetting the password: a new password lifts the lock.
        user = super().save(commit)
        throttling.clear(user.email)
        return user


class SecondFactorForm(BoundedTextMixin, DsfrBaseForm):
    code = forms.CharField(
        label="Code à 6 chiffres ou code de secours",
        help_text=(
            "Le code affiché par votre application d'authentification, ou l'un de vos codes de secours."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class SecondFactorSetupForm(BoundedTextMixin, DsfrBaseForm):
    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError("Le code est composé de 6 chiffres.")
        return code


class PasswordChangeForm(BoundedTextMixin, DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class ProfileForm(BoundedTextMixin, DsfrBaseForm, forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
