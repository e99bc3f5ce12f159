"""docs/api.md's example, run step by step against the app: the documentation cannot drift from the API.

The `sh example` blocks are read as a shell would (variables, quotes, line continuations), each `curl` is sent
with the test client, and its `# expect` line is checked: the status, values (`.path == value`) and what later
steps use (`NAME=.path`). The token of the first block is made on the token page, as the example says.
"""

import re
import shlex
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from kaffebro.api.models import ApiToken

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLE = re.compile(r"^```sh example\n(.*?)^```", re.MULTILINE | re.DOTALL)
FILE = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def shell_lines(block: str) -> list[str]:
    """The block's commands and comments as a shell reads them: continuations joined, quoted newlines kept."""
    lines, pending = [], ""
    for line in block.replace("\\\n", " ").splitlines():
        pending = f"{pending}\n{line}" if pending else line.strip()
        if not pending:
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on
            continue
        lines.append(pending)
        pending = ""
    assert not pending, f"unfinished command: {pending}"
    return lines


def steps() -> list[tuple[str, str]]:
    """(expect line, curl command) for each request of the example, in order."""
    found, expect = [], None
    for block in EXAMPLE.findall(DOC.read_text()):
        for line in shell_lines(block):
            if line.startswith("# expect"):
                expect = line
            elif line.startswith("curl"):
                assert expect, f"no '# expect' line before: {line}"
                found.append((expect, line))
                expect = None
    return found


def pick(data, path: str):
    """`.a.0.b` of the answer, as jq reads it."""
    for part in path.strip(".").split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def send(client: APIClient, command: str, variables: dict[str, str], files: dict[str, bytes]):
    command = VARIABLE.sub(lambda match: variables[match.group(1) or match.group(2)], command)
    words = shlex.split(command)[1:]
    method, headers, body, form, url = "GET", {}, None, {}, None
    while words:
        word = words.pop(0)
        if word == "-s":
            continue
        if word == "-X":
            method = words.pop(0)
        elif word == "-H":
            name, _colon, value = words.pop(0).partition(":")
            headers["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
        elif word == "-d":
            body = words.pop(0)
        elif word == "-F":
            name, _equals, value = words.pop(0).partition("=")
            filename = value.removeprefix("@")
            form[name] = SimpleUploadedFile(filename, files[filename], content_type="text/csv")
        else:
            url = word
    path = url.removeprefix(variables["KAFFEBRO"])
    content_type = headers.pop("HTTP_CONTENT_TYPE", None)
    if form:
        return client.generic(method, path, **_multipart(client, form), **headers)
    if body is not None:
        return client.generic(method, path, body, content_type=content_type or "application/json", **headers)
    return client.generic(method, path, **headers)


def _multipart(client: APIClient, form: dict) -> dict:
    from django.test.client import MULTIPART_CONTENT, encode_multipart

    boundary = "KaffebroDocsBoundary"
    return {
        "data": encode_multipart(boundary, form),
        "content_type": f"{MULTIPART_CONTENT.split(';')[0]}; boundary={boundary}",
    }


def check(expect: str, response, variables: dict[str, str]) -> None:
    status, *rules = [part.strip() for part in expect.removeprefix("# expect").split(";")]
    assert response.status_code == int(status), (expect, response.content[:2000])
    answer = response.json()
    for rule in rules:
        if "==" in rule:
            path, _equals, wanted = (part.strip() for part in rule.partition("=="))
            assert str(pick(answer, path)).lower() == wanted.lower(), (rule, answer)
        else:
            name, _equals, path = rule.partition("=")
            variables[name.strip()] = str(pick(answer, path.strip()))


def test_the_documented_example_works(mette, jonas, sofie, client):
    files = {name: content.encode() for name, content in FILE.findall(DOC.read_text())}
    setup = EXAMPLE.findall(DOC.read_text())[0]
    variables = dict(line.removeprefix("export ").split("=", 1) for line in shell_lines(setup))
    assert set(variables) == {"KAFFEBRO", "TOKEN"}
    client.force_login(mette)
    page = client.post(reverse("api_tokens:list"), {"name": "My script"}).content.decode()
    variables["TOKEN"] = re.search(r'value="(kb_[^"]+)"', page).group(1)
    assert ApiToken.objects.get(user=mette).name == "My script"
    api = APIClient()
    documented = steps()
    assert len(documented) >= 7
    for expect, command in documented:
        check(expect, send(api, command, variables, files), variables)
    assert {"IMPORT", "TARGET", "WAY", "REQUEST"} <= set(variables)
