"""An instance's life and what the plugin hands out: the context manager
destroys the instance (also when its body raises), and every result and
error object goes back through the plugin's own free function, on every
path, so that many calls leave no memory behind."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import API_KEY, NOT_A_PAYER, PAYER
from wisepay import (ConfigError, ConflictError, Instance, InstanceClosedError,
                     InvalidArgumentError, PayerNotFoundError, Plugin, ValidationError)


def test_the_context_manager_destroys_the_instance(plugin: Plugin, config: dict[str, Any],
                                                  frees: Counter[str]) -> None:
    wal = Path(config["database_path"] + "-wal")
    with plugin.create(config) as instance:
        instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY})
        assert not instance.closed
        assert wal.exists()  # the instance holds the database open (WAL mode)
    assert instance.closed
    assert frees["destroy_instance"] == 1
    # SQLite removes the -wal file when its last connection closes: destroy
    # really released the instance's database.
    assert not wal.exists()
    with pytest.raises(InstanceClosedError):
        instance.get_settings("acme")
    instance.close()  # closing again does nothing
    assert frees["destroy_instance"] == 1


def test_the_context_manager_destroys_the_instance_when_its_body_raises(
        plugin: Plugin, config: dict[str, Any], frees: Counter[str]) -> None:
    with pytest.raises(ConflictError):
        with plugin.create(config) as instance:
            instance.save_settings("acme", "ann@acme.example", 7, {"enabled": False})
    assert instance.closed and frees["destroy_instance"] == 1
    assert not Path(config["database_path"] + "-wal").exists()


def test_each_result_goes_back_through_its_free_function(
        enabled_instance: Instance, frees: Counter[str]) -> None:
    def after(call: Any, raises: type[Exception] | None = None) -> dict[str, int]:
        frees.clear()
        if raises is None:
            call()
        else:
            with pytest.raises(raises):
                call()
        return dict(frees)

    i = enabled_instance
    assert after(i.page_schema) == {"free_string": 1}
    assert after(lambda: i.get_settings("acme")) == {"free_string": 1}
    assert after(lambda: i.save_settings("acme", "ann", 1, {"enabled": True})) == {"free_string": 1}
    assert after(i.stats) == {"free_string": 1}
    assert after(lambda: i.test_connection("acme")) == {"free_string": 1}
    assert after(lambda: i.open_invoice("acme", PAYER, "inv_1")) == {"free_redirect": 1}
    # Failures: the error object is released, and nothing else was handed out.
    assert after(lambda: i.get_settings(""), InvalidArgumentError) == {"free_error": 1}
    assert after(lambda: i.save_settings("acme", "ann", 0, {"enabled": True}),
                 ConflictError) == {"free_error": 1}
    assert after(lambda: i.save_settings("acme", "ann", 2, {"api_key": "x"}),
                 ValidationError) == {"free_error": 1}
    assert after(lambda: i.open_invoice("acme", NOT_A_PAYER, "inv_1"),
                 PayerNotFoundError) == {"free_error": 1}


def test_a_failed_create_releases_its_error(plugin: Plugin, config: dict[str, Any],
                                           frees: Counter[str]) -> None:
    with pytest.raises(ConfigError):
        plugin.create({**config, "deadline_ms": "soon"})
    assert frees == {"free_error": 1}


def test_a_result_is_released_when_reading_it_fails(
        instance: Instance, frees: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_text: str) -> Any:
        raise RuntimeError("cannot decode")

    monkeypatch.setattr("wisepay.plugin.json.loads", broken)
    with pytest.raises(RuntimeError, match="cannot decode"):
        instance.get_settings("acme")
    assert frees == {"free_string": 1}


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_many_calls_leave_no_memory_behind(instance: Instance) -> None:
    """20,000 rounds of a result and two error objects: unreleased, they
    would hold some 10 MB; released, the process does not grow."""
    def round_trip() -> None:
        instance.get_settings("acme")
        with pytest.raises(ValidationError):
            instance.save_settings("acme", "ann@acme.example", 0, {"enabled": True})
        with pytest.raises(InvalidArgumentError):
            instance.get_settings("not a tenant")

    for _ in range(2_000):  # warm up allocator pools and caches
        round_trip()
    before = resident_bytes()
    for _ in range(20_000):
        round_trip()
    grown = resident_bytes() - before
    assert grown < 2 * 1024 * 1024, f"the process grew by {grown} bytes"
