#!/usr/bin/python3
"""Checks examples/admin_console (wisepay_admin_console) over HTTP: it renders
the plugin's Wise-Pay page (with accessible field errors, the saved key's
state, the plugin's save warnings, the history and the health banner),
saves through it, removes the key, guards it, lists invoice links only when
they can work, opens Wise-Pay through the "Opening Wise-Pay..." page without
ever logging the sign-in link, turns a double click away, loses nothing
acknowledged when killed, and stops cleanly on SIGTERM.

Usage: admin_console_test.py PATH/TO/wisepay_admin_console [--postgres PATH/TO/wisepay_test_postgres]
When wisepay_standin sits beside the console binary, the click-through
against the stand-in Wise-Pay is checked too. With --postgres, two consoles
(two nodes of a fleet) run on one PostgreSQL database instead, and each
must see what the other saved.
Standard library only. Prints "N passed, M failed"; exits non-zero on any failure.
"""

import html.parser
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

from harness import Server, check, summary

DEMO_KEY = "wp_demo_3f9a7c2e41b8d6a5"
PAGE = "/admin/integrations/wisepay"

# ---------------------------------------------------------------------------
# Reading the console's HTML


class PageParser(html.parser.HTMLParser):
    """Collects elements by id (with their text), inputs, buttons and links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.by_id = {}  # id -> {"tag", "attrs", "text"}
        self.inputs = []  # attrs dicts
        self.buttons = []  # (attrs, text)
        self.links = []  # (attrs, text)
        self._open = []  # stack of (tag, id or None, text list)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.inputs.append(a)
            if "id" in a:
                self.by_id[a["id"]] = {"tag": tag, "attrs": a, "text": ""}
            return
        self._open.append((tag, a, []))

    def handle_endtag(self, tag):
        # Close up to the matching tag (the console writes well-formed HTML).
        while self._open:
            open_tag, a, text = self._open.pop()
            joined = "".join(text)
            if self._open:
                self._open[-1][2].append(joined)
            if "id" in a:
                self.by_id[a["id"]] = {"tag": open_tag, "attrs": a, "text": joined}
            if open_tag == "button":
                self.buttons.append((a, joined.strip()))
            if open_tag == "a":
                self.links.append((a, joined.strip()))
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def parse(body):
    p = PageParser()
    p.feed(body)
    p.close()
    return p


def input_named(page, name):
    for a in page.inputs:
        if a.get("name") == name:
            return a
    return None


def text_of(page, element_id):
    element = page.by_id.get(element_id)
    return " ".join(element["text"].split()) if element else None


# ---------------------------------------------------------------------------
# Running the console


class Browser:
    """One cookie jar against one console."""

    def __init__(self, console):
        self.console = console
        self.cookie = None

    def request(self, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.console.port, timeout=20)
        try:
            h = dict(headers or {})
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                h["Content-Type"] = "application/x-www-form-urlencoded"
            if self.cookie:
                h["Cookie"] = self.cookie
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            text = res.read().decode("utf-8", "replace")
            set_cookie = res.headers.get("Set-Cookie")
            if set_cookie:
                self.cookie = set_cookie.split(";", 1)[0]
            return res.status, res.headers, text
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form, headers=None):
        return self.request("POST", path, form=form, headers=headers)

    def login(self, user):
        return self.post("/login", {"user": user})

    def settings_form(self):
        """GETs the Wise-Pay page; returns (status, body, page, csrf, version)."""
        status, _, body = self.get(PAGE)
        page = parse(body)
        csrf = (input_named(page, "csrf_token") or {}).get("value", "")
        version = (input_named(page, "version") or {}).get("value", "")
        return status, body, page, csrf, version


def start_console(binary, workdir, config_path, name):
    return Server([binary, "--config-file", config_path, "--tenant", "demo"], workdir, name)


def write_config(path, tmp, base_url):
    with open(path, "w") as f:
        json.dump({
            "database_path": os.path.join(tmp, "settings.db"),
            "master_key": {"source": "file", "path": os.path.join(tmp, "master.key"),
                           "create": True},
            "wisepay_base_url": base_url,
            "allow_insecure_http": True,
            # Nothing listens on the discard port: keep the failing calls short.
            "deadline_ms": 1500,
        }, f)


def is_checked(page, name):
    box = input_named(page, name)
    return box is not None and "checked" in box


def pay_links(page):
    return [(a, t) for a, t in page.links if "pay-link" in a.get("class", "").split()]


def attr_of(page, element_id, name):
    element = page.by_id.get(element_id)
    return element["attrs"].get(name) if element else None


def opening_csrf(browser, invoice_id):
    """GETs the "Opening Wise-Pay..." page; returns (status, headers, page, csrf)."""
    status, headers, body = browser.get(f"/invoices/{invoice_id}/pay")
    page = parse(body)
    return status, headers, page, attr_of(page, "opening", "data-csrf-token") or ""


def open_invoice(browser, invoice_id, csrf, as_json=True):
    """POSTs what the Opening page's script (or its no-script form) posts."""
    headers = {"Accept": "application/json"} if as_json else {}
    status, res_headers, body = browser.post(f"/invoices/{invoice_id}/pay",
                                             {"csrf_token": csrf}, headers=headers)
    doc = None
    if as_json:
        try:
            doc = json.loads(body)
        except ValueError:
            doc = {"unparsed": body[:300]}
    return status, res_headers, body, doc


