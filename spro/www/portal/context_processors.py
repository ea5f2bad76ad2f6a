from spro.www.portal.accessibility import AuditError, current_statement


def accessibility(request):
    """The état de conformité shown in every footer, computed from the audit file."""
    try:
        level = current_statement().level_label
    except (AuditError, OSError):
        # Without a valid audit, the law makes the site "non conforme"; `spro check` says why.
        level = "non conforme"
    return {"ACCESSIBILITY_LEVEL": level}
