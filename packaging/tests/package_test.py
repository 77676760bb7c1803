#!/usr/bin/env python3
"""Tests of the plugin as it is installed and packaged, seen the way a host
sees it: from outside the build tree.

  package_test.py stage <build dir> <libdir> <stage dir>
      `cmake --install` into a staging prefix; it must hold exactly the
      documented files, with the documented modes, and a .pc file that names
      that prefix.
  package_test.py find-package <stage dir> <work dir>
  package_test.py pkg-config <stage dir> <work dir>
      Build examples/host_cli out of tree against the staged install (with
      find_package, or with pkg-config) and run it: page, save, show. The
      host's plugin is the module path the package gives, never the build
      tree's.
  package_test.py versions <stage dir> <work dir>
      find_package(WisePayPlugin <version>) accepts and refuses versions by
      the SameMajorVersion rule.
  package_test.py deb <build dir> <libdir> <version> <work dir>
      cpack makes the two .deb files; their Depends, lintian, their contents
      and where the unpacked files are; and host_cli built and run against
      the unpacked tree, with find_package and with pkg-config.

Each command prints what it checks, and exits 1 at the first failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

SOURCE_DIR = Path(__file__).resolve().parents[2]
HOST_CLI_PROJECT = SOURCE_DIR / "packaging" / "tests" / "host_cli"
PACKAGE = "wisepay-plugin"
MODULE = "libwisepay_plugin.so"
TIMEOUT = 300
# A key in the format of the master_key config: 32 bytes as 64 hex digits.
MASTER_KEY = "5a" * 32
API_KEY = "wp_test_package_9f3c"


class Failure(Exception):
    pass


def check(condition: bool, what: str, detail: str = "") -> None:
    if not condition:
        raise Failure(what + (f": {detail}" if detail else ""))
    print("ok   " + what)


def run(argv: list[str | Path], *, env: dict[str, str] | None = None, stdin: str | None = None,
        cwd: Path | None = None) -> str:
    """Runs a command; its stdout, or Failure with everything it printed."""
    result = subprocess.run([str(a) for a in argv], input=stdin, capture_output=True, text=True,
                            env=env, cwd=cwd, timeout=TIMEOUT)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, argv))} exited {result.returncode}\n"
                      f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()}


# --- What the packages hold ---------------------------------------------------


def runtime_files(libdir: str) -> set[str]:
    doc = f"share/doc/{PACKAGE}"
    return {
        f"{libdir}/wisepay/{MODULE}",
        f"{doc}/README.md", f"{doc}/LICENSE", f"{doc}/settings.md", f"{doc}/wisepay-api.md",
        f"{doc}/copyright", f"{doc}/changelog.gz",
        f"share/lintian/overrides/{PACKAGE}",
    }


def dev_files(libdir: str) -> set[str]:
    doc = f"share/doc/{PACKAGE}-dev"
    cmake = f"{libdir}/cmake/WisePayPlugin"
    headers = {f"include/wisepay/{h.name}" for h in (SOURCE_DIR / "abi").glob("*.h")}
    return headers | {
        f"{cmake}/WisePayPluginConfig.cmake", f"{cmake}/WisePayPluginConfigVersion.cmake",
        f"{cmake}/WisePayPluginTargets.cmake",
        f"{libdir}/pkgconfig/wisepay-plugin.pc",
        f"{doc}/abi.md", f"{doc}/copyright", f"{doc}/changelog.gz",
    }


def check_file_set(found: set[str], expected: set[str], where: str) -> None:
    missing, extra = sorted(expected - found), sorted(found - expected)
    check(not missing and not extra, f"{where} holds exactly the documented files",
          f"missing {missing}, unexpected {extra}")


def read_pc(path: Path) -> dict[str, str]:
    """The variables of a .pc file, unexpanded."""
    variables = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$", line)
        if match:
            variables[match.group(1)] = match.group(2)
    return variables


# --- Building and running the example host ---------------------------------------


def build_with_find_package(prefix: Path, work: Path) -> Path:
    """host_cli configured with CMAKE_PREFIX_PATH=<prefix>; returns the program."""
    tree = fresh_dir(work / "host-cmake")
    run(["cmake", "-S", HOST_CLI_PROJECT, "-B", tree, f"-DCMAKE_PREFIX_PATH={prefix}",
         "-DCMAKE_BUILD_TYPE=Release"])
    run(["cmake", "--build", tree])
    return tree / "wisepay_host_cli"


def build_with_pkg_config(pc_env: dict[str, str], work: Path) -> Path:
    """host_cli built by packaging/tests/host_cli/Makefile with pkg-config
    told where to look by pc_env; returns the program."""
    out = fresh_dir(work / "host-pkg-config") / "wisepay_host_cli"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PKG_CONFIG")}
    env.update(pc_env)
    run(["make", "-f", HOST_CLI_PROJECT / "Makefile", f"OUT={out}"], env=env)
    return out


def run_host(host: Path, module: Path, work: Path, label: str) -> None:
    """Runs the host with no --plugin and no $WISEPAY_PLUGIN, so that it loads
    the module path it was built with: page, save, show."""
    check(module.is_file(), f"{label}: the package's module {module} exists")
    env = {k: v for k, v in os.environ.items() if k != "WISEPAY_PLUGIN"}
    usage = run([host, "--help"], env=env)
    check(f"else {module})" in usage, f"{label}: the host's default plugin is the package's module",
          usage.splitlines()[2] if len(usage.splitlines()) > 2 else usage)

    data = fresh_dir(work / f"data-{label}")
    config = data / "config.json"
    config.write_text(json.dumps({
        "database_path": str(data / "settings.db"),
        "master_key": {"source": "hex", "value": MASTER_KEY},
        # Never contacted: page, save and show make no network call.
        "wisepay_base_url": "https://127.0.0.1:9",
    }))

    def host_cmd(*args: str, stdin: str | None = None) -> str:
        return run([host, "--config-file", config, *args], env=env, stdin=stdin)

    page = json.loads(host_cmd("schema"))
    check(page.get("page_id") == "wisepay" and page.get("title") == "Wise-Pay"
          and "api_key" in page.get("schema", {}).get("properties", {}),
          f"{label}: the page document comes through the installed header and module")
    form = host_cmd("form", "--tenant", "acme")
    check("Integrations > Wise-Pay" in form and "API Key" in form,
          f"{label}: the page renders as a text form")
    saved = json.loads(host_cmd("save", "--tenant", "acme", "--actor", "ann@acme.example",
                                "--version", "0", "--api-key-stdin", "--enabled", "yes",
                                stdin=API_KEY + "\n"))
    check(saved.get("version") == 1 and saved.get("enabled") is True,
          f"{label}: save stores version 1, enabled", json.dumps(saved))
    shown = json.loads(host_cmd("show", "--tenant", "acme"))
    check(shown.get("version") == 1 and shown.get("api_key") == {"set": True, "last4": API_KEY[-4:]}
          and shown.get("updated_by") == "ann@acme.example",
          f"{label}: show reads back what was saved, the key only as its last four",
          json.dumps(shown))


# --- Commands ------------------------------------------------------------------


def cmd_stage(build: Path, libdir: str, stage: Path) -> None:
    fresh_dir(stage)
    run(["cmake", "--install", build, "--prefix", stage])
    found = files_under(stage)
    check_file_set(found, runtime_files(libdir) | dev_files(libdir), f"the install in {stage}")
    modes = {name: stat.S_IMODE((stage / name).stat().st_mode) for name in found}
    odd = {name: oct(mode) for name, mode in sorted(modes.items()) if mode != 0o644}
    check(not odd, "every installed file is rw-r--r-- (the module needs no execute bit)", str(odd))
    pc = read_pc(stage / libdir / "pkgconfig" / "wisepay-plugin.pc")
    check(pc.get("prefix") == str(stage), "the .pc file names the prefix of this install",
          str(pc.get("prefix")))


def staged_pc_env(stage: Path) -> dict[str, str]:
    pc_dirs = sorted(stage.glob("lib/**/pkgconfig"))
    check(len(pc_dirs) == 1, "the staged install has one pkgconfig directory", str(pc_dirs))
    return {"PKG_CONFIG_PATH": str(pc_dirs[0])}


def pkg_config_variable(pc_env: dict[str, str], variable: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PKG_CONFIG")}
    env.update(pc_env)
    return run(["pkg-config", f"--variable={variable}", "wisepay-plugin"], env=env).strip()


# A project with a language: CMake searches lib/<multiarch>/cmake only once
# it knows the target's architecture, from the compiler.
PROJECT_HEAD = "cmake_minimum_required(VERSION 3.22)\nproject(consumer LANGUAGES C)\n"


def cmake_module_path(prefix: Path, work: Path) -> Path:
    """WisePayPlugin_MODULE as find_package gives it, from a project of its own."""
    project = fresh_dir(work / "module-path")
    (project / "CMakeLists.txt").write_text(
        PROJECT_HEAD + "find_package(WisePayPlugin 0.1 CONFIG REQUIRED)\n"
        'file(WRITE "${CMAKE_BINARY_DIR}/module.txt" "${WisePayPlugin_MODULE}")\n')
    run(["cmake", "-S", project, "-B", project / "build", f"-DCMAKE_PREFIX_PATH={prefix}"])
    return Path((project / "build" / "module.txt").read_text())


def cmd_find_package(stage: Path, work: Path) -> None:
    fresh_dir(work)
    module = cmake_module_path(stage, work)
    check(module.is_relative_to(stage), "WisePayPlugin_MODULE is inside the staged install",
          str(module))
    run_host(build_with_find_package(stage, work), module, work, "find_package")


def cmd_pkg_config(stage: Path, work: Path) -> None:
    fresh_dir(work)
    pc_env = staged_pc_env(stage)
    module = Path(pkg_config_variable(pc_env, "module"))
    check(module.is_relative_to(stage), "pkg-config's module is inside the staged install",
          str(module))
    plugindir = Path(pkg_config_variable(pc_env, "plugindir"))
    check(module.parent == plugindir, "the module is in pkg-config's plugindir", str(plugindir))
    run_host(build_with_pkg_config(pc_env, work), module, work, "pkg-config")


def cmd_versions(stage: Path, work: Path) -> None:
    """The version file's rule, tried on the staged install and on copies of
    it that claim other versions: a later release of the same major version
    and the next major version."""
    fresh_dir(work)
    version_file = next(stage.glob("lib/**/cmake/WisePayPlugin/WisePayPluginConfigVersion.cmake"))
    text = version_file.read_text()
    found = re.search(r'set\(PACKAGE_VERSION "([0-9]+)\.([0-9]+)\.([0-9]+)"\)', text)
    check(found is not None, "the version file names the installed version")
    assert found is not None
    installed = ".".join(found.groups())
    major, minor = int(found.group(1)), int(found.group(2))

    def release(version: str) -> Path:
        """A copy of the staged install whose version file is the one
        write_basic_package_version_file makes for `version` (it writes the
        version, quoted, wherever it is used)."""
        prefix = work / f"release-{version}"
        shutil.copytree(stage, prefix, symlinks=True)
        (prefix / version_file.relative_to(stage)).write_text(
            text.replace(f'"{installed}"', f'"{version}"'))
        return prefix

    later, next_major = f"{major}.{minor + 3}.0", f"{major + 1}.0.0"
    cases = [
        (stage, installed, f"{major}.{minor}", True),
        (stage, installed, f"{major}", True),
        (stage, installed, f"{major}.{minor + 1}", False),  # newer than installed
        (stage, installed, f"{major + 1}.0", False),
        # A later release only appends to the ABI: it serves older hosts.
        (release(later), later, f"{major}.{minor}", True),
        # The next major version is a break: hosts built for this one refuse it.
        (release(next_major), next_major, f"{major}.{minor}", False),
    ]
    for prefix, version, requested, accepted in cases:
        project = fresh_dir(work / f"request-{requested}-of-{version}")
        (project / "CMakeLists.txt").write_text(
            PROJECT_HEAD + f"find_package(WisePayPlugin {requested} CONFIG REQUIRED)\n")
        result = subprocess.run(["cmake", "-S", str(project), "-B", str(project / "build"),
                                 f"-DCMAKE_PREFIX_PATH={prefix}"],
                                capture_output=True, text=True, timeout=TIMEOUT)
        check((result.returncode == 0) == accepted,
              f"find_package(WisePayPlugin {requested}) {'accepts' if accepted else 'refuses'}"
              f" {version}", result.stderr[-2000:])


def deb_field(deb: Path, field: str) -> str:
    return run(["dpkg-deb", "--field", deb, field]).strip()


def deb_files(deb: Path) -> set[str]:
    """The regular files a .deb holds, relative to /, after checking that
    every entry belongs to root."""
    files, not_root = set(), []
    for line in run(["dpkg-deb", "--contents", deb]).splitlines():
        mode, owner, _size, _date, _time, path = line.split(None, 5)
        if owner != "root/root":
            not_root.append(f"{path} ({owner})")
        if mode.startswith("-"):
            files.add(path.removeprefix("./"))
    check(not not_root, f"{deb.name}: every entry belongs to root", str(not_root))
    return files


def needed_packages(module: Path) -> set[str]:
    """The Debian packages that ship the libraries the module needs (its
    DT_NEEDED entries, found by dpkg -S)."""
    dynamic = run(["readelf", "--dynamic", module])
    sonames = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    check(len(sonames) > 0, f"{module.name} needs shared libraries", dynamic)
    multiarch = run(["dpkg-architecture", "--query", "DEB_HOST_MULTIARCH"]).strip()
    packages = set()
    for soname in sonames:
        owners = run(["dpkg", "--search", f"*/{multiarch}/{soname}"])
        packages |= {line.split(":")[0] for line in owners.splitlines() if ": " in line}
    return packages


def cmd_deb(build: Path, libdir: str, version: str, work: Path) -> None:
    fresh_dir(work)
    arch = run(["dpkg", "--print-architecture"]).strip()
    output = work / "cpack"
    print(run(["cpack", "-G", "DEB", "--config", build / "CPackConfig.cmake", "-B", output]))
    runtime_deb = output / f"{PACKAGE}_{version}_{arch}.deb"
    dev_deb = output / f"{PACKAGE}-dev_{version}_{arch}.deb"
    check(sorted(output.glob("*.deb")) == sorted([runtime_deb, dev_deb]),
          f"cpack made {runtime_deb.name} and {dev_deb.name}",
          str([p.name for p in output.glob("*.deb")]))

    for deb, name in ((runtime_deb, PACKAGE), (dev_deb, f"{PACKAGE}-dev")):
        check(deb_field(deb, "Package") == name and deb_field(deb, "Version") == version
              and deb_field(deb, "Architecture") == arch,
              f"{deb.name}: Package, Version and Architecture")
        print(f"     {name} Depends: {deb_field(deb, 'Depends')}")

    # The runtime package depends on whatever ships each library the module
    # links, which must include those it is known to link.
    root = fresh_dir(work / "root")
    run(["dpkg-deb", "--extract", runtime_deb, root])
    module = root / "usr" / libdir / "wisepay" / MODULE
    depends = {re.sub(r"[\s(:].*$", "", d.strip())
               for d in deb_field(runtime_deb, "Depends").split(",")}
    needed = needed_packages(module)
    for package in sorted(needed | {"libc6", "libpq5", "libsqlite3-0", "libssl3", "libstdc++6"}):
        check(package in depends, f"{PACKAGE} Depends on {package}", str(sorted(depends)))
    check(deb_field(dev_deb, "Depends") == f"{PACKAGE} (= {version})",
          f"{PACKAGE}-dev Depends on {PACKAGE} (= {version})", deb_field(dev_deb, "Depends"))

    lintian = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-info",
                              "--show-overrides", str(runtime_deb), str(dev_deb)],
                             capture_output=True, text=True, timeout=TIMEOUT)
    print(lintian.stdout + lintian.stderr)
    check(lintian.returncode == 0, "lintian finds no error and no warning in either package")

    check_file_set(deb_files(runtime_deb), {f"usr/{f}" for f in runtime_files(libdir)},
                   runtime_deb.name)
    check_file_set(deb_files(dev_deb), {f"usr/{f}" for f in dev_files(libdir)}, dev_deb.name)
    run(["dpkg-deb", "--extract", dev_deb, root])

    sections = run(["readelf", "--section-headers", "--wide", module])
    check(".symtab" not in sections and ".comment" not in sections,
          "the packaged module is stripped, .comment included")

    # Where the packages say things are: the .pc file's paths are for /usr,
    # and name files that the unpacked tree holds.
    pc_file = root / "usr" / libdir / "pkgconfig" / "wisepay-plugin.pc"
    pc_env = {"PKG_CONFIG_LIBDIR": str(pc_file.parent), "PKG_CONFIG_SYSROOT_DIR": str(root)}
    pc = read_pc(pc_file)
    check(pc.get("prefix") == "/usr", "the packaged .pc file's prefix is /usr",
          str(pc.get("prefix")))
    plugindir = Path(pkg_config_variable(pc_env, "plugindir"))
    check(plugindir == root / "usr" / libdir / "wisepay",
          f"the .pc file's plugindir is /usr/{libdir}/wisepay", str(plugindir))
    pc_module = Path(pkg_config_variable(pc_env, "module"))
    check(pc_module == module, "the .pc file's module is the packaged module", str(pc_module))
    cmake_module = cmake_module_path(root / "usr", work)
    check(cmake_module == module, "the CMake package's WisePayPlugin_MODULE is the packaged module",
          str(cmake_module))

    run_host(build_with_find_package(root / "usr", work), module, work, "deb-find_package")
    run_host(build_with_pkg_config(pc_env, work), module, work, "deb-pkg-config")


def directory(arg: str) -> Path:
    """A directory argument, made absolute: the packages' paths are compared with it."""
    return Path(arg).resolve()


def main(argv: list[str]) -> int:
    commands: dict[str, tuple[Callable[..., None], tuple[Callable[[str], Any], ...]]] = {
        "stage": (cmd_stage, (directory, str, directory)),
        "find-package": (cmd_find_package, (directory, directory)),
        "pkg-config": (cmd_pkg_config, (directory, directory)),
        "versions": (cmd_versions, (directory, directory)),
        "deb": (cmd_deb, (directory, str, str, directory)),
    }
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != len(commands[argv[1]][1]):
        print(__doc__, file=sys.stderr)
        return 2
    function, types = commands[argv[1]]
    try:
        function(*(kind(arg) for kind, arg in zip(types, argv[2:])))
    except (Failure, subprocess.TimeoutExpired) as failure:
        print(f"FAIL {failure}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
