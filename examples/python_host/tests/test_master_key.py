"""Master keys the host hands over from its own secret store: the config
names them {"source": "host", "name": ...}, and create() asks the callable
passed as Plugin.create(master_key=...) for each. A key that works seals and
opens; another key cannot open what it sealed; a source that fails makes
create() fail naming the key, never quoting it."""

from __future__ import annotations

import logging
from typing import Any, Callable

import pytest

from conftest import API_KEY, MASTER_KEY, PAYER, FakeWisePay
from wisepay import ConfigError, CryptoError, Plugin, Status, UnavailableError

KEY_NAME = "wisepay/2026"
HOST_KEY = bytes.fromhex("a1" * 16 + "5e" * 16)
OTHER_KEY = bytes.fromhex("7b" * 32)


def from_host(config: dict[str, Any], name: str = KEY_NAME) -> dict[str, Any]:
    """`config` with its master key to come from the host, under `name`."""
    return {**config, "master_key": {"source": "host", "name": name}}


class SecretStore:
    """The host's secret store: keys by name, and the names asked for."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        self.keys = keys
        self.asked: list[str] = []

    def __call__(self, name: str) -> bytes:
        self.asked.append(name)
        return self.keys[name]


def test_a_key_from_the_host_seals_and_opens(plugin: Plugin, wisepay_config: dict[str, Any],
                                             fake_wisepay: FakeWisePay) -> None:
    store = SecretStore({KEY_NAME: HOST_KEY})
    with plugin.create(from_host(wisepay_config), master_key=store) as instance:
        assert store.asked == [KEY_NAME]  # once, from create()
        saved = instance.save_settings("acme", "ann@acme.example", 0,
                                       {"api_key": fake_wisepay.api_key, "enabled": True})
        assert "warnings" not in saved  # Wise-Pay accepted the key
        assert instance.get_settings("acme")["api_key"] == {"set": True,
                                                           "last4": API_KEY[-4:]}
        # The sealed key opens again: Wise-Pay accepts it, and signs a payer in.
        assert instance.test_connection("acme")["ok"] is True
        assert instance.open_invoice("acme", PAYER, "inv_1").url
    assert store.asked == [KEY_NAME]  # and never again


def test_another_key_from_the_host_cannot_open_what_the_first_sealed(
        plugin: Plugin, wisepay_config: dict[str, Any], fake_wisepay: FakeWisePay) -> None:
    config = from_host(wisepay_config)
    with plugin.create(config, master_key=lambda name: HOST_KEY) as instance:
        instance.save_settings("acme", "ann@acme.example", 0,
                               {"api_key": fake_wisepay.api_key, "enabled": True})
    with plugin.create(config, master_key=lambda name: OTHER_KEY) as other:
        # The settings read fine; only the sealed key does not open.
        assert other.get_settings("acme")["api_key"]["set"] is True
        with pytest.raises(CryptoError) as raised:
            other.test_connection("acme")
        error = raised.value
        assert error.status == Status.CRYPTO and error.code == "master_key_missing"
        assert "master_keys" in error.message  # tells the admin what to do
        with pytest.raises(CryptoError) as clicked:
            other.open_invoice("acme", PAYER, "inv_1")
        assert clicked.value.code == "master_key_missing" and clicked.value.correlation_id
        for message in (error.message, clicked.value.message):
            for key in (HOST_KEY, OTHER_KEY):
                assert key.hex() not in message.lower()


def test_a_host_key_in_a_ring_beside_an_older_key(plugin: Plugin, wisepay_config: dict[str, Any],
                                                  fake_wisepay: FakeWisePay) -> None:
    # Saved under the config's hex key; then the host's key becomes current.
    with plugin.create(wisepay_config) as instance:
        instance.save_settings("acme", "ann@acme.example", 0,
                               {"api_key": fake_wisepay.api_key, "enabled": True})
    ring = {key: value for key, value in wisepay_config.items() if key != "master_key"}
    ring["master_keys"] = [{"source": "hex", "value": MASTER_KEY},
                           {"source": "host", "name": "wisepay/2027", "current": True}]
    store = SecretStore({"wisepay/2027": OTHER_KEY})
    with plugin.create(ring, master_key=store) as rotated:
        assert store.asked == ["wisepay/2027"]
        assert rotated.test_connection("acme")["ok"] is True  # the older key still opens


def test_a_bytearray_key_can_be_cleared_after_create(plugin: Plugin,
                                                     config: dict[str, Any]) -> None:
    key = bytearray(HOST_KEY)
    with plugin.create(from_host(config), master_key=lambda name: key) as instance:
        key[:] = bytes(len(key))  # the plugin holds a copy of its own
        instance.save_settings("acme", "ann@acme.example", 0, {"api_key": API_KEY})
        assert instance.get_settings("acme")["api_key"]["set"] is True
    # The key handed over was the bytearray's content before it was cleared:
    # the same key, from bytes, is the one that sealed.
    # (This config's Wise-Pay cannot be reached: a key that opens gets that
    # far, one that does not stops at CryptoError.)
    with plugin.create(from_host(config), master_key=lambda name: HOST_KEY) as again:
        with pytest.raises(UnavailableError):
            again.test_connection("acme")
    with plugin.create(from_host(config), master_key=lambda name: bytes(32)) as zeroes:
        with pytest.raises(CryptoError):
            zeroes.test_connection("acme")


def raises_quoting_the_key(name: str) -> bytes:
    raise ValueError(f"the secret store refused {name}: {HOST_KEY.hex()}")


def returns_text(name: str) -> Any:
    return HOST_KEY.hex()[:32]


@pytest.mark.parametrize("source, says", [
    (raises_quoting_the_key, "could not hand over"),
    (lambda name: HOST_KEY[:31], "31 bytes"),
    (lambda name: HOST_KEY + b"\x00", "33 bytes"),
    (lambda name: HOST_KEY * 4, "could not hand over"),  # more than the plugin's buffer
    (returns_text, "could not hand over"),
    (SecretStore({"another/name": HOST_KEY}), "could not hand over"),  # KeyError
])
def test_a_source_that_fails_makes_create_fail_naming_the_key(
        plugin: Plugin, config: dict[str, Any], caplog: pytest.LogCaptureFixture,
        source: Callable[[str], bytes], says: str) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError) as raised:
        plugin.create(from_host(config), master_key=source, log=lambda level, message: None)
    error = raised.value
    assert error.status == Status.CONFIG and error.code == "invalid_master_key"
    assert f'"{KEY_NAME}"' in error.message and says in error.message
    secrets = (HOST_KEY.hex(), HOST_KEY.hex()[:32], repr(HOST_KEY)[2:-1])
    for text in (error.message, caplog.text):
        assert not any(secret in text for secret in secrets), text
    if says == "could not hand over":
        # The module's logger says why, by the exception's type only.
        assert KEY_NAME in caplog.text and "master key source" in caplog.text


def test_without_a_source_a_host_key_is_a_config_error(plugin: Plugin,
                                                       config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as raised:
        plugin.create(from_host(config))
    assert f'"{KEY_NAME}"' in raised.value.message
    assert "get_master_key" in raised.value.message


def test_a_source_is_not_asked_when_the_config_names_no_host_key(
        plugin: Plugin, config: dict[str, Any]) -> None:
    store = SecretStore({KEY_NAME: HOST_KEY})
    with plugin.create(config, master_key=store) as instance:
        assert instance.get_settings("acme")["version"] == 0
    assert store.asked == []
