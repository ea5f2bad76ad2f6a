"""/attestations/<reference>/: anyone checks that an attestation is authentic and valid today."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from spro.labels.attestation import normalise_reference, render_pdf, validity_text
from spro.labels.models import Label

REFERENCE = re.compile(r"^SPRO-\d{2,3}-\d{4}-[0-9A-Z]{8}$")


def _label(reference: str) -> Label:
    reference = normalise_reference(reference)
    if not REFERENCE.match(reference):
        raise Http404("Aucune attestation ne porte cette référence.")
    label = (
        Label.objects.select_related("structure", "decision", "policy")
        .filter(decision__attestation_reference=reference)
        .first()
    )
    if label is None:
        raise Http404("Aucune attestation ne porte cette référence.")
    return label


@require_GET
def check(request, reference):
    label = _label(reference)
    today = timezone.localdate()
    policy = label.policy.policy
    if label.valid_until is None and label.state == Label.State.TO_RENEW:
        validity = f"à compter du {label.valid_from:%d/%m/%Y}, jusqu'à la décision sur son renouvellement"
    else:
        validity = validity_text(label)
    context = {
        "label": label,
        "policy_name": policy.name,
        "volets": [policy.volets.get(code, code) for code in label.volets],
        "validity": validity,
        "is_valid": label.is_valid_on(today),
        "today": today,
    }
    return render(request, "attestations/check.html", context)


@require_GET
def pdf(request, reference):
    label = _label(reference)
    check_url = request.build_absolute_uri(f"/attestations/{label.reference}/")
    response = HttpResponse(render_pdf(label, check_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{label.reference}.pdf"'
    return response
