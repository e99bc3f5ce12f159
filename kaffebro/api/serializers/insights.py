"""The insights report as data: the same figures as the pages, with the same ones hidden by the group rule."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

UNITS = ("count", "percent", "days", "reached")


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("null: the group is too small to show (fewer than `minimum_group`).")
    )
    unit = serializers.ChoiceField([(unit, unit) for unit in UNITS])
    text = serializers.CharField(help_text=gettext_lazy("As the page shows it, in your language."))


class ReportRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    cells = FigureSerializer(many=True)


class TableSerializer(serializers.Serializer):
    caption = serializers.CharField()
    row_header = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = ReportRowSerializer(many=True)


class SectionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    intro = serializers.CharField()
    table = TableSerializer()


class KeyFigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    text = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    scope = serializers.ChoiceField([("own", "own"), ("caseload", "caseload"), ("all", "all")])
    minimum_group = serializers.IntegerField()
    seekers = FigureSerializer()
    key_figures = KeyFigureSerializer(many=True)
    sections = SectionSerializer(many=True)
