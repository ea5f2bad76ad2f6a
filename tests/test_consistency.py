"""Project conventions, checked so that they hold as the project grows."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in (ROOT / "spro").rglob("templates/**/*.html") if "dsfr" not in p.parts)


def _parent(path: Path) -> str | None:
    found = re.search(r'{%\s*extends\s+"([^"]+)"\s*%}', path.read_text())
    return found.group(1) if found else None


def _by_name() -> dict[str, Path]:
    """Template name (as `extends` writes it) → file."""
    return {"/".join(p.parts[p.parts.index("templates") + 1 :]): p for p in TEMPLATES}


def page_templates():
    """The pages: templates reaching base.html through `extends`, directly or through a shared layout
    (a partial, `_*.html`, which is not a page itself but is read with each page that extends it)."""
    names, pages = _by_name(), []
    for path in TEMPLATES:
        if path.name.startswith("_"):
            continue
        parent, seen = _parent(path), 0
        while parent and parent != "base.html" and parent in names and seen < 10:
            parent, seen = _parent(names[parent]), seen + 1
        if parent == "base.html":
            pages.append(path)
    return pages


def page_text(path: Path) -> str:
    """A page's own text followed by the layouts it extends (base.html excluded)."""
    names, texts, parent = _by_name(), [path.read_text()], _parent(path)
    while parent and parent != "base.html" and parent in names:
        texts.append(names[parent].read_text())
        parent = _parent(names[parent])
    return "\n".join(texts)


@pytest.mark.django_db
def test_no_migration_is_missing():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(
            f"Migrations manquantes (lancez `spro makemigrations <app> --name …`) :\n{out.getvalue()}"
        )


def test_every_page_has_one_h1_and_a_title():
    assert len(page_templates()) > 20
    wrong = []
    for path in page_templates():
        text = page_text(path)
        if not re.search(r"{%\s*block title\s*%}", text):
            wrong.append(f"{path.relative_to(ROOT)}: pas de {{% block title %}}")
        # Several <h1> are allowed only in exclusive {% if %} branches; none is never allowed.
        if "<h1" not in text:
            wrong.append(f"{path.relative_to(ROOT)}: pas de <h1>")
    assert not wrong, "\n".join(wrong)


def test_every_post_form_has_a_csrf_token():
    wrong = []
    for path in TEMPLATES:
        text = path.read_text()
        forms = len(re.findall(r'<form[^>]*method="post"', text, flags=re.IGNORECASE))
        if forms > text.count("{% csrf_token %}"):
            wrong.append(str(path.relative_to(ROOT)))
    assert not wrong, f"Formulaires POST sans {{% csrf_token %}} : {wrong}"


def test_no_empty_link_in_templates():
    wrong = []
    for path in TEMPLATES:
        for match in re.finditer(r'<a\s[^>]*href="(#?)"', path.read_text()):
            wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not wrong, "Liens vides (RGAA) :\n" + "\n".join(wrong)


def test_pages_are_in_french():
    wrong = [
        str(p.relative_to(ROOT)) for p in TEMPLATES if re.search(r'<html(?![^>]*lang="fr")', p.read_text())
    ]
    assert not wrong, f'<html> sans lang="fr" : {wrong}'


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def test_every_url_is_named():
    """The authorisation matrix is keyed by URL names."""
    routes = _walk(get_resolver().url_patterns)
    unnamed = [route for route, name in routes if not name and not route.startswith("admin/")]
    assert not unnamed, f"URL sans nom (ajoutez name=…) : {unnamed}"


def test_stored_codes_of_choices_are_ascii_slugs():
    from django.apps import apps

    wrong = []
    for model in apps.get_models():
        if not model.__module__.startswith("spro."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
                    wrong.append(f"{model._meta.label}.{field.name}: {value!r}")
    assert not wrong, "Codes stockés non ASCII ou pas en slug :\n" + "\n".join(wrong)


def test_every_email_is_rendered_as_text():
    """E-mail subjects and text bodies go through spro.core.emails (no HTML escaping): no e-mail
    template is rendered by render_to_string, which escapes for HTML pages."""
    shared = ROOT / "spro" / "core" / "emails.py"
    wrong = []
    for path in sorted((ROOT / "spro").rglob("*.py")):
        if path == shared:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"render_to_string\(\s*f?[\"']([^\"']*)", text):
            if "emails/" in match.group(1) or "subject" in match.group(1):
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not wrong, (
        "Rendez les courriels avec spro.core.emails.render_subject / render_text :\n" + "\n".join(wrong)
    )
    templates = sorted(p.name for p in (ROOT / "spro").rglob("templates/**/emails/*.txt"))
    assert len(templates) >= 14, templates


def test_the_password_reset_form_renders_its_email_as_text():
    from django.contrib.auth.forms import PasswordResetForm as DjangoForm

    from spro.accounts.forms import PasswordResetForm

    assert PasswordResetForm.send_mail is not DjangoForm.send_mail


def _import_graph() -> dict[str, set[str]]:
    """Modules of spro (migrations aside) → the spro modules they import, at the top or in a function."""
    import ast

    modules = {}
    for path in (ROOT / "spro").rglob("*.py"):
        if "migrations" not in path.parts:
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {other for other in imported if other in modules and other != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_through_others():
    graph = _import_graph()
    assert "spro.referrals.emails" in graph["spro.referrals.actions"]
    assert not _circles(graph), "Imports en cercle (une fonction qui importe compte aussi) :\n" + "\n".join(
        " ↔ ".join(group) for group in _circles(graph)
    )


def _readme() -> str:
    return (ROOT / "README.md").read_text()


def test_every_setting_read_from_the_environment_is_in_the_readme():
    """A Région configures spro through the README alone: a variable read but not documented is unusable."""
    read = r'(?:environ\.get|environ\[|env_bool|env_list)\(?\s*"([A-Z][A-Z0-9_]+)"'
    variables = set()
    for path in [ROOT / "gunicorn.conf.py", *(ROOT / "spro").rglob("*.py")]:
        variables |= set(re.findall(read, path.read_text()))
    assert {"DATABASE_URL", "SECRET_KEY", "SPRO_REGION"} <= variables  # the pattern finds the reads
    undocumented = sorted(v for v in variables if f"`{v}`" not in _readme())
    assert undocumented == []


def test_every_spro_command_is_in_the_readme():
    commands = sorted(
        p.stem for p in (ROOT / "spro").glob("*/management/commands/*.py") if not p.stem.startswith("_")
    )
    assert "calculer-couverture" in commands
    undocumented = [name for name in commands if f"`spro {name}" not in _readme()]
    assert undocumented == []
