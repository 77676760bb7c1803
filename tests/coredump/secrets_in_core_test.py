#!/usr/bin/env python3
"""The core-dump test: no API key or sign-in URL is left in a host's memory.

A host (secret_host, a C program that knows only the public header) saves an
API key, clicks invoices (sign-ins and refusals, some of them answers that
echo the key), tests the connection with the saved and the typed key, frees
everything the plugin returned and wipes its own copies of the key. While it
waits, with its instance still alive, gcore dumps its memory, and the dump is
searched for the key and for every sign-in token that the fake Wise-Pay
issued. The fake runs in a process of its own (fake_wisepay_server), so its
copies of the tokens are not in the dump.

Each round uses a new key, of 8, 40 or 200 characters in turn: short keys
live inside std::string objects (no heap block that an allocator could wipe),
long ones in heap blocks. In every other round the fake writes '/' in its
answers as "\\/" (as PHP does), which JSON parsers unescape on a path of their
own. As a check that the dump holds freed heap memory, the host frees a
block with a canary in it without wiping it: the canary must be found.

A last round rotates the master key: a second host (reseal_host) saves a key
under an old master key, re-seals it under a new one through the
maintenance extension, clicks, destroys its instances and waits; its dump,
its log lines and the database file must hold neither the API key nor
either master key (as hex or as raw bytes).

  secrets_in_core_test.py [--no-dump] <secret_host> <fake_wisepay_server> <plugin.so>
                          <scratch dir> <reseal_host>

--no-dump is for sanitizer builds: the host and the fake run the same rounds
and their results are checked, but nothing is dumped. Under AddressSanitizer
a dump would not mean the same (its quarantine keeps freed blocks, its fake
stacks keep frames that have returned), and it runs to many GiB.

WISEPAY_COREDUMP_ROUNDS (default 3) and WISEPAY_COREDUMP_CLICKS (clicks per
host thread, default 12) override the amount of work. Each round's files,
its dump among them, are deleted unless WISEPAY_KEEP_TEST_FILES is set. If
gcore cannot dump the host (gdb missing, ptrace not permitted), the test
fails: it never passes without having looked.
"""

import mmap
import os
import re
import resource
import secrets
import shutil
import string
import struct
import subprocess
import sys
import tempfile

KEY_LENGTHS = (8, 40, 200)
KEY_ALPHABET = string.ascii_letters + string.digits
# The first answers of each round: a 500 that echoes the key. The first goes
# to the save, which checks the new key with Wise-Pay (and saves it with a
# warning when Wise-Pay fails); the rest go to the first clicks.
SERVER_ERRORS = 3
TIMEOUT = 120
MAX_DUMP_BYTES = 4 << 30  # a dump that would be larger fails, rather than fill the disk


class TestFailure(Exception):
    pass


def random_key(length):
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def read_line(process, what):
    line = process.stdout.readline()
    if not line:
        process.kill()
        _, err = process.communicate(timeout=TIMEOUT)
        raise TestFailure(f"{what} ended early (exit {process.returncode}): {err.decode(errors='replace')}")
    return line.decode().rstrip("\n")


def load_segments(core):
    """(file offset, virtual address, size) of each PT_LOAD segment of an ELF64 core."""
    if core[:4] != b"\x7fELF" or core[4] != 2 or core[5] != 1:
        raise TestFailure("the dump is not a little-endian ELF64 core file")
    phoff, = struct.unpack_from("<Q", core, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", core, 0x36)
    segments = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", core, phoff + i * phentsize)
        if p_type == 1:
            if p_offset + p_filesz > len(core):
                raise TestFailure("the dump is cut short: a memory segment runs past its end")
            segments.append((p_offset, p_vaddr, p_filesz))
    return segments


def mapping_name(maps, address):
    for start, end, name in maps:
        if start <= address < end:
            return name or "[anonymous]"
    return "[unknown]"


def read_maps(pid):
    maps = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split(maxsplit=5)
            start, end = (int(x, 16) for x in fields[0].split("-"))
            maps.append((start, end, fields[5].strip() if len(fields) > 5 else ""))
    return maps


def find_all(core, needle):
    hits = []
    at = core.find(needle)
    while at != -1:
        hits.append(at)
        at = core.find(needle, at + 1)
    return hits


def where(segments, maps, offset):
    for file_offset, vaddr, size in segments:
        if file_offset <= offset < file_offset + size:
            address = vaddr + offset - file_offset
            return f"0x{address:x} in {mapping_name(maps, address)}"
    return f"file offset {offset} (no memory segment)"


def dump_core(pid, prefix):
    gcore = shutil.which("gcore")
    if gcore is None:
        raise TestFailure("gcore (gdb) is not installed: the test cannot look at the host's memory")
    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_DUMP_BYTES, MAX_DUMP_BYTES))

    result = subprocess.run([gcore, "-o", prefix, str(pid)], capture_output=True,
                            timeout=TIMEOUT, preexec_fn=limit_file_size)
    path = f"{prefix}.{pid}"
    if os.path.exists(path) and os.path.getsize(path) >= MAX_DUMP_BYTES:
        raise TestFailure(f"the dump reached {MAX_DUMP_BYTES >> 30} GiB and was cut short")
    if result.returncode != 0 or not os.path.exists(path) or os.path.getsize(path) == 0:
        raise TestFailure(
            f"gcore could not dump the host (exit {result.returncode}): ptrace may not be "
            f"permitted, or the dump passed {MAX_DUMP_BYTES >> 30} GiB. "
            f"{result.stdout.decode(errors='replace')}{result.stderr.decode(errors='replace')}")
    return path


