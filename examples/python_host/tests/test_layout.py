"""The ctypes declarations (wisepay/_abi.py) against the C header and the
built module: every struct's size and every field's offset and size as a C
compiler sees them (the extensions' too), each enum's values, the extension
ids, and the sizes the plugin reports."""

from __future__ import annotations

import ctypes
import enum
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from wisepay import ABI_VERSION, Health, Instance, LogLevel, Plugin, Status, ValidationError
from wisepay._abi import (ABI_STRUCTS, EXT_AUDIT, EXT_MAINTENANCE, EXT_SETTINGS_VIEW,
                          EXTENSION_TABLES, AbiStruct, AuditPageStruct, ErrorPtr, ErrorStruct,
                          PluginApiStruct, SettingsViewStruct)

HEADER = Path(__file__).resolve().parents[3] / "abi" / "wisepay_plugin.h"


def field_names(struct: type[AbiStruct]) -> list[str]:
    return [field[0] for field in struct._fields_]


def c_layout(tmp_path: Path) -> dict[str, dict[str, int]]:
    """sizeof of each declared struct, and offsetof and sizeof of each of
    its fields (as "<field>" and "<field>:size"), printed as JSON by a C
    program compiled against the header. A field's size tells apart types
    that padding would leave at the same offsets (an int where the header
    has an int64_t)."""
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.fail("no C compiler (cc) to check the layout with")
    lines = ['#include <stddef.h>', '#include <stdio.h>', f'#include "{HEADER}"',
             "int main(void) {", '    printf("{");']
    for i, struct in enumerate(ABI_STRUCTS):
        entries, values = ['\\"sizeof\\": %zu'], [f"sizeof({struct.c_name})"]
        for name in field_names(struct):
            entries += [f'\\"{name}\\": %zu', f'\\"{name}:size\\": %zu']
            values += [f"offsetof({struct.c_name}, {name})",
                       f"sizeof((({struct.c_name} *)0)->{name})"]
        comma = "," if i + 1 < len(ABI_STRUCTS) else ""
        lines.append(f'    printf("\\"{struct.c_name}\\": {{{", ".join(entries)}}}{comma}", '
                     f'{", ".join(values)});')
    lines += ['    printf("}");', "    return 0;", "}"]
    source = tmp_path / "layout.c"
    source.write_text("\n".join(lines) + "\n")
    program = tmp_path / "layout"
    subprocess.run([compiler, "-std=c99", "-Wall", "-Wextra", "-Werror", str(source), "-o",
                    str(program)], check=True)
    layout: dict[str, dict[str, int]] = json.loads(
        subprocess.run([str(program)], check=True, capture_output=True, text=True).stdout)
    return layout


def test_every_struct_matches_the_header_field_by_field(tmp_path: Path) -> None:
    layout = c_layout(tmp_path)
    for struct in ABI_STRUCTS:
        c = layout[struct.c_name]
        python = {"sizeof": ctypes.sizeof(struct)}
        for name in field_names(struct):
            python[name] = getattr(struct, name).offset
            python[f"{name}:size"] = getattr(struct, name).size
        assert python == c, struct.c_name


def enum_values(c_name: str, prefix: str) -> dict[str, int]:
    """The constants of the header's `typedef enum <c_name> {...} <c_name>;`,
    each named without the `prefix` (a regular expression)."""
    body = re.search(rf"typedef enum {c_name} {{(.*?)}} {c_name};", HEADER.read_text(), re.S)
    assert body is not None, f"no enum {c_name} in the header"
    return {name: int(value) for name, value in
            re.findall(rf"\b{prefix}([A-Z0-9_]+) = (\d+)", body.group(1))}


@pytest.mark.parametrize("enum_type, c_name, prefix", [
    (Status, "wisepay_status", "WISEPAY_(?:E_)?"),
    (Health, "wisepay_health", "WISEPAY_HEALTH_"),
    (LogLevel, "wisepay_log_level", "WISEPAY_LOG_"),
])
def test_each_enum_matches_the_header(enum_type: type[enum.IntEnum], c_name: str,
                                      prefix: str) -> None:
    declared = enum_values(c_name, prefix)
    assert declared, f"no constants found in enum {c_name}"
    assert declared == {member.name: member.value for member in enum_type}


def test_the_plugin_builds_the_structs_as_declared(plugin: Plugin, instance: Instance,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    table = plugin.table
    assert table.abi_version == ABI_VERSION
    assert table.struct_size == ctypes.sizeof(PluginApiStruct)
    assert plugin.plugin_id == "com.wisepay.deskdirector"
    assert re.fullmatch(r"\d+\.\d+\.\d+", plugin.version)

    # The struct_size of an error object as the plugin built it.
    sizes = []
    real_free_error = plugin.free_error

    def record(error: ErrorPtr) -> None:
        sizes.append(error.contents.struct_size)
        real_free_error(error)

    monkeypatch.setattr(plugin, "free_error", record)
    with pytest.raises(ValidationError):
        instance.save_settings("acme", "ann@acme.example", 0, {"enabled": True})
    assert sizes == [ctypes.sizeof(ErrorStruct)]


def test_the_extension_ids_match_the_header() -> None:
    declared = dict(re.findall(r'#define (WISEPAY_EXT_[A-Z_]+) "([^"]+)"', HEADER.read_text()))
    assert declared == {"WISEPAY_EXT_SETTINGS_VIEW": EXT_SETTINGS_VIEW,
                        "WISEPAY_EXT_AUDIT": EXT_AUDIT,
                        "WISEPAY_EXT_MAINTENANCE": EXT_MAINTENANCE}
    assert set(EXTENSION_TABLES) == set(declared.values())


def test_the_plugin_builds_the_extension_structs_as_declared(
        plugin: Plugin, instance: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    for extension_id, table_type in EXTENSION_TABLES.items():
        table = plugin.get_extension(extension_id, table_type)
        assert table is not None, extension_id
        assert table.struct_size == ctypes.sizeof(table_type), extension_id

    # The struct_size of each result as the plugin built it.
    sizes: dict[str, int] = {}
    for name in ("free_view", "free_audit_page"):
        real = getattr(plugin, name)

        def record(pointer: Any, name: str = name, real: Callable[[Any], None] = real) -> None:
            sizes[name] = pointer.contents.struct_size
            real(pointer)
        monkeypatch.setattr(plugin, name, record)
    instance.settings_view("acme")
    instance.audit("acme")
    assert sizes == {"free_view": ctypes.sizeof(SettingsViewStruct),
                     "free_audit_page": ctypes.sizeof(AuditPageStruct)}


def test_an_unknown_extension_is_none(plugin: Plugin) -> None:
    assert plugin.get_extension("wisepay.no-such-extension/1", ErrorStruct) is None
