#!/usr/bin/python3
"""The example C host, end to end: it loads the real plugin, shows the page as
a form, saves settings, and clicks invoices against the stand-in Wise-Pay
(plain http on loopback, allowed explicitly in the config).

Usage: host_cli_test.py HOST_CLI STANDIN_WISEPAY SCRATCH_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

from harness import Server, check, summary

DEMO_KEY = "wp_demo_3f9a7c2e41b8d6a5"
def main():
    cli_path, standin_path, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        standin = Server([standin_path], tmp, "standin")
        try:
            base = standin.origin
            config = os.path.join(tmp, "config.json")
            with open(config, "w") as f:
                json.dump({"database_path": os.path.join(tmp, "settings.db"),
                           "master_key": {"source": "file", "path": os.path.join(tmp, "key"),
                                          "create": True},
                           "wisepay_base_url": base, "allow_insecure_http": True,
                           "deadline_ms": 3000}, f)

            def cli(*args, stdin=None):
                return subprocess.run([cli_path, "--config-file", config] + list(args),
                                      input=stdin, capture_output=True, text=True, timeout=30)

            form = cli("form", "--tenant", "demo")
            check("form exits 0", form.returncode == 0)
            for text in ("Integrations", "Wise-Pay", "API Key", "Enabled", "Save Settings",
                         "Desk Director"):
                check("form shows " + text, text in form.stdout)

            bad = cli("save", "--tenant", "demo", "--actor", "ann@example.com", "--version", "0",
                      "--api-key-stdin", "--enabled", "yes", stdin="has a space\n")
            check("a malformed key is refused (exit 1)", bad.returncode == 1)
            check("the refusal names the api_key field", "api_key:" in bad.stderr)

            saved = cli("save", "--tenant", "demo", "--actor", "ann@example.com", "--version",
                        "0", "--api-key-stdin", "--enabled", "yes", stdin="  %s \n" % DEMO_KEY)
            check("the demo key saves (exit 0)", saved.returncode == 0)
            settings = json.loads(saved.stdout)
            check("version 1, enabled", settings["version"] == 1 and settings["enabled"])
            check("only last four shown", settings["api_key"] == {"set": True, "last4": "d6a5"})

            form = cli("form", "--tenant", "demo")
            check("the form shows the key masked", "ends in d6a5" in form.stdout)
            check("the form never shows the key", DEMO_KEY not in form.stdout + form.stderr)

            conn = cli("test-connection", "--tenant", "demo")
            check("test connection names the merchant", conn.returncode == 0 and "Demo Merchant" in conn.stdout)

            click = cli("click", "--tenant", "demo", "--email", "Pat.Payer@example.com",
                        "--invoice", "inv_1001", "--number", "INV-1001")
            check("a payer's click succeeds", click.returncode == 0)
            check("the redirect is a sign-in link on the portal", ("redirect: %s/sso/consume?token=" % base) in click.stdout)
            check("opened in a new tab", "open_in_new_tab: yes" in click.stdout)

            refused = cli("click", "--tenant", "demo", "--email", "nora.nonpayer@example.com",
                          "--invoice", "inv_2001")
            check("a non-payer's click is refused", refused.returncode == 1)
            check("with payer_not_found", "payer_not_found" in refused.stderr)
            check("and the registration link", "see: %s/payers/register" % base in refused.stderr)
            # The move of a single-node database into another one (PostgreSQL
            # in a fleet; here another file, with the same master key).
            moved_config = os.path.join(tmp, "moved.json")
            with open(config) as f:
                moved = json.load(f)
            moved["database_path"] = os.path.join(tmp, "moved.db")
            with open(moved_config, "w") as f:
                json.dump(moved, f)

            def moved_cli(*args):
                return subprocess.run([cli_path, "--config-file", moved_config] + list(args),
                                      capture_output=True, text=True, timeout=30)

            copied = moved_cli("copy-from-sqlite", "--sqlite-file", os.path.join(tmp, "settings.db"))
            check("copy-from-sqlite exits 0", copied.returncode == 0)
            check("it reports one tenant and its audit row",
                  "copied: 1 tenants, 1 audit rows" in copied.stdout)
            shown = moved_cli("show", "--tenant", "demo")
            check("the copy keeps the version and the key",
                  json.loads(shown.stdout)["version"] == 1 and "d6a5" in shown.stdout)
            moved_click = moved_cli("click", "--tenant", "demo", "--email",
                                    "Pat.Payer@example.com", "--invoice", "inv_1002")
            check("the copied key still opens: a click succeeds", moved_click.returncode == 0)
            again = moved_cli("copy-from-sqlite", "--sqlite-file", os.path.join(tmp, "settings.db"))
            check("a second copy is refused (exit 1)", again.returncode == 1)
            check("because the tenant exists", "tenant_exists" in again.stderr)

            every_output = "".join(
                r.stdout + r.stderr
                for r in (form, bad, saved, conn, click, refused, copied, shown, moved_click, again))
            check("the key appears in no output or log line", DEMO_KEY not in every_output)
        finally:
            standin.kill()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
