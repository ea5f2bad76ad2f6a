"""Attachments: the type is recognised from the content (the first bytes), never from the name alone,
and the size is limited by the Région's policy. A refused file writes nothing."""

import hashlib
import zipfile

KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "odt": "OpenDocument texte", "docx": "Word (docx)"}
EXTENSIONS = {"pdf": {"pdf"}, "png": {"png"}, "jpeg": {"jpg", "jpeg"}, "odt": {"odt"}, "docx": {"docx"}}


class UploadRefused(ValueError):
    """A file that cannot be joined; `str()` is French and may be shown as is."""


def sniff(head: bytes, stream) -> str | None:
    """The kind of a file from its content, or None when it is none of the accepted kinds."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
                if (
                    "mimetype" in names
                    and archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return "docx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
    return None


def check_upload(uploaded, uploads_policy: dict) -> tuple[str, str]:
    """(kind, sha256) of an uploaded file the policy accepts; raises UploadRefused otherwise."""
    max_bytes = int(uploads_policy["max_size_mb"] * 1024 * 1024)
    allowed = uploads_policy.get("types") or list(KIND_LABELS)
    names = ", ".join(KIND_LABELS[k] for k in allowed)
    if uploaded.size == 0:
        raise UploadRefused("Le fichier est vide.")
    if uploaded.size > max_bytes:
        raise UploadRefused(f"Le fichier dépasse la taille autorisée ({uploads_policy['max_size_mb']} Mo).")
    uploaded.seek(0)
    head = uploaded.read(16)
    kind = sniff(head, uploaded)
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    if kind is None or kind not in allowed:
        raise UploadRefused(f"Ce type de fichier n'est pas accepté : joignez un fichier {names}.")
    if extension not in EXTENSIONS[kind]:
        raise UploadRefused(
            f"Le nom du fichier (« .{extension} ») ne correspond pas à son contenu ({KIND_LABELS[kind]})."
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return kind, digest.hexdigest()
