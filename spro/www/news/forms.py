from django import forms

from spro.core.forms import SproForm, SproModelForm
from spro.labels.uploads import KIND_LABELS
from spro.network.files import uploads_policy
from spro.network.models import NewsItem


class NewsForm(SproModelForm):
    link = forms.URLField(
        label="Lien vers un document à partager",
        help_text="Facultatif, par exemple https://www.region.fr/documents/compte-rendu.pdf",
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    document = forms.FileField(label="Pièce jointe", required=False)

    class Meta:
        model = NewsItem
        fields = ["title", "body", "link", "document"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = uploads_policy()
        kinds = ", ".join(KIND_LABELS[k] for k in policy.get("types") or KIND_LABELS)
        self.fields["document"].help_text = (
            f"Facultatif, lue par les seuls membres du réseau. Formats acceptés : {kinds}. "
            f"Taille maximale : {policy['max_size_mb']} Mo."
        )


class DigestForm(SproForm):
    """Subscribe to the weekly digest (consent ticked) or unsubscribe (the other button)."""

    consent = forms.BooleanField(
        label="J'accepte de recevoir chaque semaine par courriel la lettre des actualités du réseau",
        help_text="Une lettre par semaine au plus, seulement quand il y a des actualités nouvelles. "
        "Vous pouvez vous désabonner à tout moment sur cette page.",
        required=False,
    )
    action = forms.ChoiceField(choices=[("abonner", "S'abonner"), ("desabonner", "Se désabonner")])

    def clean(self):
        data = super().clean()
        if data.get("action") == "abonner" and not data.get("consent"):
            self.add_error("consent", "Cochez la case pour donner votre accord à recevoir la lettre.")
        return data