# ---------------------------------------------------------------------------
# The checks


def check_pages(binary, workdir, config):
    console = start_console(binary, workdir, config, "console")
    try:
        check("prints where it listens",
              f"admin console listening on {console.origin}/" in console.stdout(),
              console.stdout())

        ada = Browser(console)
        status, headers, body = ada.get("/")
        check("GET / is the login picker", status == 200 and "Sign in to the portal as" in body
              and all(n in body for n in ("Ada Admin", "Pat Payer", "Nora Nonpayer")), body[:300])
        check("pages are not cached", headers.get("Cache-Control") == "no-store")

        status, headers, _ = ada.login("ada")
        cookie = headers.get("Set-Cookie", "")
        check("Ada's login redirects to the integration page",
              status == 303 and headers.get("Location") == PAGE, f"{status} {headers}")
        check("the session cookie is HttpOnly and SameSite=Lax",
              "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie)

        status, body, page, csrf, version = ada.settings_form()
        check("Ada sees the Wise-Pay page", status == 200, str(status))
        key_input = input_named(page, "api_key")
        check("the API Key field is a password input with autocomplete off",
              key_input is not None and key_input.get("type") == "password"
              and key_input.get("autocomplete") == "off" and key_input.get("value", "") == "",
              str(key_input))
        check("the API Key label and help come from the page document",
              "API Key" in (text_of(page, "field-api_key") or "")
              and "Desk Director" in (text_of(page, "field-api_key") or ""))
        enabled = input_named(page, "enabled")
        check("Enabled is an unchecked checkbox",
              enabled is not None and enabled.get("type") == "checkbox"
              and not is_checked(page, "enabled"), str(enabled))
        check("the breadcrumb and title come from the page document",
              "Integrations" in body and "<h1>Wise-Pay</h1>" in body)
        labels = [(a.get("name"), a.get("value"), t) for a, t in page.buttons]
        check("Save Settings and Test connection buttons",
              ("action", "save", "Save Settings") in labels
              and ("action", "test_connection", "Test connection") in labels, str(labels))
        check("a fresh tenant is at version 0", version == "0", version)
        check("the page-message area is there", "page-message" in page.by_id)
        check("field errors have their slots",
              "error-api_key" in page.by_id and "error-enabled" in page.by_id)
        check("the saved key's state is a sentence: no key saved",
              text_of(page, "state-api_key") == "No key saved.", str(text_of(page, "state-api_key")))
        check("with no key there is nothing to remove", "remove-api_key" not in page.by_id)
        check("the history says nothing was saved yet", "history-empty" in page.by_id)
        check("the admin sees the admin link", "nav-integration" in page.by_id)
        csp = ada.get(PAGE)[1].get("Content-Security-Policy", "")
        check("the CSP allows only the console's own scripts and styles",
              "script-src 'self'" in csp and "style-src 'self'" in csp
              and "unsafe-inline" not in csp, csp)
        check("no inline script or event handler in the page",
              re.search(r"<script(?![^>]*\bsrc=)", body) is None
              and re.search(r"\son[a-z]+=", body) is None)
        for asset, kind in (("console.css", "text/css"), ("local_time.js", "text/javascript"),
                            ("test_connection.js", "text/javascript"),
                            ("open_invoice.js", "text/javascript")):
            status, headers, text = ada.get("/static/" + asset)
            check(f"/static/{asset} is served as {kind}",
                  status == 200 and headers.get("Content-Type", "").startswith(kind)
                  and len(text) > 100, f"{status} {headers.get('Content-Type')}")
        status, _, _ = ada.get("/static/nothing.js")
        check("an unknown static file is 404", status == 404, str(status))

        status, _, body = ada.post(PAGE, {"version": version, "api_key": DEMO_KEY,
                                          "action": "save"})
        check("a POST without the CSRF token is refused", status == 403, str(status))
        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                          "api_key": DEMO_KEY, "action": "save"},
                                   headers={"Origin": "http://evil.example"})
        check("a POST from another origin is refused", status == 403, str(status))

        bad_key = "wp demo with spaces 1234"
        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                          "api_key": bad_key, "enabled": "on",
                                          "action": "save"})
        page = parse(body)
        check("a key with a space is refused with a field error",
              status == 200 and bool(text_of(page, "error-api_key")),
              f"{status} {text_of(page, 'error-api_key')!r}")
        check("the refused key is not echoed back", bad_key not in body
              and urllib.parse.quote(bad_key) not in body)
        key_input = input_named(page, "api_key") or {}
        check("the field with the error is aria-invalid and focused on load",
              key_input.get("aria-invalid") == "true" and "autofocus" in key_input, str(key_input))
        check("and highlighted", "invalid" in (attr_of(page, "field-api_key", "class") or ""))
        check("the error banner is role=alert and links to the field",
              attr_of(page, "page-message", "role") == "alert"
              and any(a.get("href") == "#input-api_key" for a, _ in page.links),
              str(page.by_id.get("page-message")))
        check("the error says the typed key is not shown again",
              "paste it into the field once more" in (text_of(page, "error-api_key") or ""))
        check("a field without an error is not marked",
              "aria-invalid" not in (input_named(page, "enabled") or {}))
        check("the typed checkbox state is kept", is_checked(page, "enabled"))
        check("nothing was saved by the refused POST",
              (input_named(page, "version") or {}).get("value") == version)

        status, headers, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                                "api_key": "  " + DEMO_KEY + "\n",
                                                "enabled": "on", "action": "save"})
        check("a valid save answers 303 back to the page",
              status == 303 and headers.get("Location", "").startswith(PAGE),
              f"{status} {headers.get('Location')} {body[:200]}")
        status, _, body = ada.get(headers.get("Location", PAGE))
        page = parse(body)
        message = text_of(page, "page-message") or ""
        check("the page says the settings were saved", "Settings saved." in message, message)
        check("with the plugin's warning: Wise-Pay could not check the key",
              "could not be reached" in message
              and "warning" in (attr_of(page, "page-message", "class") or ""), message)
        check("the saved key's state says which key is saved",
              (text_of(page, "state-api_key") or "").startswith("Key ending in d6a5 saved."),
              str(text_of(page, "state-api_key")))
        check("the saved key can be removed from the page",
              attr_of(page, "remove-api_key", "href") == PAGE + "/remove-key")
        last_saved = page.by_id.get("last-saved")
        check("the last save is a <time> in UTC, readable without JavaScript",
              last_saved is not None and re.search(
                  r'Last saved <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" data-local>'
                  r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC</time> by ada\.admin@example\.com",
                  body) is not None, str(last_saved))
        _, _, again = ada.get(PAGE)
        check("the saved message shows once", "Settings saved." not in
              (text_of(parse(again), "page-message") or ""))
        placeholder = (input_named(page, "api_key") or {}).get("placeholder", "")
        check("the key field shows 'set, ends in d6a5'", placeholder == "set, ends in d6a5",
              placeholder)
        check("Enabled is now checked", is_checked(page, "enabled"))
        check("the full key appears nowhere in the page", DEMO_KEY not in body)
        new_version = (input_named(page, "version") or {}).get("value")
        check("the version moved on", new_version not in (None, "", version), str(new_version))

        # Leaving the key empty keeps it (omit_when_empty).
        status, headers, _ = ada.post(PAGE, {"csrf_token": csrf, "version": new_version,
                                             "api_key": "", "action": "save"})
        _, body, page, _, newest = ada.settings_form()
        check("saving with the key field empty keeps the key and unticks Enabled",
              status == 303 and (input_named(page, "api_key") or {}).get("placeholder")
              == "set, ends in d6a5" and not is_checked(page, "enabled"), f"{status}")

        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                          "enabled": "on", "action": "save"})
        page = parse(body)
        message = text_of(page, "page-message") or ""
        check("a stale version is a conflict with a Reload link",
              status == 409 and message and "reload-link" in page.by_id,
              f"{status} {message!r}")
        check("the conflict keeps the form",
              input_named(page, "api_key") is not None and is_checked(page, "enabled"))

        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": newest,
                                          "action": "test_connection"})
        page = parse(body)
        message = text_of(page, "page-message") or ""
        check("Test connection against an unreachable Wise-Pay shows the plugin's message",
              status == 200 and message and "Connected to" not in message, f"{status} {message!r}")

        pat = Browser(console)
        status, headers, _ = pat.login("pat")
        check("Pat's login redirects to the invoices",
              status == 303 and headers.get("Location") == "/invoices", str(headers))
        status, _, _ = pat.get(PAGE)
        check("Pat cannot see the Wise-Pay page", status == 403, str(status))
        status, _, _ = pat.post(PAGE, {"version": newest, "enabled": "on", "action": "save"})
        check("Pat cannot post to the Wise-Pay page", status == 403, str(status))
        status, _, body = pat.get("/invoices")
        page = parse(body)
        check("Pat does not see the admin link", "nav-integration" not in page.by_id
              and PAGE not in body, body[:600])
        check("while Enabled is off Pat's invoices have no links",
              status == 200 and not pay_links(page) and "INV-1001" in body, str(pay_links(page)))
        check("but a short note instead", "not available" in (text_of(page, "pay-unavailable") or ""))

        _, _, _, csrf, newest = ada.settings_form()
        status, _, _ = ada.post(PAGE, {"csrf_token": csrf, "version": newest, "enabled": "on",
                                       "action": "save"})
        check("Ada ticks Enabled again", status == 303, str(status))
        status, _, body = pat.get("/invoices")
        page = parse(body)
        links = pay_links(page)
        check("Pat has three pay links", status == 200 and len(links) == 3, str(links))
        check("each opens a new tab without opener or referrer",
              links and all(a.get("target") == "_blank"
                            and a.get("rel") == "noopener noreferrer" for a, _ in links))
        check("the links name Pat's invoices",
              [(a.get("href"), t) for a, t in links] ==
              [(f"/invoices/inv_100{i}/pay", f"Pay INV-100{i} in Wise-Pay") for i in (1, 2, 3)],
              str(links))
        check("the header says who is signed in",
              "Pat Payer" in (text_of(page, "signed-in-as") or ""))
        status, _, _ = pat.get("/invoices/inv_2001/pay")
        check("Nora's invoice is not found for Pat", status == 404, str(status))

        status, headers, page, pat_csrf = opening_csrf(pat, "inv_1002")
        check("a link opens the 'Opening Wise-Pay' page, which calls nothing yet",
              status == 200 and "Opening Wise-Pay" in (text_of(page, "open-heading") or "")
              and attr_of(page, "opening", "data-open-url") == "/invoices/inv_1002/pay"
              and bool(pat_csrf), f"{status}")
        check("it sends no referrer to other sites and may post on to Wise-Pay only",
              headers.get("Referrer-Policy") == "same-origin"
              and "form-action 'self' http://127.0.0.1:9;"
              in headers.get("Content-Security-Policy", ""),
              str(headers.get("Content-Security-Policy")))
        check("without JavaScript it offers a button that posts the same request",
              "continue-without-script" in page.by_id)
        status, _, _, doc = open_invoice(pat, "inv_1002", "")
        check("opening without the CSRF token is refused", status == 403
              and doc.get("outcome") == "refused", f"{status} {doc}")
        status, headers, body = pat.post("/invoices/inv_1002/pay", {"csrf_token": pat_csrf})
        page = parse(body)
        check("a refused open without JavaScript shows the refusal page with a way back",
              status >= 400 and "refusal" in page.by_id and "back-to-invoices" in page.by_id,
              f"{status} {body[:200]}")
        check("the refusal page is not cached", headers.get("Cache-Control") == "no-store")
        check("and gives a support id", bool(text_of(page, "correlation-id")))
        status, headers, _, doc = open_invoice(pat, "inv_1002", pat_csrf)
        check("the script gets the same refusal as JSON, with a support id",
              status >= 400 and doc.get("outcome") == "refused" and doc.get("message")
              and doc.get("support_id") and "url" not in doc, f"{status} {doc}")
        check("a failed open can be tried again at once (no 'another tab')",
              "another tab" not in doc.get("message", ""), str(doc))

        anonymous = Browser(console)
        status, headers, _ = anonymous.get("/invoices")
        check("signed-out visitors are sent to the login picker",
              status == 303 and headers.get("Location") == "/", str(status))
        status, _, _ = anonymous.request("GET", "/", headers={"Host": "evil.example"})
        check("a foreign Host header is refused (DNS rebinding)", status == 421, str(status))

        # Enough saves for two pages of history.
        for i in range(11):
            _, _, _, csrf, version = ada.settings_form()
            ada.post(PAGE, {"csrf_token": csrf, "version": version, "action": "save",
                            **({"enabled": "on"} if i % 2 == 0 else {})})
        _, body, page, csrf, version = ada.settings_form()
        entries = re.findall(r"<li><p class=\"what\">(.*?)</p><p class=\"who-when\">(.*?)</p></li>",
                             body)
        check("History shows a page of ten entries, newest first",
              len(entries) == 10 and f"version {version}" in entries[0][1]
              and f"version {int(version) - 9}" in entries[9][1], str(entries[:2]))
        check("each entry says who, when and what changed",
              all("ada.admin@example.com" in who and "<time datetime=" in who and what
                  for what, who in entries), str(entries[:2]))
        check("no entry holds a key", DEMO_KEY not in body)
        older = attr_of(page, "history-older", "href") or ""
        check("an Older link pages on by the last entry's id",
              re.fullmatch(re.escape(PAGE) + r"\?history_before=\d+#history", older) is not None,
              older)
        status, _, body = ada.get(older.split("#")[0])
        older_entries = re.findall(r'<p class="who-when">.*?version (\d+)</p>', body)
        check("the older page goes on where the first stopped, back to version 1",
              status == 200 and older_entries and int(older_entries[0]) == int(version) - 10
              and older_entries[-1] == "1", str(older_entries))
        check("and links back to the newest", "history-newest" in parse(body).by_id)

        status, _, body = ada.get(PAGE + "/remove-key")
        page = parse(body)
        check("Remove key asks for confirmation first, naming the key",
              status == 200 and "d6a5" in (text_of(page, "remove-what") or "")
              and "confirm-remove" in page.by_id and "cancel-remove" in page.by_id, body[-800:])
        form_csrf = (input_named(page, "csrf_token") or {}).get("value", "")
        form_version = (input_named(page, "version") or {}).get("value", "")
        enabled_before = "remove-enabled" in page.by_id
        status, _, _ = ada.post(PAGE + "/remove-key", {"version": form_version})
        check("removing without the CSRF token is refused", status == 403, str(status))
        status, headers, _ = ada.post(PAGE + "/remove-key", {"csrf_token": form_csrf,
                                                             "version": form_version})
        check("confirming removes the key", status == 303
              and headers.get("Location") == PAGE, f"{status} {headers.get('Location')}")
        status, body, page, csrf, version = ada.settings_form()
        check("the page says so and shows no key saved",
              "API key removed." in (text_of(page, "page-message") or "")
              and text_of(page, "state-api_key") == "No key saved."
              and "remove-api_key" not in page.by_id, str(text_of(page, "page-message")))
        check("Enabled went off with it, as the confirmation said",
              enabled_before and not is_checked(page, "enabled"))
        first = re.search(r'<li><p class="what">(.*?)</p>', body)
        check("History lists the removal first",
              first is not None and "API key removed" in first.group(1), str(first))
        status, _, body = ada.get(PAGE + "/remove-key")
        check("with no key, there is nothing to confirm",
              status == 200 and "There is no saved API key to remove." in body)

        # Killed right after an acknowledged save: the save must survive.
        _, _, _, csrf, version = ada.settings_form()
        status, _, _ = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                       "api_key": "wp_demo_killtest_9c1e", "enabled": "on",
                                       "action": "save"})
        check("a save is acknowledged just before the kill", status == 303, str(status))
        console.proc.send_signal(signal.SIGKILL)
        console.proc.wait()
        check("the plugin's log never shows a key",
              DEMO_KEY not in console.logs() and "wp_demo_killtest_9c1e" not in console.logs())
    finally:
        console.kill()

    console = start_console(binary, workdir, config, "console-restarted")
    try:
        ada = Browser(console)
        ada.login("ada")
        status, body, page, _, version = ada.settings_form()
        check("after the kill and a restart the acknowledged save is there",
              status == 200 and (input_named(page, "api_key") or {}).get("placeholder")
              == "set, ends in 9c1e" and is_checked(page, "enabled"),
              str(input_named(page, "api_key")))

        # An idle kept-alive connection must not hold up the shutdown.
        idle = http.client.HTTPConnection("127.0.0.1", console.port, timeout=10)
        idle.request("GET", "/")
        idle.getresponse().read()
        started = time.monotonic()
        console.proc.send_signal(signal.SIGTERM)
        try:
            code = console.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            code = None
        elapsed = time.monotonic() - started
        check("SIGTERM exits 0 within 3 s", code == 0, f"code {code} after {elapsed:.1f}s")
        idle.close()
    finally:
        console.kill()


