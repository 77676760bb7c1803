"""The command-line host (wisepay_host.py), run as a user runs it: the page
as a text form, save with the key on stdin, show, and invoice clicks over
TLS, one signed in and one refused with the registration link."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import API_KEY, HOST_DIR, NOT_A_PAYER, PAYER, REGISTRATION_PATH, FakeWisePay

SCRIPT = HOST_DIR / "wisepay_host.py"


@pytest.fixture
def cli(plugin_path: str, wisepay_config: dict[str, Any], tmp_path: Path) -> Any:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(wisepay_config))

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(SCRIPT), "--plugin", plugin_path,
                               "--config-file", str(config_file), *args],
                              input=stdin, capture_output=True, text=True, timeout=60)
    return run


def test_page_save_show_and_click(cli: Any, fake_wisepay: FakeWisePay) -> None:
    page = cli("page", "--tenant", "acme")
    assert page.returncode == 0, page.stderr
    assert "Integrations > Wise-Pay" in page.stdout
    assert "API Key (password): (not set)" in page.stdout
    assert "Enabled (checkbox): [ ]" in page.stdout
    assert "[Save Settings]" in page.stdout

    saved = cli("save", "--tenant", "acme", "--actor", "ann@acme.example", "--version", "0",
                "--api-key-stdin", "--enabled", "yes", stdin=API_KEY + "\n")
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["version"] == 1
    assert API_KEY not in saved.stdout + saved.stderr

    shown = cli("show", "--tenant", "acme")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["api_key"] == {"set": True, "last4": API_KEY[-4:]}
    form = cli("page", "--tenant", "acme")
    assert f"(set, ends in {API_KEY[-4:]})" in form.stdout and "[x]" in form.stdout

    click = cli("click", "--tenant", "acme", "--email", PAYER, "--invoice", "inv_7")
    assert click.returncode == 0, click.stderr
    lines = dict(line.split(": ", 1) for line in click.stdout.splitlines())
    assert lines["redirect"].startswith(fake_wisepay.base_url + "/")
    assert lines["open_in_new_tab"] == "yes"

    refused = cli("click", "--tenant", "acme", "--email", NOT_A_PAYER, "--invoice", "inv_7")
    assert refused.returncode == 1
    assert "error: payer_not_found: " in refused.stderr
    assert f"see: {fake_wisepay.base_url}{REGISTRATION_PATH}" in refused.stderr


def test_field_errors_and_conflicts_are_reported(cli: Any) -> None:
    invalid = cli("save", "--tenant", "acme", "--actor", "ann", "--version", "0",
                  "--enabled", "yes")
    assert invalid.returncode == 1
    assert "error: validation_failed: " in invalid.stderr and "  enabled: " in invalid.stderr
    assert cli("save", "--tenant", "acme", "--actor", "ann", "--version", "0",
               "--api-key-stdin", stdin=API_KEY).returncode == 0
    stale = cli("save", "--tenant", "acme", "--actor", "bob", "--version", "0", "--clear-api-key")
    assert stale.returncode == 1 and "error: settings_conflict: " in stale.stderr


def test_usage_and_load_errors_exit_2(cli: Any, wisepay_config: dict[str, Any]) -> None:
    assert cli("show").returncode == 2  # no --tenant
    missing = subprocess.run([sys.executable, str(SCRIPT), "--plugin", "/nonexistent.so",
                              "--config", json.dumps(wisepay_config), "show", "--tenant", "acme"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "cannot load" in missing.stderr
