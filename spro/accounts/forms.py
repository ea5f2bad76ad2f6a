import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from spro.accounts import throttling
from spro.core.emails import render_subject, render_text
from spro.core.forms import SproForm, SproFormMixin

logger = logging.getLogger("django.contrib.auth")


class LoginForm(SproFormMixin, auth_forms.AuthenticationForm):
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


class PasswordResetForm(SproFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """As Django's, but the subject and the body are plain text (not HTML-escaped); an HTML
        alternative would stay escaped."""
        message = EmailMultiAlternatives(
            render_subject(subject_template_name, context),
            render_text(email_template_name, context),
            from_email,
            [to_email],
        )
        if html_email_template_name is not None:
            message.attach_alternative(render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception:  # as Django: the page must not tell whether the address has an account
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class SetPasswordForm(SproFormMixin, auth_forms.SetPasswordForm):
    def save(self, commit=True):
        # The lockout message suggests resetting the password: a new password lifts the lock.
        user = super().save(commit)
        throttling.clear(user.email)
        return user


class SecondFactorForm(SproForm):
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


class SecondFactorDisableForm(SproForm):
    """Disabling an optional second factor: a session left open is not enough (password and a code)."""

    password = forms.CharField(
        label="Mot de passe",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code à 6 chiffres ou code de secours",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        from . import second_factor

        cleaned = super().clean()
        if self.errors:
            return cleaned
        wait = second_factor.throttled_seconds(self.user)
        if wait:
            raise forms.ValidationError(
                f"Trop de codes incorrects. Patientez {wait} secondes avant un nouvel essai."
            )
        code = "".join(cleaned["code"].split())
        if not self.user.check_password(cleaned["password"]) or second_factor.verify(self.user, code) is None:
            raise forms.ValidationError(
                "Pour désactiver la double authentification, saisissez votre mot de passe et un code de "
                "votre application (ou un code de secours)."
            )
        return cleaned


class SecondFactorSetupForm(SproForm):
    email_code = forms.CharField(
        label="Code reçu par courriel",
        help_text="Le code à 6 chiffres envoyé à votre adresse électronique : il prouve que c'est bien vous.",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
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

    def clean_email_code(self):
        return "".join(self.cleaned_data["email_code"].split())


class PasswordChangeForm(SproFormMixin, auth_forms.PasswordChangeForm):
    pass


class ProfileForm(SproForm):
    first_name = forms.CharField(
        label="Prénom",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class InvitationAccountForm(SproForm):
    """The account of an invited address that has none: name and password, chosen from the link."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="12 caractères au moins, ni trop courant ni proche de votre nom ou de votre adresse.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif first:
            from spro.accounts.models import User

            person = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