def check_click_through(binary, standin_binary, workdir):
    """Against the stand-in Wise-Pay: test connection, a key Wise-Pay refuses,
    Pat's redirect (never logged), a double click, Nora's refusal with the
    registration button, and the health banner after Wise-Pay drops the key."""
    tmp = os.path.join(workdir, "e2e")
    os.mkdir(tmp)
    standin = Server([standin_binary, "--test-controls", "on"], tmp, "standin")
    console = None

    def standin_call(method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", standin.port, timeout=10)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            return json.loads(res.read() or b"null")
        finally:
            conn.close()

    def sessions_created():
        return standin_call("GET", "/_standin/stats")["sso_sessions_created"]

    try:
        config = os.path.join(tmp, "plugin-config.json")
        write_config(config, tmp, standin.origin)
        console = start_console(binary, tmp, config, "console")

        ada = Browser(console)
        ada.login("ada")
        _, _, _, csrf, version = ada.settings_form()
        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                          "api_key": DEMO_KEY, "action": "test_connection"})
        message = text_of(parse(body), "page-message") or ""
        check("Test connection with the typed key names the merchant",
              status == 200 and "Connected to Demo Merchant." in message, message)
        check("without JavaScript it asks to paste the key again to save it",
              "paste it again and choose Save Settings" in message, message)
        check("the tested key is not echoed back", DEMO_KEY not in body)
        status, headers, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                                "api_key": DEMO_KEY,
                                                "action": "test_connection"},
                                         headers={"Accept": "application/json"})
        doc = json.loads(body) if status == 200 else {}
        check("the page's script gets the answer as JSON, with Save offered",
              doc.get("kind") == "success" and "Connected to Demo Merchant." in doc.get("text", "")
              and doc.get("offer_save") is True and doc.get("save_label") == "Save Settings",
              f"{status} {body[:300]}")
        check("the JSON never holds the key", DEMO_KEY not in body)
        check("and is not cached", headers.get("Cache-Control") == "no-store")

        unknown_key = "wp_live_0123456789abcdef"
        status, _, body = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                          "api_key": unknown_key, "enabled": "on",
                                          "action": "save"})
        page = parse(body)
        key_input = input_named(page, "api_key") or {}
        check("a key Wise-Pay does not know is refused at save, beside the field",
              status == 200 and "Wise-Pay does not accept this key"
              in (text_of(page, "error-api_key") or ""), str(text_of(page, "error-api_key")))
        check("the field is aria-invalid and focused, the banner an alert",
              key_input.get("aria-invalid") == "true" and "autofocus" in key_input
              and attr_of(page, "page-message", "role") == "alert", str(key_input))
        check("the refused key is not echoed back, and nothing was saved",
              unknown_key not in body and key_input.get("value") == ""
              and (input_named(page, "version") or {}).get("value") == version)

        status, _, _ = ada.post(PAGE, {"csrf_token": csrf, "version": version,
                                       "api_key": DEMO_KEY, "enabled": "on", "action": "save"})
        check("the demo key saves", status == 303, str(status))
        _, body, page, _, _ = ada.settings_form()
        message = text_of(page, "page-message") or ""
        check("with no warning: Wise-Pay checked it",
              message == "Settings saved." and "health-banner" not in page.by_id, message)

        pat = Browser(console)
        pat.login("pat")
        _, _, _, csrf_pat = opening_csrf(pat, "inv_1001")
        before = sessions_created()
        status, headers, body, _ = open_invoice(pat, "inv_1001", csrf_pat, as_json=False)
        location = headers.get("Location", "")
        check("without JavaScript, opening answers 303 to the Wise-Pay portal",
              status == 303 and location.startswith(standin.origin + "/sso/consume"),
              f"{status} {body[:200]}")
        check("the redirect is not cached and sends no referrer",
              headers.get("Cache-Control") == "no-store"
              and headers.get("Referrer-Policy") == "no-referrer", str(headers))

        _, _, _, csrf_pat = opening_csrf(pat, "inv_1002")
        status, headers, body, doc = open_invoice(pat, "inv_1002", csrf_pat)
        url = doc.get("url", "")
        check("the Opening page's script gets the sign-in link as JSON",
              status == 200 and doc.get("outcome") == "redirect"
              and url.startswith(standin.origin + "/sso/consume?token="), f"{status} {doc}")
        check("not cached, no referrer", headers.get("Cache-Control") == "no-store"
              and headers.get("Referrer-Policy") == "no-referrer")
        status, _, _, doc = open_invoice(pat, "inv_1002", csrf_pat)
        check("a second open of the same invoice moments later is turned away",
              status == 409 and doc.get("outcome") == "refused"
              and "another tab" in doc.get("message", ""), f"{status} {doc}")
        check("so two opens cost Wise-Pay two sessions for two invoices, not three",
              sessions_created() - before == 2, str(sessions_created() - before))
        logs = console.logs()
        check("no sign-in link or token is in the console's log",
              location and location not in logs and url not in logs and "token" not in logs)
        check("the log has the paths, so the opens did happen",
              "POST /invoices/inv_1002/pay -> 200" in logs
              and "POST /invoices/inv_1002/pay -> 409" in logs, logs[-600:])

        nora = Browser(console)
        nora.login("nora")
        _, _, _, csrf_nora = opening_csrf(nora, "inv_2001")
        status, _, body = nora.post("/invoices/inv_2001/pay", {"csrf_token": csrf_nora})
        page = parse(body)
        check("Nora's click shows the plugin's refusal",
              status >= 400 and "refusal" in page.by_id
              and bool(text_of(page, "refusal-message")), f"{status} {body[:300]}")
        help_link = page.by_id.get("help-link")
        check("with the registration link as a labelled button, not a bare URL",
              help_link is not None and help_link["text"].strip() == "Register as a Wise-Pay payer"
              and help_link["attrs"].get("href") == standin.origin + "/payers/register"
              and "button" in help_link["attrs"].get("class", ""), str(help_link))
        _, _, _, csrf_nora = opening_csrf(nora, "inv_2002")
        status, _, _, doc = open_invoice(nora, "inv_2002", csrf_nora)
        check("the script gets the same refusal, with the button's link and label",
              doc.get("outcome") == "refused"
              and doc.get("help_url") == standin.origin + "/payers/register"
              and doc.get("help_label") == "Register as a Wise-Pay payer", str(doc))

        # Wise-Pay stops accepting the key: the next click finds out, the
        # admin is told on the page and portal users lose the links.
        standin_call("POST", "/_standin/merchants/m_demo/key", {"revoked": True})
        _, _, _, csrf_pat = opening_csrf(pat, "inv_1003")
        status, _, _, doc = open_invoice(pat, "inv_1003", csrf_pat)
        check("a click with a key Wise-Pay rejects is refused with a support id",
              status >= 400 and doc.get("support_id"), f"{status} {doc}")
        _, _, body = pat.get("/invoices")
        check("then Pat's invoices have no links, only the note",
              not pay_links(parse(body)) and "pay-unavailable" in parse(body).by_id)
        _, body, page, _, _ = ada.settings_form()
        banner = text_of(page, "health-banner") or ""
        check("Ada's page shows the health banner: what is wrong, what to do",
              "rejects the saved API key" in banner and "Copy the key again" in banner, banner)
        check("since when, and the last click that worked",
              banner.count("UTC") == 2 and "<time datetime=" in body, banner)
        standin_call("POST", "/_standin/merchants/m_demo/key", {"revoked": False})
    finally:
        if console:
            console.kill()
        standin.kill()


