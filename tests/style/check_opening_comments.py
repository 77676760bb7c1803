#!/usr/bin/env python3
"""Checks that every source file opens with a comment (what the file is for).

Source files are the project's tracked C, C++, Python, shell, JavaScript and
CMake files (git ls-files; outside a git work tree, the files under the
project root). A file's first line that is not blank must start a comment;
only a shebang line may come before it. `#pragma once`, an #include or code
is not a comment. For Python a module docstring counts as one.

Whether the comment is true is for review to judge; this check only makes
sure that it is there. Prints every file that does not open with a comment
and exits 1 if there is one.

Usage: check_opening_comments.py <project root>
"""
import ast
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()

# Never source of ours: installed packages and fuzz inputs.
SKIPPED_PARTS = ("node_modules",)
SKIPPED_PREFIXES = ("tests/fuzz/corpus/",)

C_LIKE = {".c", ".h", ".cc", ".cpp", ".hpp", ".js", ".mjs", ".cjs"}
HASH_COMMENTED = {".sh", ".cmake"}
# Shells whose scripts, without a suffix, are checked (.ci/build, say).
SHELLS = ("sh", "bash", "dash")


def tracked_files() -> list[str]:
    """Every file of the project, relative to ROOT, with '/' separators."""
    try:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True,
                                capture_output=True).stdout
        return sorted(name for name in listed.decode("utf-8").split("\0") if name)
    except (OSError, subprocess.CalledProcessError):
        pass
    # Not a git work tree (an unpacked source archive): every file but those
    # of build trees, installed packages and hidden folders other than .ci.
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            sub for sub in subfolders
            if sub not in SKIPPED_PARTS and (not sub.startswith(".") or sub == ".ci")
            and not (pathlib.Path(folder) / sub / "CMakeCache.txt").exists()
        ]
        relative = pathlib.Path(folder).relative_to(ROOT)
        found.extend((relative / name).as_posix() for name in files)
    return sorted(found)


def shebang_runs(first_line: str) -> str:
    """The program a shebang line runs ("bash" for "#!/usr/bin/env bash")."""
    words = first_line[2:].split()
    if words and words[0].endswith("/env") and len(words) > 1:
        words = words[1:]
    return pathlib.PurePosixPath(words[0]).name if words else ""


def kind_of(name: str, first_line: str) -> str | None:
    """How the file writes comments: "c" (// or /*), "hash" (#) or "python"
    (# or a docstring); None when it is not source this check looks at."""
    path = pathlib.PurePosixPath(name)
    if path.name == "CMakeLists.txt":
        return "hash"
    if path.suffix in C_LIKE:
        return "c"
    if path.suffix in HASH_COMMENTED:
        return "hash"
    if path.suffix == ".py":
        return "python"
    if path.suffix == "" and first_line.startswith("#!"):
        runs = shebang_runs(first_line)
        if runs.startswith("python"):
            return "python"
        if runs == "node":
            return "c"
        if runs in SHELLS:
            return "hash"
    return None


def opens_with_comment(kind: str, text: str) -> bool:
    lines = text.split("\n")
    start = 1 if lines and lines[0].startswith("#!") else 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return False
    first = lines[start].lstrip()
    if kind == "c":
        return first.startswith("//") or first.startswith("/*")
    if first.startswith("#!"):
        return False
    if first.startswith("#"):
        return True
    if kind != "python":
        return False
    # A module docstring: the first statement, a string, on that line.
    try:
        module = ast.parse(text)
    except SyntaxError:
        return False
    return (bool(module.body) and ast.get_docstring(module, clean=False) is not None
            and module.body[0].lineno == start + 1)


def main() -> int:
    checked = 0
    missing = []
    for name in tracked_files():
        if name.startswith(SKIPPED_PREFIXES):
            continue
        if any(part in SKIPPED_PARTS for part in name.split("/")):
            continue
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet in the index
        text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
        kind = kind_of(name, text.split("\n", 1)[0])
        if kind is None:
            continue
        checked += 1
        if not opens_with_comment(kind, text):
            missing.append(name)
    if missing:
        print("these files do not open with a comment that says what they are for:")
        for name in missing:
            print("  " + name)
        return 1
    print(f"{checked} source files open with a comment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
