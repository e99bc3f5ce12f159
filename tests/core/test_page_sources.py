"""What the pages load: only our own files (no third-party script, font, stylesheet or image) and no inline code.

The Content-Security-Policy would block both in a browser; these scans find them in review
instead, in every template and static file of every app, including ones added later.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

KAFFEBRO = Path(__file__).resolve().parent.parent.parent / "kaffebro"
TEMPLATES = sorted(KAFFEBRO.glob("*/templates/**/*.html"))
# E-mail is read in a mail client, where no CSP applies and styles must be inline to survive: a template in an
# `email` folder, or one that extends an e-mail layout.
EXTENDS_AN_EMAIL = re.compile(r"""{%\s*extends\s+["'][^"']*email/""")


def is_email(template: Path) -> bool:
    return "email" in template.relative_to(KAFFEBRO).parts or bool(EXTENDS_AN_EMAIL.search(template.read_text()))


PAGE_TEMPLATES = [path for path in TEMPLATES if not is_email(path)]
STATIC_FILES = sorted(path for path in KAFFEBRO.glob("*/static/**/*") if path.is_file() and path.name != "LICENSE")

ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s"'<>)]*|https?://[^\s"'<>)]+""", re.IGNORECASE)
# A plain link to documentation leaves the site when clicked and loads nothing by itself.
DOCUMENTATION_LINK = re.compile(r"""<a\s[^>]*href=["'](?P<url>https?://[^"']+)["']""", re.IGNORECASE)
DOCUMENTATION_HOSTS = {
    "www.was.digst.dk",  # accessibility statements of Danish public bodies
    "www.datatilsynet.dk",  # the Danish Data Protection Agency
}
# Strings in vendored code that are never fetched, each with the reason.
NOT_LOADED = {
    ("vendor/htmx-2.0.8/htmx.min.js", "http://x"),  # a base for parsing relative URLs with `new URL(path, base)`
}
INLINE_CODE = {
    "a <style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "an htmx hx-on handler": re.compile(r"\shx-on", re.IGNORECASE),
}


def label(path: Path) -> str:
    return str(path.relative_to(KAFFEBRO))


def test_the_scans_see_the_templates_and_static_files():
    names = {label(path) for path in TEMPLATES + STATIC_FILES}
    assert {"core/templates/base.html", "core/templates/core/500.html", "core/static/kaffebro/site.css"} <= names
    assert any(name.endswith(".js") for name in names)
    assert len(PAGE_TEMPLATES) < len(TEMPLATES), "the e-mail templates are told apart"


@pytest.mark.parametrize("template", TEMPLATES, ids=label)
def test_a_template_loads_nothing_from_another_site(template):
    text = template.read_text()
    links = {match["url"] for match in DOCUMENTATION_LINK.finditer(text)}
    for url in links:
        assert urlsplit(url).hostname in DOCUMENTATION_HOSTS, f"{label(template)} links to {url}, not on the list"
    loaded = [url for url in ABSOLUTE_URL.findall(text) if url not in links]
    assert not loaded, f"{label(template)} refers to another site outside a documentation link: {loaded}"


@pytest.mark.parametrize("static_file", STATIC_FILES, ids=label)
def test_a_static_file_loads_nothing_from_another_site(static_file):
    text = static_file.read_text(errors="replace")
    relative = "/".join(static_file.relative_to(KAFFEBRO).parts[2:])  # as {% static %} names it: after <app>/static/
    found = {url for url in ABSOLUTE_URL.findall(text) if (relative, url) not in NOT_LOADED}
    assert not found, f"{label(static_file)} refers to another site: {sorted(found)}"


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=label)
def test_a_page_template_has_no_inline_script_or_style(template):
    text = template.read_text()
    found = [kind for kind, pattern in INLINE_CODE.items() if pattern.search(text)]
    assert not found, f"{label(template)} has {', '.join(found)}: move it to a static file (the CSP blocks it)"


def test_the_scans_would_find_what_they_look_for():
    page = """<link rel="stylesheet" href="https://fonts.example.com/css"><div style="color: red" onclick="go()">
    <script>go()</script><img src="//cdn.example.net/logo.png"><a href="https://www.datatilsynet.dk/">ok</a>"""
    assert {url for url in ABSOLUTE_URL.findall(page)} == {
        "https://fonts.example.com/css",
        "//cdn.example.net/logo.png",
        "https://www.datatilsynet.dk/",
    }
    assert {match["url"] for match in DOCUMENTATION_LINK.finditer(page)} == {"https://www.datatilsynet.dk/"}
    assert [kind for kind, pattern in INLINE_CODE.items() if pattern.search(page)] == [
        "a style attribute",
        "an inline <script>",
        "an event-handler attribute",
    ]