def check_fleet(binary, workdir, postgres_helper):
    """Two consoles on one PostgreSQL database: a save on one shows on the other."""
    server = subprocess.Popen([postgres_helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        check("the test PostgreSQL server starts", url.startswith("postgresql://"),
              server.stderr.read() if not url else "")
        config = os.path.join(workdir, "fleet-config.json")
        write_config(config, workdir, "http://127.0.0.1:9")
        with open(config) as f:
            doc = json.load(f)
        del doc["database_path"]
        doc["database_url"] = url
        # Every node of a fleet holds the same master key.
        doc["master_key"] = {"source": "hex", "value": "7" * 64}
        with open(config, "w") as f:
            json.dump(doc, f)
        a = start_console(binary, workdir, config, "node-a")
        b = start_console(binary, workdir, config, "node-b")
        try:
            admin_a, admin_b = Browser(a), Browser(b)
            admin_a.login("ada")
            admin_b.login("ada")
            status, _, _, csrf, version = admin_a.settings_form()
            check("node A serves the Wise-Pay page", status == 200 and version == "0")
            status, _, _ = admin_a.post(PAGE, {"csrf_token": csrf, "version": version,
                                              "api_key": DEMO_KEY, "enabled": "on"})
            check("node A saves the key", status in (200, 303))
            status, body, page, _, version = admin_b.settings_form()
            check("node B shows the save at once: version 1", version == "1", body[-500:])
            check("node B shows the key as set, by its last four", "d6a5" in body)
            check("and Enabled ticked", is_checked(page, "enabled"))
            check("neither page shows the key", DEMO_KEY not in body)
        finally:
            a.kill()
            b.kill()
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    check("the test PostgreSQL server stops", server.returncode == 0)


def main():
    if len(sys.argv) == 4 and sys.argv[2] == "--postgres":
        with tempfile.TemporaryDirectory(prefix="admin-console-fleet-") as workdir:
            try:
                check_fleet(os.path.abspath(sys.argv[1]), workdir, os.path.abspath(sys.argv[3]))
            except Exception as e:  # a crash of the harness is a failure, not a pass
                check("the test ran to the end", False, repr(e))
        return summary()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="admin-console-") as workdir:
        config = os.path.join(workdir, "plugin-config.json")
        write_config(config, workdir, "http://127.0.0.1:9")
        try:
            check_pages(binary, workdir, config)
            standin_binary = os.path.join(os.path.dirname(binary), "wisepay_standin")
            if os.access(standin_binary, os.X_OK):
                check_click_through(binary, standin_binary, workdir)
            else:
                print("skip click-through: no wisepay_standin beside the console")
        except Exception as e:  # a crash of the harness is a failure, not a pass
            check("the test ran to the end", False, repr(e))
            for name in ("console.err", "console-restarted.err"):
                path = os.path.join(workdir, name)
                if os.path.exists(path):
                    print(f"--- {name}\n" + open(path).read()[-3000:])
    return summary()


if __name__ == "__main__":
    sys.exit(main())
