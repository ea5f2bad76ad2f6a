from django.core import checks

from spro.www.portal.accessibility import AuditError, load_statement


@checks.register()
def accessibility_audit_is_complete(app_configs=None, **kwargs):
    """Every RGAA criterion has a known status and a justification in the audit file."""
    try:
        load_statement()
    except AuditError as error:
        return [
            checks.Error(
                str(error), hint="Voir « Déclaration d'accessibilité » dans le README.", id="spro.E101"
            )
        ]
    return []
