"""The settings page through the Python host: the page document, save and
read back, validation and conflicts as exceptions, and invalid arguments
refused by the plugin (or, where C cannot carry them, by the module)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import API_KEY, FakeWisePay
from wisepay import (ConfigError, ConflictError, Instance, InvalidArgumentError, Plugin,
                     PluginLoadError, Status, ValidationError)


def test_the_page_document_and_the_registered_page(instance: Instance) -> None:
    page = instance.page_schema()
    assert (page["page_id"], page["menu"], page["title"]) == ("wisepay", "Integrations", "Wise-Pay")
    properties = page["schema"]["properties"]
    assert properties["api_key"]["writeOnly"] is True
    assert properties["enabled"]["type"] == "boolean"
    assert page["ui"]["fields"]["api_key"]["widget"] == "password"
    assert {"id": "save", "label": "Save Settings"}.items() <= page["ui"]["actions"][0].items()
    # create() registered the same page through the host's callback.
    assert instance.page is not None
    assert (instance.page.page_id, instance.page.menu, instance.page.title) == \
        ("wisepay", "Integrations", "Wise-Pay")
    assert instance.page.document == page


def test_save_then_read_back(instance: Instance) -> None:
    assert instance.get_settings("acme")["version"] == 0
    saved = instance.save_settings("acme", "ann@acme.example", 0,
                                   {"api_key": f"  {API_KEY}\n", "enabled": True})
    assert saved["version"] == 1 and saved["enabled"] is True
    assert saved["api_key"] == {"set": True, "last4": API_KEY[-4:]}
    # A new key is checked with Wise-Pay first; this config's Wise-Pay
    # cannot be reached, so the key is saved unchecked and the answer says
    # so. The warning belongs to the save's answer, not to the settings.
    warnings = saved.pop("warnings")
    assert len(warnings) == 1
    assert "Wise-Pay could not be reached" in warnings[0]
    assert API_KEY not in warnings[0]
    read = instance.get_settings("acme")
    assert "warnings" not in read
    assert read == saved
    assert read["updated_by"] == "ann@acme.example"
    assert API_KEY not in json.dumps(read)
    # Leaving the key out keeps it; null removes it. Neither brings a new
    # key, so neither asks Wise-Pay nor warns.
    kept = instance.save_settings("acme", "ann@acme.example", 1, {"enabled": False})
    assert kept["api_key"]["set"] is True and kept["enabled"] is False
    assert "warnings" not in kept
    cleared = instance.save_settings("acme", "ann@acme.example", 2, {"api_key": None})
    assert cleared["api_key"] == {"set": False, "last4": None} and cleared["version"] == 3
    assert "warnings" not in cleared


@pytest.mark.parametrize("settings, field", [
    ({"enabled": True}, "enabled"),                   # enabled without a key
    ({"api_key": "wp_\x01control"}, "api_key"),       # a control character
    ({"api_key": "short"}, "api_key"),                # too short
    ({"api_key": "k" * 10_000}, "api_key"),           # absurdly long
    ({"api_key": "   "}, "api_key"),                  # empty once trimmed
])
def test_validation_errors_are_exceptions_with_field_errors(
        instance: Instance, settings: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        instance.save_settings("acme", "ann@acme.example", 0, settings)
    error = raised.value
    assert error.status == Status.VALIDATION and error.code == "validation_failed"
    assert field in error.field_messages and error.field_messages[field]
    assert error.message
    assert instance.get_settings("acme")["version"] == 0  # nothing written


def test_a_stale_version_is_a_conflict(instance: Instance) -> None:
    instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY})
    with pytest.raises(ConflictError) as raised:
        instance.save_settings("acme", "bob@acme.example", 0, {"enabled": True})
    assert raised.value.code == "settings_conflict"
    assert "ann@acme.example" in raised.value.message
    settings = instance.get_settings("acme")
    assert settings["version"] == 1 and settings["enabled"] is False


@pytest.mark.parametrize("call, code", [
    (lambda i: i.get_settings(""), "invalid_tenant_id"),
    (lambda i: i.get_settings("no spaces allowed"), "invalid_tenant_id"),
    (lambda i: i.get_settings(None), "invalid_tenant_id"),  # passed on as NULL
    (lambda i: i.save_settings("acme", "ann", 0, "{not json"), "malformed_json"),
    (lambda i: i.open_invoice("acme", "not-an-email", "inv_1"), "invalid_email"),
    (lambda i: i.open_invoice("acme", "pat@customer.example", ""), "invalid_invoice"),
])
def test_invalid_arguments_raise_the_plugins_error(instance: Instance, call: Any,
                                                   code: str) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        call(instance)
    assert raised.value.status == Status.INVALID_ARGUMENT
    assert raised.value.code == code and raised.value.message


def test_what_c_cannot_carry_is_refused_before_the_call(instance: Instance) -> None:
    calls_before = instance.stats()["calls"]["get_settings"]
    with pytest.raises(ValueError, match="NUL"):
        instance.get_settings("acme\0other")
    with pytest.raises(TypeError):
        instance.get_settings(b"acme")  # type: ignore[arg-type]
    assert instance.stats()["calls"]["get_settings"] == calls_before
    # An expected version beyond int64_t would wrap into another version.
    saves_before = instance.stats()["calls"]["save_settings"]
    with pytest.raises(ValueError, match="expected_version"):
        instance.save_settings("acme", "ann@acme.example", 1 << 64, {"enabled": False})
    assert instance.stats()["calls"]["save_settings"] == saves_before


def test_a_bad_config_is_a_config_error(plugin: Plugin, config: dict[str, Any]) -> None:
    del config["master_key"]
    with pytest.raises(ConfigError) as raised:
        plugin.create(config)
    assert raised.value.code == "invalid_config" and "master_key" in raised.value.message


def test_a_missing_module_is_a_load_error() -> None:
    with pytest.raises(PluginLoadError):
        Plugin("/nonexistent/libwisepay_plugin.so")


def test_a_new_key_wise_pay_rejects_is_a_field_error(plugin: Plugin,
                                                     wisepay_config: dict[str, Any],
                                                     fake_wisepay: FakeWisePay) -> None:
    with plugin.create(wisepay_config) as instance:
        with pytest.raises(ValidationError) as raised:
            instance.save_settings("acme", "ann@acme.example", 0,
                                   {"api_key": "wp_live_unknown_0042", "enabled": True})
        assert "api_key" in raised.value.field_messages
        assert "wp_live_unknown_0042" not in raised.value.field_messages["api_key"]
        assert instance.get_settings("acme")["version"] == 0  # nothing written
        # The key Wise-Pay knows is saved, checked: no warnings.
        saved = instance.save_settings("acme", "ann@acme.example", 0,
                                       {"api_key": fake_wisepay.api_key, "enabled": True})
        assert saved["version"] == 1 and "warnings" not in saved
