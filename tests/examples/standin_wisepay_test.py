#!/usr/bin/python3
"""Checks that examples/standin_wisepay (wisepay_standin) speaks the contract
in docs/wisepay-api.md and behaves like a browser-facing portal.

Usage: standin_wisepay_test.py PATH/TO/wisepay_standin
Standard library only. Prints "N passed, M failed"; exits non-zero on any failure.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

from harness import Server, check, failures, summary

API = "/api/integrations/deskdirector/v1"
DEMO_KEY = "wp_demo_3f9a7c2e41b8d6a5"
DISABLED_KEY = "wp_demo_disabled_8e1d0c5b7a"

class Portal(Server):
    """One running wisepay_standin, on a kernel-chosen port."""

    def __init__(self, binary, workdir, name, *extra):
        super().__init__([binary, *extra], workdir, name, timeout=10)
        self.base = self.origin

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.headers, res.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def sso(self, email, invoice_id="inv_1002", number="INV-1002", key=DEMO_KEY,
            idempotency_key=None):
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                   "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        invoice = {"id": invoice_id}
        if number:
            invoice["number"] = number
        body = json.dumps({"payer_email": email, "invoice": invoice})
        status, res_headers, text = self.request("POST", API + "/sso-sessions", headers, body)
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        return status, res_headers, doc

    def stop(self):
        self.kill()


def path_of(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_api(portal):
    status, headers, text = portal.request(
        "GET", API + "/merchant", {"Authorization": f"Bearer {DEMO_KEY}"})
    doc = json.loads(text) if status == 200 else None
    check("merchant with the demo key is 200", status == 200, f"got {status}")
    check("merchant body names Demo Merchant, integration enabled",
          doc == {"merchant": {"id": "m_demo", "name": "Demo Merchant"},
                  "integration_enabled": True}, text)
    check("API answers are not cacheable", headers.get("Cache-Control") == "no-store")

    status, _, text = portal.request("GET", API + "/merchant", {"Authorization": "Bearer wp_bad"})
    check("merchant with a bad key is 401", status == 401, f"got {status}")
    try:
        code = json.loads(text)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    check("401 has an error code", isinstance(code, str), text)
    status, _, _ = portal.request("GET", API + "/merchant")
    check("merchant without a key is 401", status == 401, f"got {status}")

    status, _, doc = portal.sso("  Pat.PAYER@Example.COM \t")
    check("sso for Pat (mixed case, spaces) is 200", status == 200, f"got {status} {doc}")
    if status != 200:
        return None
    url = urllib.parse.urlsplit(doc.get("redirect_url", ""))
    check("redirect is on the portal's own host:port",
          url.scheme == "http" and url.netloc == f"127.0.0.1:{portal.port}", doc["redirect_url"])
    check("redirect is /sso/consume with a 32-hex token",
          url.path == "/sso/consume" and re.fullmatch(r"token=[0-9a-f]{32}", url.query),
          doc["redirect_url"])
    check("payer_email is Pat's", doc.get("payer_email") == "pat.payer@example.com", str(doc))
    expires = doc.get("expires_at")
    check("expires_at is an integer in the near future",
          isinstance(expires, int) and time.time() < expires <= time.time() + 125, str(expires))

    first = portal.sso("pat.payer@example.com", idempotency_key="idem-123")[2]
    again = portal.sso("pat.payer@example.com", idempotency_key="idem-123")[2]
    other = portal.sso("pat.payer@example.com", idempotency_key="idem-456")[2]
    check("same Idempotency-Key twice gives the same redirect_url",
          first and again and first["redirect_url"] == again["redirect_url"])
    check("another Idempotency-Key gives a new redirect_url",
          first and other and first["redirect_url"] != other["redirect_url"])
    check("no Idempotency-Key gives a new redirect_url each time",
          first and first["redirect_url"] != doc["redirect_url"])

    status, _, nora = portal.sso("nora.nonpayer@example.com")
    check("sso for Nora is 404", status == 404, f"got {status}")
    error = (nora or {}).get("error", {})
    check("404 code is payer_not_found", error.get("code") == "payer_not_found", str(nora))
    check("404 carries registration_url on the portal",
          error.get("registration_url") == portal.base + "/payers/register", str(nora))
    status, _, text = portal.request("GET", "/payers/register")
    check("registration page is served", status == 200 and "register" in text.lower())

    status, _, body = portal.sso("pat.payer@example.com", key=DISABLED_KEY)
    check("a merchant with the integration off gets 403 integration_disabled",
          status == 403 and (body or {}).get("error", {}).get("code") == "integration_disabled",
          f"{status} {body}")
    status, _, _ = portal.request(
        "POST", API + "/sso-sessions",
        {"Authorization": f"Bearer {DEMO_KEY}", "Content-Type": "application/json"},
        '{"payer_email": "pat.payer@example.com"}')
    check("a body without invoice is 400", status == 400, f"got {status}")
    status, _, _ = portal.request(
        "POST", API + "/sso-sessions",
        {"Authorization": f"Bearer {DEMO_KEY}", "Content-Type": "application/json"}, "{not json")
    check("malformed JSON is 400", status == 400, f"got {status}")
    status, _, _ = portal.sso("pat.payer@example.com", key="wp_nope")
    check("sso with a bad key is 401", status == 401, f"got {status}")
    return doc["redirect_url"]


def test_browser(portal, redirect_url):
    status, headers, _ = portal.request("GET", path_of(redirect_url))
    check("following the link gives 303", status == 303, f"got {status}")
    check("303 goes to /dashboard", headers.get("Location") == "/dashboard",
          str(headers.get("Location")))
    cookie = headers.get("Set-Cookie") or ""
    attributes = [a.strip().lower() for a in cookie.split(";")]
    check("session cookie is HttpOnly, SameSite=Lax, Path=/",
          "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes,
          cookie)
    check("token answers are not cacheable", headers.get("Cache-Control") == "no-store")
    check("no Referer leaks the token", headers.get("Referrer-Policy") == "no-referrer")
    session = cookie.split(";")[0]

    status, headers, page = portal.request("GET", "/dashboard", {"Cookie": session})
    check("dashboard with the cookie is 200", status == 200, f"got {status}")
    check("dashboard title", "<title>Wise-Pay dashboard</title>" in page)
    check("dashboard says Signed in as Pat Payer",
          re.search(r'id="signed-in-as"[^>]*>Signed in as Pat Payer \(pat\.payer@example\.com\)',
                    page) is not None)
    check("dashboard shows the selected invoice",
          re.search(r'id="selected-invoice"[^>]*>INV-1002<', page) is not None)
    check("dashboard highlights the selected invoice row",
          re.search(r'<tr class="highlight"[^>]*><td>INV-1002</td>', page) is not None)
    check("dashboard lists the open invoices",
          'id="open-invoices"' in page and all(n in page for n in
                                               ("INV-1001", "INV-1002", "INV-1003")))
    check("dashboard is not cacheable", headers.get("Cache-Control") == "no-store")

    status, _, page = portal.request("GET", "/dashboard")
    check("dashboard without a session is 401", status == 401, f"got {status}")
    check("401 page says not signed in", "You are not signed in to Wise-Pay." in page)
    status, _, _ = portal.request("GET", "/dashboard", {"Cookie": "wp_session=" + "0" * 32})
    check("dashboard with a made-up session is 401", status == 401, f"got {status}")

    status, headers, page = portal.request("GET", path_of(redirect_url))
    check("using the token a second time is 401", status == 401, f"got {status}")
    check("used token page explains what to do",
          "expired or was already used" in page and "click the invoice again" in page)
    check("used token sets no cookie", headers.get("Set-Cookie") is None)
    status, _, _ = portal.request("GET", "/sso/consume?token=" + "a" * 32)
    check("an unknown token is 401", status == 401, f"got {status}")

    status, _, text = portal.request("GET", "/healthz")
    check("healthz is 200 ok", status == 200 and text.strip() == "ok", f"{status} {text!r}")


def test_expiry(binary, workdir):
    portal = Portal(binary, workdir, "short-ttl", "--token-ttl", "1")
    try:
        status, _, doc = portal.sso("pat.payer@example.com")
        if not check("short-TTL portal mints a link", status == 200, f"got {status}"):
            return
        time.sleep(2)
        status, _, page = portal.request("GET", path_of(doc["redirect_url"]))
        check("an expired token is 401", status == 401, f"got {status}")
        check("expired token page explains what to do", "expired or was already used" in page)
    finally:
        portal.stop()


def test_controls(binary, workdir):
    """--test-controls on: the counters, and changing Wise-Pay under a portal."""
    portal = Portal(binary, workdir, "controls", "--test-controls", "on")
    json_headers = {"Content-Type": "application/json"}

    def stats():
        status, _, text = portal.request("GET", "/_standin/stats")
        return json.loads(text) if status == 200 else {"status": status}

    def control(path, body):
        status, _, text = portal.request("POST", "/_standin/" + path, json_headers,
                                         json.dumps(body))
        return status

    try:
        check("the counters start at zero",
              stats() == {"sso_sessions_created": 0, "sign_ins": 0, "api_delay_ms": 0},
              str(stats()))
        first = portal.sso("pat.payer@example.com", idempotency_key="count-1")[2]
        portal.sso("pat.payer@example.com", idempotency_key="count-1")
        check("a sign-in session is counted once, its idempotent retry not at all",
              stats()["sso_sessions_created"] == 1, str(stats()))
        portal.request("GET", path_of(first["redirect_url"]))
        check("using the link counts a sign-in", stats()["sign_ins"] == 1, str(stats()))

        check("revoking the demo key answers 200", control("merchants/m_demo/key",
                                                           {"revoked": True}) == 200)
        status, _, _ = portal.request("GET", API + "/merchant",
                                      {"Authorization": f"Bearer {DEMO_KEY}"})
        check("a revoked key is 401", status == 401, f"got {status}")
        check("restoring it answers 200", control("merchants/m_demo/key",
                                                  {"revoked": False}) == 200)
        status, _, _ = portal.sso("pat.payer@example.com")
        check("a restored key works again", status == 200, f"got {status}")

        control("merchants/m_demo/integration", {"enabled": False})
        status, _, body = portal.sso("pat.payer@example.com")
        check("switching the integration off gives 403 integration_disabled",
              status == 403 and (body or {}).get("error", {}).get("code")
              == "integration_disabled", f"{status} {body}")
        control("merchants/m_demo/integration", {"enabled": True})
        check("and on again, 200", portal.sso("pat.payer@example.com")[0] == 200)

        check("a slow Wise-Pay: the delay is set", control("api-delay", {"ms": 600}) == 200)
        started = time.monotonic()
        status, _, _ = portal.sso("pat.payer@example.com")
        elapsed = time.monotonic() - started
        check("API answers wait for the delay", status == 200 and elapsed >= 0.6,
              f"{status} after {elapsed:.2f} s")
        control("api-delay", {"ms": 0})

        check("an unknown merchant is 404",
              control("merchants/m_nobody/key", {"revoked": True}) == 404)
        check("a malformed body is 400", control("merchants/m_demo/key", {"revoked": 1}) == 400)
        status, _, _ = portal.request("POST", "/_standin/merchants/m_demo/key",
                                      {"Content-Type": "text/plain"}, '{"revoked": true}')
        check("a control without a JSON content type is refused (415)", status == 415,
              f"got {status}")
        check("so the key still works", portal.sso("pat.payer@example.com")[0] == 200)
    finally:
        portal.stop()


def test_stop(portal):
    # An idle keep-alive connection, as a browser leaves behind, must not
    # hold up the shutdown.
    idle = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=5)
    idle.request("GET", "/healthz")
    idle.getresponse().read()
    start = time.monotonic()
    portal.proc.send_signal(signal.SIGTERM)
    try:
        code = portal.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        code = None
    elapsed = time.monotonic() - start
    idle.close()
    check("SIGTERM stops it within 2 s", code is not None, f"still running after {elapsed:.1f} s")
    check("exit code after SIGTERM is 0", code == 0, f"got {code}")


def test_flags(binary):
    res = subprocess.run([binary, "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                         timeout=5)
    check("a non-loopback --host is refused", res.returncode == 2, f"exit {res.returncode}")
    res = subprocess.run([binary, "--port", "99999"], capture_output=True, timeout=5)
    check("a bad --port is refused", res.returncode == 2, f"exit {res.returncode}")
    res = subprocess.run([binary, "--read-timeout", "0", "--port", "0"], capture_output=True,
                         timeout=5)
    check("a bad --read-timeout is refused", res.returncode == 2, f"exit {res.returncode}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="standin_wisepay_test.") as workdir:
        portal = Portal(binary, workdir, "main")
        try:
            with open(portal.out.name) as f:
                banner = f.read()
            check("prints where it listens",
                  f"stand-in Wise-Pay listening on {portal.base}\n" in banner, banner)
            redirect_url = test_api(portal)
            if redirect_url:
                test_browser(portal, redirect_url)
            status, _, _ = portal.request("GET", "/_standin/stats")
            check("without --test-controls there are none", status == 404, f"got {status}")
            test_stop(portal)
            if failures():
                print("portal stderr:\n" + portal.logs())
        finally:
            portal.stop()
        test_expiry(binary, workdir)
        test_controls(binary, workdir)
        test_flags(binary)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
