"""The typed extensions through the Python host: a tenant's settings view
("wisepay.settings-view/1") before and after saves and as clicks change its
health (unreachable, key rejected, switched off in Wise-Pay), the audit
trail ("wisepay.audit/1") newest first a page at a time, every result
released through its extension's free function, and a plugin that lacks an
extension (test_maintenance.py has "wisepay.maintenance/1")."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime
from typing import Any, Callable

import pytest

from conftest import API_KEY, PAYER, SWITCHED_OFF_KEY, FakeWisePay
from wisepay import (AuditEntry, ExtensionUnavailableError, Health, Instance,
                     InvalidArgumentError, KeyRejectedError, NotImplementedInPluginError, Plugin,
                     SettingsView, Status, UnavailableError, UpstreamDisabledError)
from wisepay._abi import AuditApiStruct, MaintenanceApiStruct, SettingsViewApiStruct

SECOND_KEY = "wp_live_second_77aa"


def near_now(unix: int) -> bool:
    return time.time() - 10 <= unix <= time.time() + 1


def unix_of(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def test_a_tenant_that_never_saved(instance: Instance) -> None:
    assert instance.settings_view("acme") == SettingsView(
        version=0, enabled=False, api_key_set=False, api_key_last4="", updated_at=0,
        updated_by="", health=Health.OK, health_since=0, last_success=0, health_message="",
        link_available=False)


def test_the_view_after_saves_says_what_get_settings_says(instance: Instance) -> None:
    instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY, "enabled": True})
    view = instance.settings_view("acme")
    assert (view.version, view.enabled, view.api_key_set) == (1, True, True)
    assert view.api_key_last4 == API_KEY[-4:]
    assert view.updated_by == "ann@acme.example"
    assert near_now(view.updated_at)
    assert view.health == Health.OK and view.health_message == ""
    assert view.link_available is True  # Enabled, a key, nothing rejected
    assert API_KEY not in repr(view)
    settings = instance.get_settings("acme")
    assert view.updated_at == unix_of(settings["updated_at"])

    instance.save_settings("acme", "bob@acme.example", 1, {"enabled": False})
    disabled = instance.settings_view("acme")
    assert (disabled.version, disabled.enabled, disabled.updated_by) == \
        (2, False, "bob@acme.example")
    assert disabled.api_key_set is True and disabled.api_key_last4 == API_KEY[-4:]
    assert disabled.link_available is False  # links hide while Enabled is off

    instance.save_settings("acme", "bob@acme.example", 2, {"api_key": None})
    removed = instance.settings_view("acme")
    assert (removed.version, removed.api_key_set, removed.api_key_last4) == (3, False, "")
    # Another tenant is untouched.
    assert instance.settings_view("globex").version == 0


def test_clicks_that_cannot_reach_wise_pay_show_as_health(instance: Instance) -> None:
    # This config's Wise-Pay cannot be reached.
    instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY, "enabled": True})
    for _ in range(3):  # a problem only from the third click in a row
        with pytest.raises(UnavailableError):
            instance.open_invoice("acme", PAYER, "inv_1")
    view = instance.settings_view("acme")
    assert view.health == Health.UNREACHABLE
    assert near_now(view.health_since) and view.last_success == 0
    assert "Wise-Pay" in view.health_message
    assert view.link_available is True  # Wise-Pay may be back at the next click
    assert instance.get_settings("acme")["health"]["state"] == "unreachable"


def test_a_key_wise_pay_rejects_hides_the_links(plugin: Plugin, config: dict[str, Any],
                                                wisepay_config: dict[str, Any],
                                                fake_wisepay: FakeWisePay) -> None:
    # Saved while Wise-Pay could not check it; the fake does not know it.
    unknown_key = "wp_live_revoked_0042"
    with plugin.create(config) as offline:
        offline.save_settings("acme", "ann@acme.example", 0,
                              {"api_key": unknown_key, "enabled": True})
        with plugin.create(wisepay_config) as online:  # the same database
            with pytest.raises(KeyRejectedError):
                online.open_invoice("acme", PAYER, "inv_1")
        # Every instance on the database sees it.
        view = offline.settings_view("acme")
    assert view.health == Health.KEY_REJECTED and near_now(view.health_since)
    assert view.health_message and unknown_key not in view.health_message
    assert view.link_available is False


def test_an_integration_switched_off_in_wise_pay_shows_as_health(
        plugin: Plugin, wisepay_config: dict[str, Any], fake_wisepay: FakeWisePay) -> None:
    with plugin.create(wisepay_config) as instance:
        saved = instance.save_settings("acme", "ann@acme.example", 0,
                                       {"api_key": SWITCHED_OFF_KEY, "enabled": True})
        # Saved, with a warning that says what to switch on.
        assert any("switched off" in warning for warning in saved["warnings"])
        with pytest.raises(UpstreamDisabledError) as raised:
            instance.open_invoice("acme", PAYER, "inv_1")
        # The portal user is not sent to an administrator's menu.
        assert "Configure >" not in raised.value.message
        view = instance.settings_view("acme")
    assert view.health == Health.UPSTREAM_DISABLED and near_now(view.health_since)
    assert "Desk Director" in view.health_message
    assert SWITCHED_OFF_KEY not in view.health_message
    assert view.link_available is False


def all_pages(instance: Instance, tenant: str, limit: int) -> list[list[AuditEntry]]:
    pages, before = [], 0
    for _ in range(100):
        page = instance.audit(tenant, limit=limit, before_id=before)
        pages.append(list(page.entries))
        if page.next_before_id == 0:
            return pages
        assert page.next_before_id == page.entries[-1].id
        before = page.next_before_id
    pytest.fail("the audit trail's pages never end")


def test_the_audit_trail_newest_first_a_page_at_a_time(instance: Instance) -> None:
    instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY, "enabled": True})
    for version in range(1, 6):
        instance.save_settings("acme", f"admin{version}@acme.example", version,
                               {"enabled": version % 2 == 0})
    instance.save_settings("acme", "bob@acme.example", 6, {"api_key": SECOND_KEY})
    instance.save_settings("acme", "bob@acme.example", 7, {"api_key": None})
    instance.save_settings("globex", "gus@globex.example", 0, {"api_key": API_KEY})

    pages = all_pages(instance, "acme", 3)
    assert [len(page) for page in pages] == [3, 3, 2]
    entries = [entry for page in pages for entry in page]
    assert [entry.version for entry in entries] == list(range(8, 0, -1))
    ids = [entry.id for entry in entries]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8

    newest, oldest = entries[0], entries[-1]
    assert newest.actor == "bob@acme.example"
    assert newest.changes == {"api_key": "removed"} and newest.summary == "API key removed"
    assert entries[1].changes == {"api_key": "replaced"}
    assert entries[2].changes == {"enabled": {"from": True, "to": False}}
    assert entries[2].summary == "Enabled turned off" and entries[2].actor == "admin5@acme.example"
    assert oldest.actor == "ann@acme.example"
    assert oldest.changes == {"enabled": {"from": False, "to": True}, "api_key": "set"}
    assert "API key set" in oldest.summary
    assert all(near_now(entry.at) for entry in entries)
    for entry in entries:  # only that the key changed, never the key
        text = entry.summary + json.dumps(entry.changes) + repr(entry)
        assert API_KEY not in text and SECOND_KEY not in text
        assert API_KEY[-4:] not in text and SECOND_KEY[-4:] not in text

    # The default page (20) holds all eight; another tenant's trail is its own.
    everything = instance.audit("acme")
    assert everything.entries == tuple(entries) and everything.next_before_id == 0
    globex = instance.audit("globex")
    assert [(e.actor, e.changes) for e in globex.entries] == \
        [("gus@globex.example", {"api_key": "set"})]
    assert instance.audit("initech").entries == ()


def test_audit_arguments(instance: Instance) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        instance.audit("acme", limit=101)
    assert raised.value.code == "invalid_limit" and raised.value.message
    with pytest.raises(InvalidArgumentError) as raised:
        instance.audit("acme", before_id=-1)
    assert raised.value.code == "invalid_before_id"
    with pytest.raises(InvalidArgumentError) as raised:
        instance.audit("not a tenant")
    assert raised.value.code == "invalid_tenant_id"
    with pytest.raises(InvalidArgumentError) as raised:
        instance.settings_view("not a tenant")
    assert raised.value.code == "invalid_tenant_id"
    # What ctypes would wrap into another number is refused before the call.
    for limit in (-1, 1 << 32):
        with pytest.raises(ValueError, match="limit"):
            instance.audit("acme", limit=limit)
    with pytest.raises(ValueError, match="before_id"):
        instance.audit("acme", before_id=1 << 63)


def test_each_result_goes_back_through_its_extensions_free_function(
        instance: Instance, frees: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY})
    frees.clear()
    instance.settings_view("acme")
    assert frees == {"free_view": 1}
    frees.clear()
    instance.audit("acme")
    assert frees == {"free_audit_page": 1}
    frees.clear()
    with pytest.raises(InvalidArgumentError):
        instance.settings_view("")
    with pytest.raises(InvalidArgumentError):
        instance.audit("acme", limit=500)
    assert frees == {"free_error": 2}

    # Released also when reading the result fails.
    def broken(_struct: Any) -> Any:
        raise RuntimeError("cannot read")

    monkeypatch.setattr("wisepay.plugin.read_settings_view", broken)
    monkeypatch.setattr("wisepay.plugin.read_audit_page", broken)
    frees.clear()
    with pytest.raises(RuntimeError, match="cannot read"):
        instance.settings_view("acme")
    with pytest.raises(RuntimeError, match="cannot read"):
        instance.audit("acme")
    assert frees == {"free_view": 1, "free_audit_page": 1}


@pytest.mark.parametrize("extension_id, table_type, call", [
    ("wisepay.settings-view/1", SettingsViewApiStruct, lambda i: i.settings_view("acme")),
    ("wisepay.audit/1", AuditApiStruct, lambda i: i.audit("acme")),
    ("wisepay.maintenance/1", MaintenanceApiStruct, lambda i: i.reseal_keys("ops")),
])
def test_a_plugin_without_the_extension(plugin_path: str, config: dict[str, Any],
                                        monkeypatch: pytest.MonkeyPatch, extension_id: str,
                                        table_type: type[Any],
                                        call: Callable[[Instance], object]) -> None:
    lacking = Plugin(plugin_path)  # looks extensions up afresh
    monkeypatch.setattr(lacking, "get_extension", lambda _id, _type: None)
    with lacking.create(config) as instance:
        with pytest.raises(ExtensionUnavailableError) as raised:
            call(instance)
    error = raised.value
    assert isinstance(error, NotImplementedInPluginError)
    assert error.status == Status.NOT_IMPLEMENTED and error.code == "extension_unavailable"
    assert error.extension_id == extension_id
    assert f"does not offer the extension {extension_id}" in error.message

    # A table shorter than its header declares (its functions cut off).
    short = Plugin(plugin_path)
    monkeypatch.setattr(short, "get_extension", lambda _id, _type: table_type(4))
    with short.create(config) as instance:
        with pytest.raises(ExtensionUnavailableError, match="incomplete table"):
            call(instance)
