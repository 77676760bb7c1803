#!/usr/bin/env python3
"""Checks that includes point only down the layers (docs/architecture.md).

Layers, top to bottom: the plugin's top folder (C boundary, composition),
invoice/, then settings/ and maintenance/ side by side, wisepay/, then
http/ and crypto/ side by side, then
util/; storage/ and abi/ below all of them (storage may include only
storage/ and abi/; abi/ nothing of ours). A file may include its own layer
and any layer below it, never one above or beside it. Prints every include
that breaks the rule and exits 1 if there is one.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()

# layer -> (rank, layers it may include besides its own)
RANKS = {
    "abi": 0,
    "storage": 1,
    "plugin/util": 2,
    "plugin/http": 3,
    "plugin/crypto": 3,
    "plugin/wisepay": 4,
    "plugin/settings": 5,
    "plugin/maintenance": 5,
    "plugin/invoice": 6,
    "plugin": 7,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path: str) -> str | None:
    parts = path.split("/")
    if parts[0] == "plugin" and len(parts) > 2:
        candidate = "/".join(parts[:2])
        if candidate in RANKS:
            return candidate
    if parts[0] == "plugin" and len(parts) == 2:
        return "plugin"
    if parts[0] in ("abi", "storage"):
        return parts[0]
    return None


def main() -> int:
    problems = []
    for folder in ("abi", "storage", "plugin"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".h", ".hpp", ".cpp", ".c", ".in"):
                continue
            relative = path.relative_to(ROOT).as_posix()
            own = layer_of(relative)
            for included in INCLUDE.findall(path.read_text(encoding="utf-8")):
                if included == "plugin/version.h":  # generated, top layer
                    included_layer = "plugin"
                else:
                    included_layer = layer_of(included)
                if included_layer is None:
                    problems.append(f"{relative}: includes {included}, outside every layer")
                    continue
                if included_layer == own:
                    continue
                if RANKS[included_layer] >= RANKS[own]:
                    problems.append(
                        f"{relative} ({own}) includes {included} ({included_layer}): "
                        "an arrow up or sideways")
    for problem in problems:
        print(problem)
    if not problems:
        print("every include points down")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
