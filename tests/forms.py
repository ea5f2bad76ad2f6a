"""Posting a form as a browser does: the page is read first, for the one-time token it carries."""

import re

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client, url: str) -> str:
    """The one-time token of the form on the page at `url` (the form posts back to the same URL)."""
    response = client.get(url)
    found = TOKEN.search(response.content.decode())
    assert found, f"{url} ({response.status_code}) n'affiche pas de formulaire avec un jeton"
    return found.group(1)


def post_form(client, url: str, data: dict, **extra):
    return client.post(url, {**data, "form_token": form_token(client, url)}, **extra)
