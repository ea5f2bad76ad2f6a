"""E-mails are plain text: subjects and bodies are rendered without HTML escaping.

Django's templates escape for HTML, so a structure named « L'Escale & Co » reached mailboxes as
`L&#x27;Escale &amp; Co`. Every e-mail of spro renders its subject with `render_subject` (one line:
newlines would also be refused by the mail headers) and its text body with `render_text`; an HTML
alternative, if one is ever added, is rendered with Django's `render_to_string`, escaped as any page.
`tests/test_consistency.py` fails when an e-mail template is rendered another way.
"""

from django.template import Context, engines


def render_text(template_name: str, context: dict | None = None) -> str:
    """A text template rendered as text: `'`, `&` and `<` stay as they are."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context or {}, autoescape=False))


def one_line(text: str) -> str:
    """A subject on one line: newlines, tabs and runs of spaces become one space."""
    return " ".join(str(text).split())


def render_subject(template_name: str, context: dict | None = None) -> str:
    return one_line(render_text(template_name, context))
