from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("region_role", User.RegionRole.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional or a Région agent; the public never has an account."""

    class RegionRole(models.TextChoices):
        NONE = "", "Aucun"
        ADMIN = "administrateur", "Administrateur Région"
        INSTRUCTOR = "instructeur", "Instructeur Région"

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    region_role = models.CharField(
        "rôle à la Région", max_length=20, choices=RegionRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_region_admin(self) -> bool:
        return self.is_active and self.region_role == self.RegionRole.ADMIN

    @property
    def is_region_staff(self) -> bool:
        """Administrators and instructors of the Région."""
        return self.is_active and self.region_role in {self.RegionRole.ADMIN, self.RegionRole.INSTRUCTOR}


class LoginAttempt(models.Model):
    """Failed logins, kept briefly to throttle brute force per email and per address."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "tentative de connexion échouée"
        verbose_name_plural = "tentatives de connexion échouées"

    def __str__(self):
        return f"{self.email} {self.attempted_at:%d/%m/%Y %H:%M}"
