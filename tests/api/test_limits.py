"""The API's limits go through the project's one throttle (``vigil.core.throttle``): a token
per its key up to its own limit, reads without a token per address, both in
``settings.THROTTLES``; counted in Redis in the PostgreSQL mode, in the database otherwise
and while Redis is away."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from redis.exceptions import RedisError

from vigil.api.access import ANONYMOUS_THROTTLE, KEYED_THROTTLE
from vigil.api.models import ApiToken, Scope
from vigil.core import throttle
from vigil.core.models import ThrottleCount

pytestmark = pytest.mark.django_db

PETITIONS = "/api/v1/petitions/"


def _count_of(names: dict[str, str], kind: str, seconds: int) -> int:
    if throttle.uses_redis():
        client, keys = throttle._redis_keys(names, seconds)
        return int(client.get(keys[kind]) or 0)
    row = ThrottleCount.objects.filter(counter=names[kind]).first()
    return row.hits if row else 0


def test_a_token_is_counted_by_the_projects_throttle(
    client: Any, bearer: Callable[..., dict[str, str]]
) -> None:
    headers = bearer(Scope.READ_PUBLIC, per_minute=2)
    token = ApiToken.objects.get()
    for _ in range(2):
        assert client.get(PETITIONS, **headers).status_code == 200
    names = throttle.counters(KEYED_THROTTLE, "", key=str(token.pk))
    assert _count_of(names, "key", throttle.window_seconds(KEYED_THROTTLE)) == 2
    refused = client.get(PETITIONS, **headers)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429


def test_the_window_is_the_settings(
    client: Any, bearer: Callable[..., dict[str, str]], settings: Any
) -> None:
    day = 86_400
    settings.THROTTLES = {**settings.THROTTLES, KEYED_THROTTLE: {"window": day, "key": (5, 5)}}
    headers = bearer(Scope.READ_PUBLIC, per_minute=1)  # the token's own limit, not the 5
    assert client.get(PETITIONS, **headers).status_code == 200
    refused = client.get(PETITIONS, **headers)
    assert refused.status_code == 429
    left = day - int(time.time()) % day
    assert abs(int(refused["Retry-After"]) - left) <= 2


def test_reads_without_a_token_are_limited_per_address(client: Any, settings: Any) -> None:
    settings.THROTTLES = {**settings.THROTTLES, ANONYMOUS_THROTTLE: {"window": 60, "ip": (2, 2)}}
    answers = [client.get(PETITIONS, REMOTE_ADDR="192.0.2.7").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    refused = client.get(PETITIONS, REMOTE_ADDR="192.0.2.7")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    assert client.get(PETITIONS, REMOTE_ADDR="192.0.2.8").status_code == 200


def test_the_limit_holds_while_redis_is_away(
    client: Any, bearer: Callable[..., dict[str, str]], monkeypatch: Any
) -> None:
    def away(*args: Any) -> dict[str, int]:
        raise RedisError("connection refused")

    monkeypatch.setattr(throttle, "_count_in_redis", away)
    headers = bearer(Scope.READ_PUBLIC, per_minute=2)
    token = ApiToken.objects.get()
    answers = [client.get(PETITIONS, **headers).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    names = throttle.counters(KEYED_THROTTLE, "", key=str(token.pk))
    assert ThrottleCount.objects.get(counter=names["key"]).hits == 3
