"""Shared pieces of the example tests: counting checks, and starting a server
binary on a kernel-chosen loopback port (--port 0 --port-file) and waiting
until it listens."""
import os
import subprocess
import time

_counts = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    """Records one check and prints it; returns the condition."""
    _counts["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + name + (": " + detail if detail and not condition else ""))
    return condition


def failures():
    return _counts["failed"]


def summary():
    """Prints the closing line and returns the exit code."""
    print("%d passed, %d failed" % (_counts["passed"], _counts["failed"]))
    return 1 if _counts["failed"] or not _counts["passed"] else 0


class Server:
    """A server binary started with --port 0 --port-file, waited for."""

    def __init__(self, argv, workdir, name, timeout=15):
        self.name = name
        self.port_file = os.path.join(workdir, name + ".port")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.out = open(os.path.join(workdir, name + ".out"), "w+")
        self.err = open(os.path.join(workdir, name + ".err"), "w+")
        self.proc = subprocess.Popen(list(argv) + ["--port", "0", "--port-file", self.port_file],
                                     stdout=self.out, stderr=self.err)
        self.port = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if os.path.exists(self.port_file):
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    break
            time.sleep(0.05)
        if self.port is None:
            self.kill()
            raise RuntimeError("%s did not start; stderr: %s" % (name, self.logs()))
        self.origin = "http://127.0.0.1:%d" % self.port

    def logs(self):
        self.err.flush()
        self.err.seek(0)
        return self.err.read()

    def stdout(self):
        self.out.flush()
        self.out.seek(0)
        return self.out.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
