#!/usr/bin/python3
"""The example C host, end to end: it loads the real plugin, shows the page as
a form, saves settings, and clicks invoices against the stand-in Wise-Pay
portal (plain http on loopback, allowed explicitly in the config).

Usage: host_cli_test.py HOST_CLI MOCK_PORTAL SCRATCH_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import time

DEMO_KEY = "wp_demo_3f9a7c2e41b8d6a5"
results = {"passed": 0, "failed": 0}


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    results["passed" if condition else "failed"] += 1


def main():
    cli_path, mock_path, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        port_file = os.path.join(tmp, "mock.port")
        mock = subprocess.Popen([mock_path, "--port", "0", "--port-file", port_file],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                if os.path.exists(port_file):
                    break
                time.sleep(0.05)
            port = int(open(port_file).read().strip())
            base = "http://127.0.0.1:%d" % port
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
            check(form.returncode == 0, "form exits 0")
            for text in ("Integrations", "Wise-Pay", "API Key", "Enabled", "Save Settings",
                         "Desk Director"):
                check(text in form.stdout, "form shows " + text)

            bad = cli("save", "--tenant", "demo", "--actor", "ann@example.com", "--version", "0",
                      "--api-key-stdin", "--enabled", "yes", stdin="has a space\n")
            check(bad.returncode == 1, "a malformed key is refused (exit 1)")
            check("api_key:" in bad.stderr, "the refusal names the api_key field")

            saved = cli("save", "--tenant", "demo", "--actor", "ann@example.com", "--version",
                        "0", "--api-key-stdin", "--enabled", "yes", stdin="  %s \n" % DEMO_KEY)
            check(saved.returncode == 0, "the demo key saves (exit 0)")
            settings = json.loads(saved.stdout)
            check(settings["version"] == 1 and settings["enabled"], "version 1, enabled")
            check(settings["api_key"] == {"set": True, "last4": "d6a5"}, "only last four shown")

            form = cli("form", "--tenant", "demo")
            check("ends in d6a5" in form.stdout, "the form shows the key masked")
            check(DEMO_KEY not in form.stdout + form.stderr, "the form never shows the key")

            conn = cli("test-connection", "--tenant", "demo")
            check(conn.returncode == 0 and "Demo Merchant" in conn.stdout,
                  "test connection names the merchant")

            click = cli("click", "--tenant", "demo", "--email", "Pat.Payer@example.com",
                        "--invoice", "inv_1001", "--number", "INV-1001")
            check(click.returncode == 0, "a payer's click succeeds")
            check(("redirect: %s/sso/consume?token=" % base) in click.stdout,
                  "the redirect is a sign-in link on the portal")
            check("open_in_new_tab: yes" in click.stdout, "opened in a new tab")

            refused = cli("click", "--tenant", "demo", "--email", "nora.nonpayer@example.com",
                          "--invoice", "inv_2001")
            check(refused.returncode == 1, "a non-payer's click is refused")
            check("payer_not_found" in refused.stderr, "with payer_not_found")
            check("see: %s/payers/register" % base in refused.stderr,
                  "and the registration link")
            every_output = "".join(
                r.stdout + r.stderr for r in (form, bad, saved, conn, click, refused))
            check(DEMO_KEY not in every_output, "the key appears in no output or log line")
        finally:
            mock.terminate()
            mock.wait(timeout=5)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
