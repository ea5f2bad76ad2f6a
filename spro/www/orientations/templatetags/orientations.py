from django import template

from spro.referrals.models import ContactRequest, Referral
from spro.referrals.workflow import OPEN_STATES, ReferralState

register = template.Library()


@register.simple_tag
def orientation_counts(user) -> dict:
    """Counts shown on the professional home page (three small queries, only for structure members)."""
    if not user.is_authenticated or not user.memberships.exists():
        return {"member": False}
    return {
        "member": True,
        "received_waiting": Referral.objects.received_by(user).filter(state=ReferralState.SENT).count(),
        "sent_open": Referral.objects.sent_by(user).filter(state__in=OPEN_STATES).count(),
        "contact_new": ContactRequest.objects.visible_to(user).new().count(),
    }
