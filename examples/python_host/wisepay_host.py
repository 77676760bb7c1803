#!/usr/bin/env python3
"""wisepay_host.py - a command-line host for the Wise-Pay plugin in Python,
on the `wisepay` package beside it: shows the settings page as a text form,
saves and shows a tenant's settings, and opens an invoice as a portal user
would.

  wisepay_host.py [--plugin PATH] (--config-file FILE | --config JSON) COMMAND
    page  [--tenant T]
    show  --tenant T
    save  --tenant T --actor A --version N [--api-key-stdin | --clear-api-key]
          [--enabled yes|no]
    click --tenant T --email E --invoice ID [--number N] [--return-url U]

The plugin is --plugin PATH, else $WISEPAY_PLUGIN, else the module the
installed pkg-config file names, else the Debian package's. Exit status: 0
success, 1 the plugin refused (the error is printed to stderr), 2 usage
error or the plugin could not be loaded.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wisepay import Instance, LogLevel, Plugin, PluginLoadError, WisePayError  # noqa: E402

EXIT_OK, EXIT_PLUGIN_ERROR, EXIT_USAGE = 0, 1, 2


def render_page(document: dict[str, Any], settings: dict[str, Any] | None) -> str:
    """The page as a text form, from the document the plugin registered: a
    field added to its schema shows up here without a change."""
    heading = f"{document.get('menu', '')} > {document.get('title', '')}"
    lines = [heading, "=" * len(heading), ""]
    if document.get("description"):
        lines += textwrap.wrap(document["description"], 78) + [""]
    if settings is not None:
        lines += [f"Tenant: {settings['tenant_id']} (settings version {settings['version']})", ""]
    properties: dict[str, Any] = document.get("schema", {}).get("properties", {})
    ui: dict[str, Any] = document.get("ui", {})
    for field_id in ui.get("order", list(properties)):
        schema = properties.get(field_id, {})
        hints = ui.get("fields", {}).get(field_id, {})
        widget = hints.get("widget", "text")
        label = hints.get("label") or schema.get("title") or field_id
        lines.append(f"{label} ({widget}): {field_value(field_id, widget, schema, settings)}")
        if hints.get("help"):
            lines += textwrap.wrap(hints["help"], 78, initial_indent="    ",
                                   subsequent_indent="    ")
        lines.append("")
    actions = " ".join(f"[{action.get('label', action.get('id'))}]"
                       for action in ui.get("actions", []))
    if actions:
        lines.append(f"Actions: {actions}")
    return "\n".join(lines)


def field_value(field_id: str, widget: str, schema: dict[str, Any],
                settings: dict[str, Any] | None) -> str:
    """A field's value as the form shows it; a key never, only its last four."""
    value = settings.get(field_id) if settings is not None else None
    if widget == "password" or schema.get("writeOnly"):
        if isinstance(value, dict) and value.get("set"):
            return f"(set, ends in {value.get('last4')})"
        return "(not set)"
    if widget == "checkbox":
        return "[x]" if value else "[ ]"
    return "" if value is None else str(value)


def read_key() -> str:
    """The API key from stdin: typed without echo on a terminal, else one line."""
    if sys.stdin.isatty():
        return getpass.getpass("API key: ")
    return sys.stdin.readline().rstrip("\r\n")


def report(error: WisePayError) -> int:
    print(f"error: {error.code}: {error.message}", file=sys.stderr)
    for field_error in error.field_errors:
        print(f"  {field_error.field}: {field_error.message}", file=sys.stderr)
    if error.correlation_id:
        print(f"correlation id: {error.correlation_id}", file=sys.stderr)
    if error.help_url:
        print(f"see: {error.help_url}", file=sys.stderr)
    return EXIT_PLUGIN_ERROR


def run_command(args: argparse.Namespace, instance: Instance) -> None:
    if args.command == "page":
        assert instance.page is not None, "the plugin registers its page at create()"
        settings = instance.get_settings(args.tenant) if args.tenant else None
        print(render_page(instance.page.document, settings))
    elif args.command == "show":
        print(json.dumps(instance.get_settings(args.tenant)))
    elif args.command == "save":
        body: dict[str, Any] = {}
        if args.api_key_stdin:
            body["api_key"] = read_key()
        elif args.clear_api_key:
            body["api_key"] = None
        if args.enabled is not None:
            body["enabled"] = args.enabled == "yes"
        print(json.dumps(instance.save_settings(args.tenant, args.actor, args.version, body)))
    elif args.command == "click":
        redirect = instance.open_invoice(args.tenant, args.email, args.invoice,
                                         invoice_number=args.number, return_url=args.return_url)
        # The URL is a single-use credential: it goes to the browser only.
        print(f"redirect: {redirect.url}")
        print(f"expires_at: {redirect.expires_at}")
        print(f"open_in_new_tab: {'yes' if redirect.open_in_new_tab else 'no'}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="A command-line host for the Wise-Pay plugin.")
    parser.add_argument("--plugin", help="the plugin module (default: $WISEPAY_PLUGIN, "
                                         "pkg-config's wisepay-plugin, the Debian package's)")
    config = parser.add_mutually_exclusive_group(required=True)
    config.add_argument("--config-file", type=Path, help="the config JSON that create() takes")
    config.add_argument("--config", help="the config JSON itself")
    commands = parser.add_subparsers(dest="command", required=True)

    page = commands.add_parser("page", help="show the settings page as a text form")
    page.add_argument("--tenant", help="fill the form with this tenant's settings")
    show = commands.add_parser("show", help="print a tenant's settings")
    show.add_argument("--tenant", required=True)
    save = commands.add_parser("save", help="save settings (only the options given)")
    save.add_argument("--tenant", required=True)
    save.add_argument("--actor", required=True, help="who saves, for the audit trail")
    save.add_argument("--version", type=int, required=True, help='the "version" show printed')
    key = save.add_mutually_exclusive_group()
    key.add_argument("--api-key-stdin", action="store_true", help="read the API key from stdin")
    key.add_argument("--clear-api-key", action="store_true", help="remove the saved key")
    save.add_argument("--enabled", choices=("yes", "no"))
    click = commands.add_parser("click", help="open an invoice as a portal user would")
    click.add_argument("--tenant", required=True)
    click.add_argument("--email", required=True)
    click.add_argument("--invoice", required=True)
    click.add_argument("--number")
    click.add_argument("--return-url")
    return parser.parse_args(argv)


def log_to_stderr(level: LogLevel, message: str) -> None:
    print(f"[{level.name.lower()}] {message}", file=sys.stderr)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        config = args.config if args.config is not None else args.config_file.read_text()
    except OSError as error:
        print(f"error: cannot read the config file: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        plugin = Plugin(args.plugin)
    except PluginLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with plugin.create(config, log=log_to_stderr) as instance:
            run_command(args, instance)
    except WisePayError as error:
        return report(error)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
