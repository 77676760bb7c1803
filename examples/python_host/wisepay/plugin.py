"""Loading the Wise-Pay plugin module and calling it from Python.

``Plugin`` is the loaded module and its function table; ``Instance`` is one
instance made by ``create()``, a context manager that destroys it on exit.
Every call returns Python values (JSON decoded into dicts, a ``Redirect``,
the dataclasses of extensions.py) or raises a ``WisePayError`` subclass;
every object the plugin hands out, on success and on failure alike, goes
back to the plugin through ``Plugin.free_string``, ``free_error``,
``free_redirect`` or the free function of the extension that returned it
(``free_view``, ``free_audit_page``, ...), never to Python's or libc's
allocator.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import subprocess
import sysconfig
from ctypes import byref, c_size_t
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Callable, Mapping, TypeVar

from ._abi import (ABI_VERSION, ENTRY_SYMBOL, EXT_AUDIT, EXT_MAINTENANCE, EXT_SETTINGS_VIEW,
                   AbiStruct, AuditApiStruct, AuditPagePtr, AuditRequestStruct,
                   ConnectionTestRequestStruct, CopyReportPtr, CopyRequestStruct, EntryFn,
                   ErrorPtr, GetMasterKeyFn, HostStruct, InstancePtr, InvoiceRequestStruct, LogFn,
                   LogLevel, MaintenanceApiStruct, PageStruct, PluginApiStruct, RedirectPtr,
                   RegisterPageFn, ResealReportPtr, ResealRequestStruct, SaveRequestStruct,
                   SettingsViewApiStruct, SettingsViewPtr, Status, StringPtr, decode_text,
                   field_text, has_field)
from .errors import (ExtensionUnavailableError, InstanceClosedError, InternalError,
                     PluginLoadError, take_error)
from .extensions import (AuditPage, CopyReport, ResealReport, SettingsView, read_audit_page,
                         read_copy_report, read_reseal_report, read_settings_view)

JsonObject = dict[str, Any]
LogHandler = Callable[[LogLevel, str], None]
# name -> the master key's 32 bytes, from the host's secret store.
MasterKeySource = Callable[[str], bytes]
ExtensionTable = TypeVar("ExtensionTable", bound=AbiStruct)
Result = TypeVar("Result")

MODULE_NAME = "libwisepay_plugin.so"
_logger = logging.getLogger("wisepay.plugin")
_LOGGING_LEVELS = {LogLevel.DEBUG: logging.DEBUG, LogLevel.INFO: logging.INFO,
                   LogLevel.WARNING: logging.WARNING, LogLevel.ERROR: logging.ERROR}


def find_module(path: str | os.PathLike[str] | None = None) -> str:
    """Where the plugin module is: `path` when given, else $WISEPAY_PLUGIN,
    else the `module` variable of the installed pkg-config file
    (wisepay-plugin-dev), else the Debian package's plugin directory,
    /usr/lib/<multiarch>/wisepay/."""
    if path is not None:
        return os.fspath(path)
    from_env = os.environ.get("WISEPAY_PLUGIN")
    if from_env:
        return from_env
    pkg_config = shutil.which("pkg-config")
    if pkg_config is not None:
        result = subprocess.run([pkg_config, "--variable=module", "wisepay-plugin"],
                                capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch:
        packaged = os.path.join("/usr/lib", multiarch, "wisepay", MODULE_NAME)
        if os.path.isfile(packaged):
            return packaged
    raise PluginLoadError("no Wise-Pay plugin module found: pass its path, set $WISEPAY_PLUGIN, "
                          "or install the wisepay-plugin package")


@dataclass(frozen=True)
class Page:
    """The integration page the plugin registered at create()."""

    page_id: str
    menu: str
    title: str
    document: JsonObject  # as get_page_schema returns it


@dataclass(frozen=True)
class Redirect:
    """Where to send the user's browser after an invoice click."""

    # A single-use sign-in URL: a credential. Hand it to the browser; never
    # log, cache or store it (it is left out of repr()).
    url: str = field(repr=False)
    expires_at: int  # seconds since the epoch, UTC
    open_in_new_tab: bool  # with target=_blank rel="noopener noreferrer"
    correlation_id: str