def end_round(work, *processes):
    """Ends a round's processes and removes its folder (unless
    WISEPAY_KEEP_TEST_FILES is set). End of input ends each process (the
    fake removes its CA folder on the way); only one that does not end is
    killed."""
    for process in processes:
        if process is not None and process.poll() is None:
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if not os.environ.get("WISEPAY_KEEP_TEST_FILES"):
        shutil.rmtree(work, ignore_errors=True)


def run_round(number, tools, scratch, clicks, dump):
    host_exe, fake_exe, plugin = tools
    key = random_key(KEY_LENGTHS[(number - 1) % len(KEY_LENGTHS)])
    canary = "wisepay-canary-" + secrets.token_hex(16)
    work = tempfile.mkdtemp(prefix=f"core-{number}-", dir=scratch)
    token_file = os.path.join(work, "tokens.txt")
    fake_args = [fake_exe, token_file, key, "--payer", "pat@customer.example",
                 "--server-errors", str(SERVER_ERRORS)]
    escaped = number % 2 == 0
    if escaped:
        fake_args.append("--escape-slashes")
    fake = subprocess.Popen(
        fake_args,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    host = None
    try:
        port, ca_file = read_line(fake, "the fake Wise-Pay").split(" ", 1)
        base_url = f"https://127.0.0.1:{port}"
        host = subprocess.Popen(
            [host_exe, plugin, os.path.join(work, "settings.db"), base_url, ca_file, str(clicks)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        host.stdin.write(f"{key}\n{canary}\n".encode())
        host.stdin.flush()
        done = read_line(host, "the host")
        if read_line(host, "the host") != "ready":
            raise TestFailure(f"the host did not get ready: {done}")
        tally = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", done))

        if dump:
            maps = read_maps(host.pid)
            core_path = dump_core(host.pid, os.path.join(work, "host"))

        _, host_err = host.communicate(timeout=TIMEOUT)  # closes its stdin: it ends
        if host.returncode != 0:
            raise TestFailure(f"the host failed (exit {host.returncode}): {done}\n"
                              f"{host_err.decode(errors='replace')}")
        _, fake_err = fake.communicate(timeout=TIMEOUT)  # likewise, writing its tokens
        if fake.returncode != 0:
            raise TestFailure(f"the fake failed: {fake_err.decode(errors='replace')}")
        with open(token_file) as f:
            tokens = [line.strip() for line in f if line.strip()]

        # The round did what it should, or finding nothing would prove nothing.
        expected_server_errors = min(SERVER_ERRORS - 1, clicks)
        if (tally.get("ok", 0) == 0 or tally.get("payer_not_found", 0) == 0 or
                tally.get("server_error") != expected_server_errors or tally.get("tests") != 2):
            raise TestFailure(f"round {number}: the host's calls did not go as planned: {done}")
        if len(tokens) != tally["ok"]:
            raise TestFailure(f"round {number}: {len(tokens)} tokens issued for {tally['ok']} sign-ins")
        result = {
            "key_length": len(key),
            "escaped": escaped,
            "tally": done,
            "tokens": len(tokens),
            "found": {},
            "canary_seen": True,
            "core_size": 0,
        }
        if not dump:
            return result

        with open(core_path, "rb") as f:
            core = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            segments = load_segments(core)
            for label, needle in [("API key", key)] + [(f"token {t}", t) for t in tokens]:
                hits = find_all(core, needle.encode())
                if hits:
                    result["found"][label] = [where(segments, maps, h) for h in hits]
            result["canary_seen"] = bool(find_all(core, canary.encode()))
            result["core_size"] = len(core)
        finally:
            core.close()
        return result
    finally:
        end_round(work, host, fake)


def run_reseal_round(reseal_host, fake_exe, plugin, scratch, dump):
    """Rotates the master key in a host that then holds no instance: the dump,
    the log and the database must hold neither master key nor the API key."""
    key = random_key(40)
    old_master, new_master = secrets.token_hex(32), secrets.token_hex(32)
    work = tempfile.mkdtemp(prefix="core-reseal-", dir=scratch)
    fake = subprocess.Popen([fake_exe, os.path.join(work, "tokens.txt"), key,
                             "--payer", "pat@customer.example"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    host = None
    try:
        port, ca_file = read_line(fake, "the fake Wise-Pay").split(" ", 1)
        database = os.path.join(work, "settings.db")
        host = subprocess.Popen([reseal_host, plugin, database, f"https://127.0.0.1:{port}",
                                 ca_file],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        host.stdin.write(f"{key}\n{old_master}\n{new_master}\n".encode())
        host.stdin.flush()
        done = read_line(host, "the re-seal host")
        if read_line(host, "the re-seal host") != "ready" or done != "done resealed=1 clicks=2":
            raise TestFailure(f"the re-seal host's calls did not go as planned: {done}")
        secrets_to_find = [("API key", key.encode()),
                           ("old master key (hex)", old_master.encode()),
                           ("new master key (hex)", new_master.encode()),
                           ("old master key (bytes)", bytes.fromhex(old_master)),
                           ("new master key (bytes)", bytes.fromhex(new_master))]
        found = {}
        if dump:
            maps = read_maps(host.pid)
            core_path = dump_core(host.pid, os.path.join(work, "reseal-host"))
            with open(core_path, "rb") as f:
                core = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            try:
                segments = load_segments(core)
                for label, needle in secrets_to_find:
                    hits = find_all(core, needle)
                    if hits:
                        found[label] = [where(segments, maps, h) for h in hits]
            finally:
                core.close()
        _, host_err = host.communicate(timeout=TIMEOUT)
        if host.returncode != 0:
            raise TestFailure(f"the re-seal host failed: {host_err.decode(errors='replace')}")
        fake.communicate(timeout=TIMEOUT)
        # Its log lines, and everything the database files hold (the audit
        # rows among them), read after the host has gone.
        stored = b"".join(open(os.path.join(work, name), "rb").read()
                          for name in os.listdir(work) if name.startswith("settings.db"))
        for label, needle in secrets_to_find:
            if needle in host_err:
                found.setdefault(label, []).append("the host's log")
            if needle in stored:
                found.setdefault(label, []).append("the database files")
        return found
    finally:
        end_round(work, host, fake)


def main():
    args = sys.argv[1:]
    dump = not (args and args[0] == "--no-dump")
    if not dump:
        args = args[1:]
    if len(args) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    tools = args[0:3]
    scratch = args[3]
    reseal_host = args[4]
    os.makedirs(scratch, exist_ok=True)
    rounds = int(os.environ.get("WISEPAY_COREDUMP_ROUNDS", "3"))
    clicks = int(os.environ.get("WISEPAY_COREDUMP_CLICKS", "12"))
    failed = False
    try:
        for number in range(1, rounds + 1):
            result = run_round(number, tools, scratch, clicks, dump)
            key_hits = result["found"].get("API key", [])
            token_hits = [label for label in result["found"] if label != "API key"]
            dumped = f"dump of {result['core_size'] >> 20} MiB" if dump else "no dump"
            print(f"round {number}: key of {result['key_length']} characters, "
                  f"{'slashes escaped in answers, ' if result['escaped'] else ''}"
                  f"{result['tokens']} sign-in tokens, {dumped}; host: {result['tally']}")
            if not dump:
                continue
            print(f"  API key found {len(key_hits)} times; "
                  f"{len(token_hits)} of {result['tokens']} tokens found")
            for label, places in result["found"].items():
                for place in places:
                    print(f"    {label.split(' ')[0] if label != 'API key' else 'API key'} at {place}")
            if not result["canary_seen"]:
                print("  the canary in freed heap memory is missing from the dump: "
                      "the dump does not show what this test looks for")
                failed = True
            if result["found"]:
                failed = True
        found = run_reseal_round(reseal_host, tools[1], tools[2], scratch, dump)
        print("re-seal round: the key re-sealed under a new master key, the instances destroyed"
              + ("" if dump else " (no dump)"))
        for label, places in found.items():
            for place in places:
                print(f"    {label} at {place}")
        if found:
            failed = True
    except TestFailure as e:
        print(f"FAIL: {e}")
        return 1
    if failed:
        print("FAIL: secrets left in the host's memory (see above)")
        return 1
    if not dump:
        print(f"PASS: {rounds} rounds ran as planned; no dump was taken (--no-dump)")
        return 0
    print(f"PASS: no API key or sign-in token in {rounds} dumps, and no API key or master key "
          "in the dump, log or database of the re-seal round")
    return 0


if __name__ == "__main__":
    sys.exit(main())
