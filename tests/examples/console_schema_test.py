#!/usr/bin/python3
"""The console renders the page from the plugin's schema: run it with a
plugin whose page has one more field, and the field shows, with no change
to the console.

Usage: console_schema_test.py ADMIN_CONSOLE EXTRA_FIELD_PLUGIN SCRATCH_DIR
"""
import http.cookiejar
import json
import os
import sys
import tempfile
import urllib.parse
import urllib.request

from harness import Server, check, summary

def main():
    console_bin, plugin, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"database_path": os.path.join(tmp, "settings.db"),
                       "master_key": {"source": "hex", "value": "ab" * 32},
                       "wisepay_base_url": "https://127.0.0.1:9"}, f)
        console = Server([console_bin, "--plugin", plugin, "--config-file", config], tmp,
                         "console")
        try:
            base = console.origin
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            opener.open(base + "/login", data=urllib.parse.urlencode({"user": "ada"}).encode())
            page = opener.open(base + "/admin/integrations/wisepay").read().decode()
            check("the added field is rendered", 'id="field-support_email"' in page)
            check("with its label", "Support email" in page)
            check("and its help text", "Shown to payers who need help." in page)
            check("in the order the ui hints give", page.index('id="field-enabled"') < page.index('id="field-support_email"'))
            check("beside the plugin's own fields", 'id="field-api_key"' in page)
        finally:
            console.kill()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
