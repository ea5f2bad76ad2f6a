"""Files of the network's life (resources, news attachments): the upload rules are the label's
(spro.labels.uploads: type recognised from the content, size limited by the Région's policy, stored under
MEDIA_ROOT, which is never served as is), and each link says its format and size in French."""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_UPLOADS = {"max_size_mb": 10, "types": ["pdf", "png", "jpeg", "odt", "docx"]}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMAT_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "odt": "ODT", "docx": "DOCX"}


def uploads_policy(region_code: str | None = None) -> dict:
    """The upload rules of the Région's label policy (size, types), or spro's defaults."""
    from spro.labels.models import LabelPolicy

    policy = LabelPolicy.objects.reading(region_code or settings.SPRO_REGION)
    return (policy.uploads if policy else None) or DEFAULT_UPLOADS


def check(uploaded, region_code: str | None = None) -> tuple[str, str]:
    """(kind, sha256) of an accepted file; raises spro.labels.uploads.UploadRefused (French) otherwise."""
    from spro.labels.uploads import check_upload

    return check_upload(uploaded, uploads_policy(region_code))


def human_size(size: int | None) -> str:
    """French size: "850 octets", "12 ko", "1,2 Mo"."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} octet{'s' if size > 1 else ''}"
    if size < 1000 * 1000:
        return f"{round(size / 1000)} ko"
    return f"{size / (1000 * 1000):.1f}".replace(".", ",") + " Mo"


def describe_file(kind: str, size: int | None) -> str:
    label = FORMAT_LABELS.get(kind, kind.upper() or "Fichier")
    return f"{label}, {human_size(size)}" if size is not None else label


def describe_link(url: str, declared_format: str = "") -> str:
    """What an external link leads to: its declared format, or the one its address ends with."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    extension = parts.path.rsplit(".", 1)[-1].lower() if "." in parts.path.rsplit("/", 1)[-1] else ""
    label = declared_format or FORMAT_LABELS.get({"jpg": "jpeg"}.get(extension, extension), "")
    if label:
        return f"{label}, lien externe ({host})" if host else label
    return f"Page web, lien externe ({host})" if host else "Lien externe"
