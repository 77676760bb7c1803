#!/usr/bin/python3
"""Checks that the example servers (the stand-in Wise-Pay and the admin
console, both on examples/common's server) drop a client that stalls in the
middle of a request, within their read deadline, and keep serving others.

Each server runs with --read-timeout 2. Two clients stall: one sends half a
request header and then nothing, the other sends the header a byte every
half second, which would keep a per-read timeout from ever firing. Each
must see its connection closed no earlier than half the deadline (the
deadline is honoured, not cut short) and within the deadline plus a
generous margin for a loaded machine. Meanwhile, and afterwards, a normal
request is answered.

Usage: stalled_client_test.py STANDIN_WISEPAY ADMIN_CONSOLE SCRATCH_DIR
Standard library only. Prints "N passed, M failed"; exits non-zero on any failure.
"""
import http.client
import json
import os
import socket
import sys
import tempfile
import threading
import time

from harness import Server, check, summary

READ_TIMEOUT = 2  # seconds, passed as --read-timeout
MARGIN = 10  # seconds past the deadline still counted as dropping in time
HALF_HEADER = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: stalled"


def wait_for_close(sock, deadline):
    """Reads until the server closes; returns True if it did before deadline."""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if sock.recv(4096) == b"":
                return True
        except socket.timeout:
            return False
        except ConnectionError:
            return True
    return False


def half_header(port, result):
    """Sends half a header, then waits to be dropped."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(HALF_HEADER)
        closed = wait_for_close(sock, started + READ_TIMEOUT + MARGIN)
        result["elapsed"] = time.monotonic() - started
        result["closed"] = closed


def trickle(port, result):
    """Sends the header one byte every half second until dropped."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        started = time.monotonic()
        give_up = started + READ_TIMEOUT + MARGIN
        closed = False
        for byte in HALF_HEADER * 100:
            try:
                sock.sendall(bytes([byte]))
            except ConnectionError:
                closed = True
                break
            if wait_for_close(sock, min(time.monotonic() + 0.5, give_up)):
                closed = True
                break
            if time.monotonic() >= give_up:
                break
        result["elapsed"] = time.monotonic() - started
        result["closed"] = closed


def get_status(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        res.read()
        return res.status
    except OSError as e:
        return repr(e)
    finally:
        conn.close()


def check_server(name, server, path):
    stalls = {"half a header": {}, "a byte every half second": {}}
    threads = [threading.Thread(target=half_header, args=(server.port, stalls["half a header"])),
               threading.Thread(target=trickle,
                                args=(server.port, stalls["a byte every half second"]))]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    status = get_status(server.port, path)
    check(f"{name}: answers GET {path} while two clients stall", status == 200, f"got {status}")
    for thread in threads:
        thread.join()
    for what, result in stalls.items():
        elapsed = result.get("elapsed", 0)
        check(f"{name}: drops a client sending {what} within {READ_TIMEOUT} s + {MARGIN} s",
              result.get("closed") is True, f"still open after {elapsed:.1f} s")
        check(f"{name}: but not before {READ_TIMEOUT / 2:g} s", elapsed >= READ_TIMEOUT / 2,
              f"closed after {elapsed:.1f} s")
    status = get_status(server.port, path)
    check(f"{name}: answers GET {path} afterwards", status == 200, f"got {status}")
    alive = server.proc.poll() is None
    check(f"{name}: is still running", alive, server.logs())


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    standin_binary, console_binary, scratch = sys.argv[1:4]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        standin = Server([standin_binary, "--read-timeout", str(READ_TIMEOUT)], tmp, "standin")
        try:
            check_server("the stand-in Wise-Pay", standin, "/healthz")
        finally:
            standin.kill()

        config = os.path.join(tmp, "plugin-config.json")
        with open(config, "w") as f:
            json.dump({"database_path": os.path.join(tmp, "settings.db"),
                       "master_key": {"source": "file", "path": os.path.join(tmp, "master.key"),
                                      "create": True},
                       "wisepay_base_url": "http://127.0.0.1:9", "allow_insecure_http": True}, f)
        console = Server([console_binary, "--config-file", config,
                          "--read-timeout", str(READ_TIMEOUT)], tmp, "console")
        try:
            check_server("the admin console", console, "/")
        finally:
            console.kill()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
