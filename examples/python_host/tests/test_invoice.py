"""Invoice clicks through the Python host against the fake Wise-Pay over
TLS: a payer is signed in, a user who is not a payer is refused with the
registration link, and the other refusals arrive as their exceptions."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from conftest import NOT_A_PAYER, PAYER, REGISTRATION_PATH, FakeWisePay
from wisepay import (DisabledError, Instance, NoApiKeyError, PayerNotFoundError, Plugin, Status,
                     UnavailableError)


def test_a_payer_is_signed_in(enabled_instance: Instance, fake_wisepay: FakeWisePay) -> None:
    redirect = enabled_instance.open_invoice("acme", PAYER, "inv_1042", invoice_number="1042",
                                             return_url="https://portal.example/invoices/1042")
    assert redirect.url.startswith(fake_wisepay.base_url + "/")
    assert redirect.expires_at > time.time()
    assert redirect.open_in_new_tab is True
    assert redirect.url not in repr(redirect)  # a credential stays out of logs


def test_a_user_who_is_not_a_payer_is_refused_with_the_registration_link(
        enabled_instance: Instance, fake_wisepay: FakeWisePay) -> None:
    with pytest.raises(PayerNotFoundError) as raised:
        enabled_instance.open_invoice("acme", NOT_A_PAYER, "inv_1042")
    error = raised.value
    assert error.status == Status.PAYER_NOT_FOUND and error.code == "payer_not_found"
    assert NOT_A_PAYER in error.message
    assert error.help_url == fake_wisepay.base_url + REGISTRATION_PATH
    assert error.field_errors == ()


def test_clicks_from_many_threads(enabled_instance: Instance) -> None:
    def click(n: int) -> Any:
        return enabled_instance.open_invoice("acme", PAYER, f"inv_{n}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        urls = {redirect.url for redirect in pool.map(click, range(16))}
    assert len(urls) == 16  # each click gets a sign-in URL of its own


def test_the_saved_key_tests_ok(enabled_instance: Instance) -> None:
    answer = enabled_instance.test_connection("acme")
    assert answer["ok"] is True and answer["merchant_name"]


def test_refusals_before_wise_pay_is_asked(plugin: Plugin, wisepay_config: dict[str, Any],
                                          fake_wisepay: FakeWisePay) -> None:
    with plugin.create(wisepay_config) as instance:
        with pytest.raises(NoApiKeyError):
            instance.open_invoice("acme", PAYER, "inv_1")
        instance.save_settings("acme", "ann@acme.example", 0, {"api_key": fake_wisepay.api_key})
        with pytest.raises(DisabledError) as raised:
            instance.open_invoice("acme", PAYER, "inv_1")
        assert raised.value.message


def test_an_unreachable_wise_pay_gives_a_correlation_id(plugin: Plugin,
                                                         config: dict[str, Any]) -> None:
    with plugin.create({**config, "deadline_ms": 500}) as instance:
        instance.save_settings("acme", "ann@acme.example", 0,
                               {"api_key": "wp_unreachable_key", "enabled": True})
        with pytest.raises(UnavailableError) as raised:
            instance.open_invoice("acme", PAYER, "inv_1")
    assert raised.value.correlation_id  # for support; the same id is in the log


@pytest.mark.parametrize("deadline_ms", [-1, 1 << 32, (1 << 32) + 5_000])
def test_a_deadline_a_c_uint32_cannot_hold_is_refused_not_wrapped(
        enabled_instance: Instance, deadline_ms: int) -> None:
    # ctypes would store 2**32 + 5000 as 5000 without a word.
    with pytest.raises(ValueError, match="deadline_ms"):
        enabled_instance.open_invoice("acme", PAYER, "inv_1", deadline_ms=deadline_ms)
    with pytest.raises(ValueError, match="deadline_ms"):
        enabled_instance.test_connection("acme", deadline_ms=deadline_ms)
    not_an_int: Any = 2.5
    with pytest.raises(TypeError, match="deadline_ms"):
        enabled_instance.open_invoice("acme", PAYER, "inv_1", deadline_ms=not_an_int)
