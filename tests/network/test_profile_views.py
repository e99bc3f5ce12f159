"""Profile and targets: the seeker profile form, and targets added, moved and removed."""

import pytest
from django.urls import reverse

from kaffebro.network.models import Organisation, SeekerProfile, Target, TargetKind

pytestmark = pytest.mark.django_db


def priorities(user):
    return list(Target.objects.filter(seeker=user).values_list("kind", "priority"))


class TestProfile:
    def test_shows_the_profile_with_lists_as_comma_separated_text(self, mette_client, mette):
        SeekerProfile.objects.filter(user=mette).update(competencies=["SQL", "Python"])
        response = mette_client.get(reverse("network:profile"))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'value="SQL, Python"' in html
        assert "used only in statistics of at least 5 people" in html
        assert "never shown to anyone" in html

    def test_saving_creates_a_seeker(self, lars_client, lars):
        response = lars_client.post(
            reverse("network:profile"),
            {
                "headline": "Data",
                "competencies": "SQL, python , ,Python, Power BI",
                "job_fields": "Analyse",
                "regions": ["hovedstaden", "sjaelland"],
                "looking_visibility": "connectors",
                "gender": "man",
            },
        )
        assert response.status_code == 302
        profile = SeekerProfile.objects.get(user=lars)
        assert profile.competencies == ["SQL", "python", "Power BI"]
        assert profile.regions == ["hovedstaden", "sjaelland"]
        assert (profile.looking_visibility, profile.gender) == ("connectors", "man")

    def test_bad_input_is_explained_and_saves_nothing(self, lars_client, lars):
        response = lars_client.post(
            reverse("network:profile"),
            {"headline": "x" * 201, "competencies": ",".join(["a" * 101]), "regions": ["atlantis"]},
        )
        assert response.status_code == 200
        errors = response.context["profile_form"].errors
        assert {"headline", "competencies", "regions", "looking_visibility"} <= set(errors)
        assert not SeekerProfile.objects.filter(user=lars).exists()


class TestTargets:
    def test_add_an_organisation_by_alias(self, mette_client, mette, region_h):
        response = mette_client.post(reverse("network:add_target"), {"kind": "organisation", "organisation": "regionh"})
        assert response.status_code == 302
        assert priorities(mette) == [(TargetKind.UNIT, 1), (TargetKind.ORGANISATION, 2)]

    def test_add_a_unit_and_a_posting_by_name(self, lars_client, lars, region_h, digitalisering, posting):
        url = reverse("network:add_target")
        lars_client.post(url, {"kind": "unit", "organisation": "Region Hovedstaden", "unit": "digitalisering"})
        lars_client.post(url, {"kind": "posting", "organisation": "Region Hovedstaden", "posting": "Dataanalytiker"})
        targets = list(Target.objects.filter(seeker=lars))
        assert (targets[0].unit, targets[1].posting) == (digitalisering, posting)

    def test_add_by_codes_from_the_organisation_page_goes_back_there(self, lars_client, lars, region_h, digitalisering):
        page = reverse("network:organisation", args=[region_h.code])
        response = lars_client.post(
            reverse("network:add_target"),
            {"kind": "unit", "organisation": region_h.code, "unit": digitalisering.code, "next": page},
        )
        assert response["Location"] == page
        assert Target.objects.get(seeker=lars).unit == digitalisering

    def test_add_a_job_field(self, lars_client, lars):
        lars_client.post(reverse("network:add_target"), {"kind": "field", "job_field": "Data", "region": "hovedstaden"})
        target = Target.objects.get(seeker=lars)
        assert (target.job_field, target.region) == ("Data", "hovedstaden")

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"kind": "organisation", "organisation": "Ukendt"}, "organisation"),
            ({"kind": "organisation", "organisation": ""}, "organisation"),
            ({"kind": "unit", "organisation": "Region Hovedstaden", "unit": "Ukendt"}, "unit"),
            ({"kind": "field", "job_field": ""}, "job_field"),
            ({"kind": "planet"}, "kind"),
            ({"kind": "unit", "organisation": "Region Hovedstaden", "unit": "Digitalisering"}, None),
        ],
        ids=["unknown", "empty", "unknown-unit", "empty-field", "bad-kind", "duplicate"],
    )
    def test_bad_targets_are_explained_and_nothing_is_added(self, mette_client, mette, data, field):
        response = mette_client.post(reverse("network:add_target"), data)
        assert response.status_code == 200
        form = response.context["target_form"]
        assert form.errors and (field is None or field in form.errors)
        assert Target.objects.filter(seeker=mette).count() == 1

    def test_ambiguous_names_ask_to_choose_on_the_page(self, lars_client, lars):
        Organisation.objects.create(name="Kommunen")
        Organisation.objects.create(name="Kommunen")
        response = lars_client.post(reverse("network:add_target"), {"kind": "organisation", "organisation": "kommunen"})
        assert "Several match" in str(response.context["target_form"].errors)
        assert not Target.objects.filter(seeker=lars).exists()

    def test_move_and_remove(self, mette_client, mette, region_h):
        field = Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field="Data", priority=2)
        mette_client.post(reverse("network:move_target", args=[field.code]), {"direction": "up"})
        assert priorities(mette) == [(TargetKind.FIELD, 1), (TargetKind.UNIT, 2)]
        response = mette_client.post(reverse("network:move_target", args=[field.code]), {"direction": "up"})
        assert response.status_code == 302 and priorities(mette)[0] == (TargetKind.FIELD, 1)
        mette_client.post(reverse("network:remove_target", args=[field.code]))
        assert priorities(mette) == [(TargetKind.UNIT, 1)]

    def test_move_and_remove_need_post(self, mette_client, mette):
        target = Target.objects.get(seeker=mette)
        assert mette_client.get(reverse("network:move_target", args=[target.code])).status_code == 405
        assert mette_client.get(reverse("network:remove_target", args=[target.code])).status_code == 405

    def test_page_lists_targets_in_priority_order(self, mette_client, mette, region_h):
        Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field="Dataanalyse", priority=2)
        html = mette_client.get(reverse("network:profile")).content.decode()
        targets = html.split('id="targets-heading"')[1]
        assert targets.index("Digitalisering") < targets.index("Dataanalyse")
