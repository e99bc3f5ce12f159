"""`manage.py erase_member`: an operator erases a member on request, exactly as "Delete my account" would.

Mette asked by letter to be erased; Jonas and Lars must be untouched. Erasure cannot be undone, so without
`--yes` the command asks, and anything but "yes" erases nothing.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from kaffebro.accounts.models import User
from kaffebro.core.models import ErasureLog
from kaffebro.network.models import ContactCard

pytestmark = pytest.mark.django_db


def erase(*arguments: str) -> str:
    out = StringIO()
    call_command("erase_member", *arguments, stdout=out)
    return out.getvalue()


def test_with_yes_the_member_is_erased_and_logged_for_replay(mette, jonas, lars):
    assert ContactCard.objects.filter(owner=mette).exists()

    output = erase("--email", f" {mette.email.upper()} ", "--yes")

    assert not User.objects.filter(pk=mette.pk).exists()
    assert not ContactCard.objects.filter(owner_id=mette.pk).exists()
    assert ErasureLog.objects.filter(user_id=mette.pk, user_code=mette.code).exists()
    assert set(User.objects.values_list("pk", flat=True)) >= {jonas.pk, lars.pk}
    assert mette.code in output


def test_without_yes_it_asks_and_erases_on_yes(mette, monkeypatch):
    questions: list[str] = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "yes")

    erase("--email", mette.email)

    assert mette.email in questions[0] and "cannot be undone" in questions[0]
    assert not User.objects.filter(pk=mette.pk).exists()


@pytest.mark.parametrize("answer", ["", "no", "y", "ja"])
def test_any_other_answer_erases_nothing(mette, monkeypatch, answer):
    monkeypatch.setattr("builtins.input", lambda question: answer)

    with pytest.raises(CommandError, match="Not confirmed") as refused:
        erase("--email", mette.email)

    assert refused.value.returncode == 1
    assert User.objects.filter(pk=mette.pk).exists() and not ErasureLog.objects.exists()


def test_without_a_terminal_to_ask_at_nothing_is_erased(mette, monkeypatch):
    def no_terminal(question):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)

    with pytest.raises(CommandError, match="Not confirmed"):
        erase("--email", mette.email)

    assert User.objects.filter(pk=mette.pk).exists()


def test_an_unknown_address_is_a_clear_error_with_exit_code_2(mette):
    with pytest.raises(CommandError, match=re.escape("No member has the e-mail address nobody@example.org")) as refused:
        erase("--email", "nobody@example.org", "--yes")

    assert refused.value.returncode == 2
    assert User.objects.filter(pk=mette.pk).exists() and not ErasureLog.objects.exists()


def test_the_exit_code_reaches_the_shell(mette, capsys):
    """Run from the command line (as cron and the backup drill do), the error is one line and the code is 2."""
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "erase_member", "--email", "nobody@example.org", "--yes"])

    assert exited.value.code == 2
    assert "No member has the e-mail address nobody@example.org" in capsys.readouterr().err
