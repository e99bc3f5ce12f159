"""Small shapes several answers share, and running a page's own Django form on API input.

The API validates with the same forms as the web pages wherever a form holds rules
(a contact's name, a target's kind, a brief's parts), so the rules exist once: the
serializer only checks the JSON's shape and documents it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


def model_field(model: type[models.Model], name: str) -> models.Field:
    """A model's own field, to reuse its limits and help text in a serializer."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def run_form(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or its errors as the API's validation problem (400)."""
    if form.is_valid():
        return form.cleaned_data
    raise ValidationError({field: [str(message) for message in messages] for field, messages in form.errors.items()})


class OrganisationRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PostingRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)


class ActionResultSerializer(serializers.Serializer):
    """What a state change without a body of its own answers."""

    detail = serializers.CharField()
