"""`env_choice`: one of a few words from the environment, or a clear refusal naming the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kaffebro.core.env import env_choice

CHOICES = ("json", "text")


@pytest.mark.parametrize(("value", "expected"), [("json", "json"), (" TEXT ", "text"), ("", "json")])
def test_reads_one_of_the_words_case_insensitively_or_the_default(monkeypatch, value, expected):
    monkeypatch.setenv("KAFFEBRO_FORMAT", value)
    assert env_choice("KAFFEBRO_FORMAT", "json", CHOICES) == expected


def test_missing_gives_the_default(monkeypatch):
    monkeypatch.delenv("KAFFEBRO_FORMAT", raising=False)
    assert env_choice("KAFFEBRO_FORMAT", "text", CHOICES) == "text"


def test_refuses_another_word_naming_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("KAFFEBRO_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match=r"KAFFEBRO_FORMAT='xml' is not one of json, text"):
        env_choice("KAFFEBRO_FORMAT", "json", CHOICES)
