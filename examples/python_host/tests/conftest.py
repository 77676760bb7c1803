"""Fixtures of the Python host's tests: the real plugin module (the one
$WISEPAY_PLUGIN names; CTest passes the built one), an instance on a fresh
SQLite file, the fake Wise-Pay over TLS ($WISEPAY_FAKE_SERVER, the test
suite's wisepay_fake_wisepay_server), and counters around the plugin's free
functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

HOST_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HOST_DIR))

from wisepay import Instance, Plugin  # noqa: E402

MASTER_KEY = "3c" * 32
API_KEY = "wp_live_pytest_5d1e"
# A key of a merchant whose Desk Director integration is switched off in
# Wise-Pay.
SWITCHED_OFF_KEY = "wp_live_pytest_off_77c3"
PAYER = "pat@customer.example"
NOT_A_PAYER = "nora@customer.example"
REGISTRATION_PATH = "/payers/register"
TIMEOUT = 30


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"${name} is not set: run these tests through CTest, or set it by hand")
    return value


@pytest.fixture(scope="session")
def plugin_path() -> str:
    return required_env("WISEPAY_PLUGIN")


@pytest.fixture(scope="session")
def plugin(plugin_path: str) -> Plugin:
    return Plugin(plugin_path)


@pytest.fixture
def config(tmp_path: Path) -> dict[str, Any]:
    """A config on a fresh SQLite file; Wise-Pay's address is never
    contacted by the tests that use it as it is."""
    return {
        "database_path": str(tmp_path / "settings.db"),
        "master_key": {"source": "hex", "value": MASTER_KEY},
        "wisepay_base_url": "https://127.0.0.1:9",
    }


@pytest.fixture
def instance(plugin: Plugin, config: dict[str, Any]) -> Iterator[Instance]:
    with plugin.create(config) as created:
        yield created


@dataclass
class FakeWisePay:
    base_url: str
    ca_file: str
    api_key: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def fake_wisepay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeWisePay]:
    """The fake Wise-Pay, a real HTTPS server on 127.0.0.1 with a CA made at
    start: one merchant (API_KEY) with one payer (PAYER); payer-not-found
    answers offer REGISTRATION_PATH on its own origin. A second merchant
    (SWITCHED_OFF_KEY) has the integration switched off in Wise-Pay."""
    tokens = tmp_path_factory.mktemp("fake") / "tokens.txt"
    process = subprocess.Popen(
        [required_env("WISEPAY_FAKE_SERVER"), str(tokens), API_KEY, "--payer", PAYER,
         "--registration-path", REGISTRATION_PATH, "--switched-off-key", SWITCHED_OFF_KEY],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline().decode().strip()
    if not line:
        process.kill()
        pytest.fail(f"the fake Wise-Pay did not start (exit {process.wait(TIMEOUT)})")
    port, ca_file = line.split(" ", 1)
    yield FakeWisePay(f"https://127.0.0.1:{port}", ca_file, API_KEY, process)
    process.stdin.close()  # end of stdin stops it
    assert process.wait(TIMEOUT) == 0


@pytest.fixture
def wisepay_config(config: dict[str, Any], fake_wisepay: FakeWisePay) -> dict[str, Any]:
    """A config pointing at the fake Wise-Pay, trusting its CA."""
    return {**config, "wisepay_base_url": fake_wisepay.base_url, "ca_file": fake_wisepay.ca_file,
            "deadline_ms": 10000}


@pytest.fixture
def enabled_instance(plugin: Plugin, wisepay_config: dict[str, Any]) -> Iterator[Instance]:
    """An instance whose tenant "acme" has the fake's key saved, enabled."""
    with plugin.create(wisepay_config) as created:
        created.save_settings("acme", "ann@acme.example", 0,
                              {"api_key": API_KEY, "enabled": True})
        yield created


@pytest.fixture
def frees(plugin: Plugin, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each of the plugin's release functions is called, counted
    by wrappers around the real ones."""
    counts: Counter[str] = Counter()

    def counting(name: str) -> Callable[[Any], None]:
        real = getattr(plugin, name)

        def wrapper(pointer: Any) -> None:
            counts[name] += 1
            real(pointer)
        return wrapper

    for name in ("free_string", "free_error", "free_redirect", "destroy_instance", "free_view",
                 "free_audit_page", "free_copy_report", "free_reseal_report"):
        monkeypatch.setattr(plugin, name, counting(name))
    return counts
