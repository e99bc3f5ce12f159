"""Rate limits on costly endpoints: 429 beyond the limit, per member, a fresh count each minute."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kaffebro.accounts.models import RateLimitCounter
from kaffebro.accounts.ratelimit import hit, rate_limited
from tests.conftest import log_in_with_second_factor

pytestmark = pytest.mark.django_db

MADE_UP_CODE = "Zq7madeUpX9k"


def anonymous_request(method: str):
    request = getattr(RequestFactory(REMOTE_ADDR="192.0.2.9"), method)("/")
    request.user = AnonymousUser()
    return request


@pytest.fixture
def limits(settings):
    """Small limits, so the tests reach them quickly."""
    settings.RATE_LIMITS = {"paths": 3, "import": 2, "meeting_send": 2, "account_mail": 2}
    return settings.RATE_LIMITS


class TestPathSearch:
    def url(self, region_h) -> str:
        return reverse("paths:organisation", args=[region_h.code])

    def test_beyond_the_limit_the_answer_is_429_with_retry_after(self, clock, mette, mette_client, region_h, limits):
        mette.language = "en"  # her language wins over the browser's
        mette.save(update_fields=["language"])
        for _search in range(3):
            assert mette_client.get(self.url(region_h)).status_code == 200
        refused = mette_client.get(self.url(region_h), HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "59"
        content = refused.content.decode()
        assert "<h1>Please wait a moment</h1>" in content and "Try again in 59 seconds." in content

    def test_all_ways_pages_share_the_bucket(self, clock, mette_client, mette, region_h, digitalisering, limits):
        target = mette.targets.get()
        assert mette_client.get(reverse("paths:target", args=[target.code])).status_code == 200
        assert mette_client.get(reverse("paths:unit", args=[digitalisering.code])).status_code == 200
        assert mette_client.get(self.url(region_h)).status_code == 200
        assert mette_client.get(reverse("paths:unit", args=[digitalisering.code])).status_code == 429

    def test_other_members_are_not_affected(self, clock, client, mette, lars, region_h, limits):
        client.force_login(mette)
        for _search in range(4):
            client.get(self.url(region_h))
        client.force_login(lars)
        assert client.get(self.url(region_h)).status_code == 200

    def test_the_next_minute_starts_a_new_count(self, clock, mette_client, region_h, limits):
        for _search in range(4):
            mette_client.get(self.url(region_h))
        clock.advance(seconds=59)
        assert mette_client.get(self.url(region_h)).status_code == 200

    def test_each_search_is_counted_once(self, clock, mette_client, region_h, limits):
        mette_client.get(self.url(region_h))
        assert RateLimitCounter.objects.get().hits == 1
        mette_client.get(self.url(region_h))
        assert RateLimitCounter.objects.get().hits == 2


class TestImport:
    url = reverse("network:import_upload")

    def test_only_uploads_count(self, clock, lars_client, limits):
        for _upload in range(2):
            assert lars_client.post(self.url, {}).status_code == 200  # a form error: no file
        assert lars_client.post(self.url, {}).status_code == 429
        assert lars_client.get(self.url).status_code == 200, "the upload page itself is not limited"


class TestMeetingRequests:
    def test_sending_is_limited(self, clock, mette_client, limits):
        url = reverse("meetings:send", args=[MADE_UP_CODE])
        assert [mette_client.post(url, {}).status_code for _send in range(3)] == [404, 404, 429]


class TestLimiter:
    def test_hit_counts_per_bucket_and_key(self, clock):
        assert [hit("paths", "member:1", 2) for _use in range(3)] == [None, None, 59]
        assert hit("import", "member:1", 2) is None, "another bucket"
        assert hit("paths", "member:2", 2) is None, "another member"

    def test_a_limit_of_zero_refuses_everything(self, clock):
        assert hit("paths", "member:1", 0) == 59
        assert not RateLimitCounter.objects.exists()

    def test_the_decorator_takes_an_explicit_limit_and_methods(self, clock):
        view = rate_limited("custom", per_minute=1, methods=["post"])(lambda request: HttpResponse("ok"))
        assert view(anonymous_request("post")).status_code == 200
        assert view(anonymous_request("post")).status_code == 429
        assert view(anonymous_request("get")).status_code == 200, "only the methods named count"
        (counter,) = RateLimitCounter.objects.all()
        assert counter.key.startswith("client:") and "192.0.2.9" not in counter.key

    def test_the_chore_deletes_windows_an_hour_old(self, clock):
        hit("paths", "member:1", 5)
        clock.advance(hours=1, minutes=1)
        hit("paths", "member:1", 5)
        out = io.StringIO()
        call_command("accounts_chores", stdout=out)
        assert "1 passed rate-limit window(s)" in out.getvalue()
        assert RateLimitCounter.objects.count() == 1


def test_an_operator_is_limited_like_anyone(clock, client, olga, region_h, limits):
    log_in_with_second_factor(client, olga)
    codes = [client.get(reverse("paths:organisation", args=[region_h.code])).status_code for _search in range(4)]
    assert codes[-1] == 429
