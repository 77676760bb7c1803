#!/usr/bin/python3
"""Checks the plugin's page document with a real JSON Schema validator.

The "schema" part must be a valid draft 2020-12 schema (checked against the
meta-schema), must accept what a host may send and reject what the plugin
refuses, and the "ui" part must describe every field the schema has.

Usage: check_page_schema.py DUMP_PAGE_PROGRAM PLUGIN_SO SCRATCH_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def main():
    dump, plugin, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        out = subprocess.run([dump, plugin, os.path.join(tmp, "settings.db")],
                             check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    schema = doc["schema"]

    Draft202012Validator.check_schema(schema)  # raises SchemaError when invalid
    check(True, "schema is valid against the draft 2020-12 meta-schema")
    check(schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema",
          "schema declares draft 2020-12")
    check((doc["menu"], doc["title"]) == ("Integrations", "Wise-Pay"),
          "page is Integrations > Wise-Pay")

    validator = Draft202012Validator(schema)
    accepted = [
        {},
        {"enabled": False},
        {"api_key": "wp_live_abcdefgh"},
        {"api_key": "  wp_live_abcdefgh\n", "enabled": True},
        {"api_key": None},
    ]
    rejected = [
        {"enabled": "yes"},
        {"webhook": "https://example.com"},
        {"api_key": ""},
        {"api_key": "has space inside"},
        {"api_key": "k" * 257},
        {"api_key": 12345678},
        {"api_key": "caf\u00e9-key-123"},
        [],
    ]
    for instance in accepted:
        check(validator.is_valid(instance), "schema accepts " + json.dumps(instance))
    for instance in rejected:
        check(not validator.is_valid(instance), "schema rejects " + json.dumps(instance)[:60])

    ui = doc["ui"]
    properties = schema["properties"]
    check(sorted(ui["order"]) == sorted(properties), "ui.order lists every schema property once")
    for name in properties:
        field = ui["fields"].get(name, {})
        check(bool(field.get("label")) and bool(field.get("widget")),
              "field %s has a label and a widget" % name)
    check(ui["fields"]["api_key"]["widget"] == "password", "API Key uses a password widget")
    check(properties["api_key"].get("writeOnly") is True, "API Key is writeOnly in the schema")
    check(ui["fields"]["enabled"]["widget"] == "checkbox", "Enabled uses a checkbox")
    check(any(a["label"] == "Save Settings" and a["kind"] == "submit" for a in ui["actions"]),
          "the Save Settings action is there")

    print("%d passed, %d failed" % (0 if failures else 1, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
