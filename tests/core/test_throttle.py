"""The one throttle of public forms: counts, soft and hard limits, windows, both stores."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from vigil.core import throttle
from vigil.core.models import ThrottleCount

pytestmark = pytest.mark.django_db

LIMITS = {"window": 600, "ip": (2, 4), "net": (5, 8), "address": (1, 2)}


@pytest.fixture
def scope(settings: Any) -> str:
    settings.THROTTLES = {**settings.THROTTLES, "test-form": LIMITS}
    return "test-form"


def test_redis_is_recognised_behind_the_cache_proxy(settings: Any) -> None:
    """``django.core.cache.cache`` is a proxy: the mode is read from the backend itself."""
    backend = settings.CACHES["default"]["BACKEND"]
    assert throttle.uses_redis() == backend.endswith("RedisCache")
    assert type(caches["default"]).__name__ in backend


def test_soft_limit_flags_and_hard_limit_refuses(scope: str) -> None:
    verdicts = [throttle.hit(scope, ip="192.0.2.7") for _n in range(4)]
    assert [v.flagged for v in verdicts] == [False, False, True, True]
    assert "from one address" in verdicts[-1].reason
    with pytest.raises(throttle.Throttled) as refused, translation.override("en"):
        throttle.hit(scope, ip="192.0.2.7")
    assert refused.value.code == "rate_limited"
    assert "10 minutes" in refused.value.messages[0]


def test_the_network_and_the_address_count_across_clients(scope: str) -> None:
    for n in range(5):
        assert not throttle.hit(scope, ip=f"192.0.2.{n + 1}").flagged
    assert "network" in throttle.hit(scope, ip="192.0.2.99").reason
    assert not throttle.hit(scope, ip="198.51.100.1", address="Victim@Example.org").flagged
    assert throttle.hit(scope, ip="203.0.113.1", address="victim@example.org ").flagged
    with pytest.raises(throttle.Throttled):  # a third mail to one mailbox, from anywhere
        throttle.hit(scope, ip="203.0.113.200", address="VICTIM@example.org")


def test_networks() -> None:
    assert throttle.network_of("192.0.2.77") == "192.0.2.0/24"
    assert throttle.network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert throttle.network_of("::ffff:192.0.2.9") == "192.0.2.0/24"
    assert throttle.network_of("junk") == "unknown"


def test_an_unknown_scope_fails_loudly() -> None:
    with pytest.raises(KeyError):
        throttle.throttled("no-such-form")


def test_database_counters_keep_no_address_and_forget_old_windows(
    scope: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if throttle.uses_redis():
        pytest.skip("the PostgreSQL mode counts in Redis")
    ip = "192.0.2.77"
    for _n in range(2):
        throttle.hit(scope, ip=ip, address="someone@example.org")
    rows = list(ThrottleCount.objects.all())
    assert sorted(r.hits for r in rows) == [2, 2, 2]
    assert not any("192.0.2" in r.counter or "someone" in r.counter for r in rows)
    window = throttle.window(600)
    ThrottleCount.objects.create(counter="someone else", seconds=600, period=window, hits=3)
    monkeypatch.setattr(throttle, "window", lambda seconds: window + 1)
    assert throttle.hit(scope, ip=ip) == throttle.Verdict()  # a new window starts again at 1
    assert sorted(ThrottleCount.objects.values_list("hits", flat=True)) == [1, 1]
    assert not ThrottleCount.objects.filter(counter="someone else").exists()  # swept
    ThrottleCount.objects.update(period=0)
    assert throttle.sweep() == 2


def test_redis_counters_keep_no_address(scope: str) -> None:
    if not throttle.uses_redis():
        pytest.skip("the embedded mode counts in the database")
    for _n in range(3):
        throttle.hit(scope, ip="192.0.2.55")
    assert not ThrottleCount.objects.exists()
    client, keys = throttle._redis_keys(throttle.counters(scope, "192.0.2.55"), 600)
    assert not any("192.0.2" in k for k in keys.values())
    assert [int(client.get(k)) for k in keys.values()] == [3, 3]


def test_a_refused_visitor_gets_429_in_their_language(client: Client, settings: Any) -> None:
    settings.THROTTLES = {**settings.THROTTLES, "join": {"window": 600, "ip": (0, 0)}}
    response = client.post("/en/groups/join/", {}, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert "Please try again in 10 minutes" in response.content.decode()
    response = client.post("/groups/join/", {}, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert "10" in response.content.decode()
