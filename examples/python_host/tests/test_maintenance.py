"""The maintenance extension ("wisepay.maintenance/1") through the Python
host: re-sealing every API key under the ring's current master key, a few
tenants at a time, and copying a single-node SQLite database into another
database, all or nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import API_KEY, MASTER_KEY, FakeWisePay
from wisepay import (ConflictError, CopyReport, CryptoError, Instance, InvalidArgumentError,
                     Plugin, Status)

OPS = "ops@portal.example"
NEW_KEY = "9d" * 32
UNKNOWN_KEY = "e4" * 32
TENANTS = ("acme", "globex")


def with_ring(config: dict[str, Any], *keys: str, current: str) -> dict[str, Any]:
    """`config` with a ring of hex master keys, `current` the one that seals."""
    ring = {name: value for name, value in config.items() if name != "master_key"}
    ring["master_keys"] = []
    for key in keys:
        entry: dict[str, Any] = {"source": "hex", "value": key}
        if key == current:
            entry["current"] = True
        ring["master_keys"].append(entry)
    return ring


def save_tenants(instance: Instance) -> None:
    for tenant in TENANTS:
        instance.save_settings(tenant, "ann@acme.example", 0, {"api_key": API_KEY,
                                                              "enabled": True})


def test_reseal_moves_every_key_under_the_current_master_key(
        plugin: Plugin, wisepay_config: dict[str, Any], fake_wisepay: FakeWisePay,
        frees: Counter[str]) -> None:
    with plugin.create(wisepay_config) as old:  # sealed under MASTER_KEY
        save_tenants(old)
    with plugin.create(with_ring(wisepay_config, MASTER_KEY, NEW_KEY,
                                 current=NEW_KEY)) as ring:
        frees.clear()
        first = ring.reseal_keys(OPS, max_tenants=1)
        assert frees == {"free_reseal_report": 1}
        assert (first.resealed, first.remaining) == (1, 1)
        assert len(first.remaining_by_key) == 1
        old_id = next(iter(first.remaining_by_key))
        assert first.remaining_by_key == {old_id: 1}
        assert first.current_key_id and first.current_key_id != old_id

        rest = ring.reseal_keys(OPS)
        assert (rest.resealed, rest.remaining, rest.remaining_by_key) == (1, 0, {})
        assert rest.current_key_id == first.current_key_id
        assert ring.reseal_keys(OPS).resealed == 0  # nothing left: a rerun does nothing

        # Each tenant's trail says so, by the operator, never with a key;
        # the settings' version did not move.
        for tenant in TENANTS:
            newest = ring.audit(tenant).entries[0]
            assert newest.actor == OPS
            assert newest.changes["api_key"] == "re-sealed"
            assert first.current_key_id in newest.summary
            assert MASTER_KEY not in repr(newest) and NEW_KEY not in repr(newest)
            assert ring.settings_view(tenant).version == 1

    # The old master key can go: the new one alone opens every key.
    with plugin.create(with_ring(wisepay_config, NEW_KEY, current=NEW_KEY)) as only_new:
        for tenant in TENANTS:
            assert only_new.test_connection(tenant)["ok"] is True

    # A ring without the key a row was sealed under: named by its id.
    with plugin.create(with_ring(wisepay_config, UNKNOWN_KEY, current=UNKNOWN_KEY)) as lacking:
        frees.clear()
        with pytest.raises(CryptoError) as raised:
            lacking.reseal_keys(OPS)
        assert frees == {"free_error": 1}
    error = raised.value
    assert error.status == Status.CRYPTO and error.code == "master_key_missing"
    assert first.current_key_id in error.message
    assert NEW_KEY not in error.message and UNKNOWN_KEY not in error.message


def test_reseal_arguments(instance: Instance) -> None:
    with pytest.raises(InvalidArgumentError):
        instance.reseal_keys("")  # no actor for the audit rows
    for name in ("max_tenants", "deadline_ms"):
        with pytest.raises(ValueError, match=name):
            instance.reseal_keys(OPS, **{name: -1})


def test_copy_from_sqlite_copies_settings_and_trail_all_or_nothing(
        plugin: Plugin, config: dict[str, Any], tmp_path: Path, frees: Counter[str]) -> None:
    source = Path(config["database_path"])
    with plugin.create(config) as single_node:
        save_tenants(single_node)
        single_node.save_settings("acme", "bob@acme.example", 1, {"enabled": False})
        views = {tenant: single_node.settings_view(tenant) for tenant in TENANTS}
        trails = {tenant: single_node.audit(tenant) for tenant in TENANTS}

    target = {**config, "database_path": str(tmp_path / "target.db")}
    with plugin.create(target) as instance:
        frees.clear()
        assert instance.copy_from_sqlite(source) == CopyReport(tenants=2, audit_rows=3)
        assert frees == {"free_copy_report": 1}
        for tenant in TENANTS:  # as they were: versions, times, who, the trail
            assert instance.settings_view(tenant) == views[tenant]
            assert instance.audit(tenant) == trails[tenant]

        # A second copy would overwrite: refused, nothing written.
        with pytest.raises(ConflictError) as raised:
            instance.copy_from_sqlite(str(source))
        assert raised.value.code == "tenant_exists" and "acme" in raised.value.message
        assert instance.audit("acme") == trails["acme"]

        with pytest.raises(InvalidArgumentError) as missing:
            instance.copy_from_sqlite(tmp_path / "no-such.db")
        assert missing.value.code == "invalid_sqlite_path"
