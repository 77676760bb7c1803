#!/usr/bin/python3
"""The console renders the page from the plugin's schema: run it with a
plugin whose page has one more field, and the field shows, with no change
to the console.

Usage: console_schema_test.py ADMIN_CONSOLE EXTRA_FIELD_PLUGIN SCRATCH_DIR
"""
import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

results = {"passed": 0, "failed": 0}


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    results["passed" if condition else "failed"] += 1


def main():
    console_bin, plugin, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"database_path": os.path.join(tmp, "settings.db"),
                       "master_key": {"source": "hex", "value": "ab" * 32},
                       "wisepay_base_url": "https://127.0.0.1:9"}, f)
        port_file = os.path.join(tmp, "port")
        console = subprocess.Popen([console_bin, "--plugin", plugin, "--config-file", config,
                                    "--port", "0", "--port-file", port_file],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(port_file) and open(port_file).read().strip():
                    break
                time.sleep(0.05)
            base = "http://127.0.0.1:%s" % open(port_file).read().strip()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            opener.open(base + "/login", data=urllib.parse.urlencode({"user": "ada"}).encode())
            page = opener.open(base + "/admin/integrations/wisepay").read().decode()
            check('id="field-support_email"' in page, "the added field is rendered")
            check("Support email" in page, "with its label")
            check("Shown to payers who need help." in page, "and its help text")
            check(page.index('id="field-enabled"') < page.index('id="field-support_email"'),
                  "in the order the ui hints give")
            check('id="field-api_key"' in page, "beside the plugin's own fields")
        finally:
            console.terminate()
            console.wait(timeout=10)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
