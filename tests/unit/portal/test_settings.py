"""Configuration comes from the environment with the documented defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "es": settings.ELASTICSEARCH_URL,
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "lang": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
}))
"""


def probe(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "ELASTICSEARCH_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def settings_for(module: str = "portal.settings.dev", **env: str) -> dict:
    result = probe(module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults():
    conf = settings_for()
    assert conf["db"] == "django.db.backends.sqlite3"
    assert conf["db_name"] == str(ROOT / "db.sqlite3")
    assert conf["cache"].endswith("LocMemCache")
    assert conf["es"] == ""
    assert conf["lang"] == "zh-hans"
    assert conf["tz"] == "Asia/Shanghai"


def test_services_are_read_from_the_environment():
    conf = settings_for(
        DATABASE_URL="postgres://portal:secret@db.internal:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/1",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
        ALLOWED_HOSTS="qinghe.example.cn, www.qinghe.example.cn",
        DEBUG="false",
    )
    assert conf["db"] == "django.db.backends.postgresql"
    assert conf["db_name"] == "portal"
    assert conf["cache"] == "django_redis.cache.RedisCache"
    assert conf["es"] == "http://127.0.0.1:9200"
    assert conf["hosts"] == ["qinghe.example.cn", "www.qinghe.example.cn"]
    assert conf["debug"] is False


def test_a_debug_value_that_is_not_a_boolean_is_refused():
    result = probe("portal.settings.dev", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize("key, expected", [("", "SECRET_KEY must be set"), ("s3cret-value", None)])
def test_production_requires_a_secret_key(key, expected):
    result = probe("portal.settings.production", SECRET_KEY=key)
    if expected:
        assert result.returncode != 0 and expected in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["debug"] is False
