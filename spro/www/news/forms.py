from django import forms

from spro.core.forms import SproModelForm
from spro.network.models import NewsItem


class NewsForm(SproModelForm):
    link = forms.URLField(
        label="Lien vers un document à partager",
        help_text="Facultatif, par exemple https://www.region.fr/documents/compte-rendu.pdf",
        required=False,
        max_length=200,
        assume_scheme="https",
    )

    class Meta:
        model = NewsItem
        fields = ["title", "body", "link"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