def _c_unsigned(value: int, name: str, bits: int) -> int:
    """An int argument for a C uintN_t, which ctypes would silently wrap."""
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value < 1 << bits:
        raise ValueError(f"{name} must be from 0 to {(1 << bits) - 1}, not {value}")
    return value


def _c_int64(value: int, name: str) -> int:
    """An int argument for a C int64_t, which ctypes would silently wrap
    (the plugin refuses negative values where they mean nothing)."""
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not -(1 << 63) <= value < 1 << 63:
        raise ValueError(f"{name} does not fit in 64 bits: {value}")
    return value


def _c_text(value: str | None, name: str) -> bytes | None:
    """A str argument as the NUL-terminated UTF-8 the ABI takes. None is
    passed on as NULL, for the plugin to refuse or accept as documented."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{name} contains a NUL character, which the C ABI cannot pass")
    return value.encode("utf-8")


class Plugin:
    """The loaded plugin module and its function table for ABI version 1.

    The module stays loaded for the life of the process (ctypes never
    unloads a library), so the table stays valid.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = find_module(path)
        try:
            self._library = ctypes.CDLL(self.path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
            entry = EntryFn((ENTRY_SYMBOL, self._library))
        except (OSError, AttributeError) as error:
            raise PluginLoadError(
                f"cannot load the Wise-Pay plugin {self.path}: {error}") from error
        table = entry(ABI_VERSION)
        if not table:
            raise PluginLoadError(f"{self.path} does not serve hosts of ABI version {ABI_VERSION}")
        self._table: PluginApiStruct = table.contents
        functions = [name for name, _ in PluginApiStruct._fields_[4:]]
        if (self._table.struct_size < ctypes.sizeof(PluginApiStruct)
                or self._table.abi_version != ABI_VERSION
                or not all(getattr(self._table, name) for name in functions)):
            raise PluginLoadError(f"{self.path} returned an incomplete table for ABI version "
                                  f"{ABI_VERSION} ({self._table.struct_size} bytes)")
        self.plugin_id = decode_text(self._table.plugin_id)
        self.version = decode_text(self._table.plugin_version)
        self._extensions: dict[str, AbiStruct] = {}

    @property
    def table(self) -> PluginApiStruct:
        """The raw function table, for what this module does not wrap."""
        return self._table

    def create(self, config: Mapping[str, Any] | str, *, log: LogHandler | None = None,
               master_key: MasterKeySource | None = None) -> Instance:
        """A new instance for `config` (the JSON create() takes, as a mapping
        or as text). Log lines go to `log`, or else to the logging module's
        "wisepay.plugin" logger. Use it in a with statement.

        `master_key` hands over the master keys that the config names with
        {"source": "host", "name": ...} (in "master_key" or "master_keys"):
        create() calls it with each such name, and it returns that key's 32
        bytes (``bytes`` or ``bytearray``) from the host's own secret store.
        It is called only during create(), on this thread. When it raises,
        or returns something other than 32 bytes, create() raises
        ConfigError naming the key; the exception is logged to the
        "wisepay.plugin" logger by type only (its message might quote the
        key). Without it, a config naming a host key is a ConfigError too.

        The plugin wipes its copy of the key when it no longer needs it;
        Python cannot do the same for the key it returns: a ``bytes`` object
        cannot be wiped, and stays in memory until it is freed and the
        memory reused. A host that returns a ``bytearray`` can clear it
        after create() (the plugin has copied it by then); one that must not
        hold the key in Python memory at all calls the table's create()
        with a get_master_key of its own."""
        return Instance(self, config, log=log, master_key=master_key)

    def get_extension(self, extension_id: str,
                      table_type: type[ExtensionTable]) -> ExtensionTable | None:
        """The table of the extension `extension_id` (e.g. "name/1"), as the
        ctypes Structure its header defines, or None when this plugin does
        not have it. Declare the Structure in _abi.py, with its c_name."""
        table = self._table.get_extension(_c_text(extension_id, "extension_id"))
        if not table:
            return None
        return ctypes.cast(table, ctypes.POINTER(table_type)).contents

    def extension(self, extension_id: str, table_type: type[ExtensionTable]) -> ExtensionTable:
        """Like get_extension, for a call that needs the extension: raises
        ExtensionUnavailableError when the plugin lacks it, or returns a
        table shorter than `table_type` or with a NULL function. The table
        is static in the plugin, so it is looked up once."""
        known = self._extensions.get(extension_id)
        if isinstance(known, table_type):
            return known
        table = self.get_extension(extension_id, table_type)
        where = f"The Wise-Pay plugin {self.version} ({self.path})"
        if table is None:
            raise ExtensionUnavailableError(
                extension_id, f"{where} does not offer the extension {extension_id}.")
        # An extension's table is struct_size, then functions.
        functions = [item[0] for item in table_type._fields_[1:]]
        if (table.struct_size < ctypes.sizeof(table_type)
                or not all(getattr(table, name) for name in functions)):
            raise ExtensionUnavailableError(
                extension_id, f"{where} returned an incomplete table for the extension "
                f"{extension_id} ({table.struct_size} bytes).")
        self._extensions[extension_id] = table
        return table

    # --- Releasing what the plugin hands out -------------------------------
    # Every object the plugin returns goes back through one of these.

    def free_string(self, string: StringPtr) -> None:
        self._table.free_string(string)

    def free_error(self, error: ErrorPtr) -> None:
        self._table.free_error(error)

    def free_redirect(self, redirect: RedirectPtr) -> None:
        self._table.free_redirect(redirect)

    def destroy_instance(self, handle: InstancePtr) -> None:
        self._table.destroy(handle)

    def free_view(self, view: SettingsViewPtr) -> None:
        self.extension(EXT_SETTINGS_VIEW, SettingsViewApiStruct).free_view(view)

    def free_audit_page(self, page: AuditPagePtr) -> None:
        self.extension(EXT_AUDIT, AuditApiStruct).free_page(page)

    def free_copy_report(self, report: CopyReportPtr) -> None:
        self.extension(EXT_MAINTENANCE, MaintenanceApiStruct).free_copy_report(report)

    def free_reseal_report(self, report: ResealReportPtr) -> None:
        self.extension(EXT_MAINTENANCE, MaintenanceApiStruct).free_reseal_report(report)

    # --- Reading results, releasing them whatever happens --------------------

    def raise_for_status(self, status: int, error: ErrorPtr, result: Any = None,
                         free_result: Callable[[Any], None] | None = None) -> None:
        """Raises the WisePayError for a failed call. Releases the error
        object, and a result the plugin should not have set on failure."""
        if status == Status.OK:
            if error:
                self.free_error(error)
            return
        if result and free_result is not None:
            free_result(result)
        raise take_error(status, error, self.free_error)

    def take_json(self, string: StringPtr, length: int | None = None) -> JsonObject:
        """A returned JSON string, decoded, then released."""
        try:
            if not string:
                raise InternalError(Status.INTERNAL, "no_result", "The plugin returned no result.")
            data = ctypes.string_at(string, -1 if length is None else length)
            value = json.loads(data.decode("utf-8"))
            if not isinstance(value, dict):
                raise InternalError(Status.INTERNAL, "malformed_result",
                                    "The plugin returned JSON that is not an object.")
            return value
        finally:
            if string:
                self.free_string(string)

    def take_result(self, pointer: Any, read: Callable[[Any], Result],
                    free: Callable[[Any], None], what: str) -> Result:
        """A returned struct, read into Python values by `read`, then
        released with `free` whatever happens while reading."""
        try:
            if not pointer:
                raise InternalError(Status.INTERNAL, "no_result",
                                    f"The plugin returned no {what}.")
            return read(pointer.contents)
        finally:
            if pointer:
                free(pointer)

    def take_redirect(self, redirect: RedirectPtr) -> Redirect:
        """A returned redirect, copied, then released (which wipes its URL)."""
        try:
            if not redirect:
                raise InternalError(Status.INTERNAL, "no_result",
                                    "The plugin returned no redirect.")
            r = redirect.contents
            new_tab = bool(r.open_in_new_tab) if has_field(r, "open_in_new_tab") else True
            return Redirect(
                url=field_text(r, "url"),
                expires_at=int(r.expires_at_unix) if has_field(r, "expires_at_unix") else 0,
                open_in_new_tab=new_tab,
                correlation_id=field_text(r, "correlation_id"))
        finally:
            if redirect:
                self.free_redirect(redirect)


class Instance:
    """One plugin instance. Calls may come from many threads at once;
    close() must not overlap any of them. Closing is idempotent."""

    def __init__(self, plugin: Plugin, config: Mapping[str, Any] | str,
                 *, log: LogHandler | None = None,
                 master_key: MasterKeySource | None = None) -> None:
        self._plugin = plugin
        self._handle: InstancePtr | None = None
        self.page: Page | None = None
        handler = log if log is not None else _log_to_logging

        # Exceptions must not unwind into the plugin: ctypes would print
        # them and return 0, which for register_page means WISEPAY_OK.
        def on_log(_host_data: int | None, level: int, message: bytes | None) -> None:
            try:
                handler(_log_level(level), decode_text(message))
            except Exception:  # noqa: BLE001 - reported, never propagated into C
                _logger.exception("the log handler failed")

        def on_register_page(_host_data: int | None, page: Any) -> int:
            try:
                p: PageStruct = page.contents
                document = (json.loads(ctypes.string_at(p.schema_json, p.schema_json_len))
                            if has_field(p, "schema_json_len") else {})
                self.page = Page(field_text(p, "page_id"), field_text(p, "menu"),
                                 field_text(p, "title"), document)
                return Status.OK
            except Exception:  # noqa: BLE001 - refuses the page instead
                _logger.exception("cannot read the page the plugin registers")
                return Status.INVALID_ARGUMENT

        # Kept until destroy: the plugin may call them for the instance's
        # life (get_master_key only from create()). get_master_key stays
        # NULL without a master_key source.
        self._callbacks: tuple[Any, ...] = (LogFn(on_log), RegisterPageFn(on_register_page))
        if master_key is not None:
            self._callbacks += (_master_key_callback(master_key),)
        self._host = HostStruct(ctypes.sizeof(HostStruct), None, *self._callbacks)

        config_text = config if isinstance(config, str) else json.dumps(dict(config))
        body = config_text.encode("utf-8")
        handle, error = InstancePtr(), ErrorPtr()
        status = plugin.table.create(byref(self._host), body, len(body), byref(handle),
                                     byref(error))
        plugin.raise_for_status(status, error, handle, plugin.destroy_instance)
        self._handle = handle

    # --- Life cycle ----------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Destroys the instance; later calls raise InstanceClosedError."""
        if self._handle is not None:
            handle, self._handle = self._handle, None
            self._plugin.destroy_instance(handle)
        self._callbacks = ()

    def __enter__(self) -> Instance:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _live(self) -> InstancePtr:
        if self._handle is None:
            raise InstanceClosedError("the Wise-Pay plugin instance is closed")
        return self._handle

    # --- Calls -----------------------------------------------------------------

    def page_schema(self) -> JsonObject:
        """The page document: page_id, menu, title, JSON Schema, UI hints."""
        out, length, error = StringPtr(), c_size_t(), ErrorPtr()
        status = self._plugin.table.get_page_schema(self._live(), byref(out), byref(length),
                                                    byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_string)
        return self._plugin.take_json(out, length.value)

    def get_settings(self, tenant_id: str) -> JsonObject:
        """A tenant's settings: version, enabled, api_key {set, last4}, ..."""
        out, error = StringPtr(), ErrorPtr()
        status = self._plugin.table.get_settings(self._live(), _c_text(tenant_id, "tenant_id"),
                                                 byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_string)
        return self._plugin.take_json(out)

    def save_settings(self, tenant_id: str, actor: str, expected_version: int,
                      settings: Mapping[str, Any] | str) -> JsonObject:
        """Saves {"api_key": str | None, "enabled": bool} (members left out
        keep their saved values) against the version the admin loaded; the
        new settings. A stale version raises ConflictError."""
        settings_text = settings if isinstance(settings, str) else json.dumps(dict(settings))
        body = settings_text.encode("utf-8")
        request = SaveRequestStruct(ctypes.sizeof(SaveRequestStruct),
                                    _c_text(tenant_id, "tenant_id"), _c_text(actor, "actor"),
                                    _c_int64(expected_version, "expected_version"), body,
                                    len(body))
        out, error = StringPtr(), ErrorPtr()
        status = self._plugin.table.save_settings(self._live(), byref(request), byref(out),
                                                  byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_string)
        return self._plugin.take_json(out)

    def test_connection(self, tenant_id: str, api_key: str | None = None,
                        *, deadline_ms: int = 0) -> JsonObject:
        """Checks `api_key` (typed, not saved) or the saved key against
        Wise-Pay: {"ok", "merchant_id", "merchant_name"}. (A Python str
        cannot be wiped: a host that must not keep the key in memory calls
        the table itself with a buffer it clears.)"""
        key = _c_text(api_key, "api_key")
        request = ConnectionTestRequestStruct(ctypes.sizeof(ConnectionTestRequestStruct),
                                              _c_text(tenant_id, "tenant_id"), key,
                                              len(key) if key is not None else 0,
                                              _c_unsigned(deadline_ms, "deadline_ms", 32))
        out, error = StringPtr(), ErrorPtr()
        status = self._plugin.table.test_connection(self._live(), byref(request), byref(out),
                                                    byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_string)
        return self._plugin.take_json(out)

    def open_invoice(self, tenant_id: str, user_email: str, invoice_id: str,
                     *, invoice_number: str | None = None, return_url: str | None = None,
                     deadline_ms: int = 0) -> Redirect:
        """The invoice link clicked by the logged-in user with `user_email`:
        where to send their browser, signed in to Wise-Pay. A refusal raises
        (PayerNotFoundError, DisabledError, ...) with a message for the user."""
        request = InvoiceRequestStruct(
            ctypes.sizeof(InvoiceRequestStruct), _c_text(tenant_id, "tenant_id"),
            _c_text(user_email, "user_email"), _c_text(invoice_id, "invoice_id"),
            _c_text(invoice_number, "invoice_number"), _c_text(return_url, "return_url"),
            _c_unsigned(deadline_ms, "deadline_ms", 32))
        out, error = RedirectPtr(), ErrorPtr()
        status = self._plugin.table.open_invoice(self._live(), byref(request), byref(out),
                                                 byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_redirect)
        return self._plugin.take_redirect(out)

    def stats(self) -> JsonObject:
        """Call counters and latencies: {"calls": ..., "latency_us": ...}."""
        out, error = StringPtr(), ErrorPtr()
        status = self._plugin.table.get_stats(self._live(), byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_string)
        return self._plugin.take_json(out)

    # --- Extensions ----------------------------------------------------------
    # Each raises ExtensionUnavailableError when the plugin lacks its extension.

    def settings_view(self, tenant_id: str) -> SettingsView:
        """A tenant's settings and health as typed fields
        ("wisepay.settings-view/1"): what get_settings says, without JSON."""
        handle = self._live()
        api = self._plugin.extension(EXT_SETTINGS_VIEW, SettingsViewApiStruct)
        out, error = SettingsViewPtr(), ErrorPtr()
        status = api.get(handle, _c_text(tenant_id, "tenant_id"), byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_view)
        return self._plugin.take_result(out, read_settings_view, self._plugin.free_view,
                                        "settings view")

    def audit(self, tenant_id: str, *, limit: int = 0, before_id: int = 0) -> AuditPage:
        """A page of the tenant's audit trail, newest first ("wisepay.audit/1"):
        `limit` entries (1-100; 0: 20), older than the entry `before_id`
        (0: the newest page; else the last page's next_before_id)."""
        handle = self._live()
        api = self._plugin.extension(EXT_AUDIT, AuditApiStruct)
        request = AuditRequestStruct(ctypes.sizeof(AuditRequestStruct),
                                     _c_text(tenant_id, "tenant_id"),
                                     _c_unsigned(limit, "limit", 32),
                                     _c_int64(before_id, "before_id"))
        out, error = AuditPagePtr(), ErrorPtr()
        status = api.list(handle, byref(request), byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_audit_page)
        return self._plugin.take_result(out, read_audit_page, self._plugin.free_audit_page,
                                        "audit page")

    def copy_from_sqlite(self, sqlite_path: str | os.PathLike[str]) -> CopyReport:
        """Copies every tenant's settings and audit trail from a single-node
        SQLite file into this instance's database ("wisepay.maintenance/1"),
        all or nothing; a tenant that already has settings here refuses the
        copy (ConflictError, code "tenant_exists")."""
        handle = self._live()
        api = self._plugin.extension(EXT_MAINTENANCE, MaintenanceApiStruct)
        request = CopyRequestStruct(ctypes.sizeof(CopyRequestStruct),
                                    _c_text(os.fspath(sqlite_path), "sqlite_path"))
        out, error = CopyReportPtr(), ErrorPtr()
        status = api.copy_from_sqlite(handle, byref(request), byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_copy_report)
        return self._plugin.take_result(out, read_copy_report, self._plugin.free_copy_report,
                                        "copy report")

    def reseal_keys(self, actor: str, *, max_tenants: int = 0,
                    deadline_ms: int = 0) -> ResealReport:
        """Re-seals the API keys sealed under a master key other than the
        current one ("wisepay.maintenance/1"), at most `max_tenants` (0: all),
        each with an audit row by `actor`. A key sealed under a master key
        this instance lacks raises CryptoError (code "master_key_missing");
        the tenants moved before stay moved."""
        handle = self._live()
        api = self._plugin.extension(EXT_MAINTENANCE, MaintenanceApiStruct)
        request = ResealRequestStruct(ctypes.sizeof(ResealRequestStruct),
                                      _c_text(actor, "actor"),
                                      _c_unsigned(max_tenants, "max_tenants", 32),
                                      _c_unsigned(deadline_ms, "deadline_ms", 32))
        out, error = ResealReportPtr(), ErrorPtr()
        status = api.reseal_keys(handle, byref(request), byref(out), byref(error))
        self._plugin.raise_for_status(status, error, out, self._plugin.free_reseal_report)
        return self._plugin.take_result(out, read_reseal_report, self._plugin.free_reseal_report,
                                        "re-seal report")


def _master_key_callback(source: MasterKeySource) -> Any:
    """The host table's get_master_key over `source`. Nothing raised
    crosses into C (ctypes would print it and return 0, WISEPAY_OK): a
    failure is a non-OK status, which makes create() fail naming the key,
    and a log line that gives the exception's type only."""

    def get_master_key(_host_data: int | None, name: bytes | None, out_key: Any,
                       key_capacity: int, out_key_len: Any) -> int:
        if not out_key_len or not out_key:
            return Status.INVALID_ARGUMENT
        # Nothing written unless the key is: whatever happens below, the
        # plugin then sees 0 bytes, never a stale length.
        out_key_len[0] = 0
        key_name = decode_text(name)
        try:
            key = source(key_name)
            if not isinstance(key, (bytes, bytearray)):
                _logger.error("the master key source returned %s for the master key %r, "
                              "not bytes", type(key).__name__, key_name)
                return Status.INVALID_ARGUMENT
            if len(key) > key_capacity:
                # The plugin's buffer is too small to say so through it.
                _logger.error("the master key source returned %d bytes for the master key %r; "
                              "a master key is 32 bytes", len(key), key_name)
                return Status.INVALID_ARGUMENT
            # Straight from the object's buffer into the plugin's: no copy
            # of the key is made here. A wrong length (but one that fits)
            # is handed over as it is, for the plugin to refuse with its
            # length in the message.
            source_buffer: Any = key
            if isinstance(key, bytearray):
                source_buffer = (ctypes.c_char * len(key)).from_buffer(key)
            ctypes.memmove(out_key, source_buffer, len(key))
            out_key_len[0] = len(key)
            return Status.OK
        except Exception as error:  # noqa: BLE001 - never propagated into C
            # Only the type: the message or a traceback might quote the key.
            _logger.error("the master key source raised %s for the master key %r",
                          type(error).__name__, key_name)
            return Status.INVALID_ARGUMENT

    return GetMasterKeyFn(get_master_key)


def _log_level(level: int) -> LogLevel:
    try:
        return LogLevel(level)
    except ValueError:  # a level appended after this module was written
        return LogLevel.ERROR


def _log_to_logging(level: LogLevel, message: str) -> None:
    _logger.log(_LOGGING_LEVELS.get(level, logging.ERROR), "%s", message)
