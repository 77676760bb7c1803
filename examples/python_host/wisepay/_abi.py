"""ctypes declarations of abi/wisepay_plugin.h, ABI version 1: the status
codes, every struct that crosses the boundary and the function table, each
declared once here and nowhere else.

Each struct class names its C type in ``c_name`` so that a test can compare
its layout with the header's, field by field (tests/test_layout.py). An
extension reached through ``get_extension`` gets its table declared here the
same way, as a Structure with ``c_name``, once its header defines it.
"""

from __future__ import annotations

import ctypes
import enum
from ctypes import CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t
from ctypes import c_ubyte, c_uint32, c_uint64, c_void_p
from typing import TYPE_CHECKING, ClassVar

ABI_VERSION = 1
ENTRY_SYMBOL = "wisepay_plugin_entry"


class Status(enum.IntEnum):
    """wisepay_status. New codes are only ever appended."""

    OK = 0
    INVALID_ARGUMENT = 1
    VALIDATION = 2
    CONFLICT = 3
    CONFIG = 4
    STORAGE = 5
    CRYPTO = 6
    NOT_IMPLEMENTED = 7
    DISABLED = 8
    NO_API_KEY = 9
    PAYER_NOT_FOUND = 10
    KEY_REJECTED = 11
    UPSTREAM_DISABLED = 12
    UNAVAILABLE = 13
    UPSTREAM_INVALID = 14
    OUT_OF_MEMORY = 15
    INTERNAL = 16


class Health(enum.IntEnum):
    """wisepay_health: what an admin must act on, kept per tenant."""

    OK = 0
    KEY_REJECTED = 1
    UPSTREAM_DISABLED = 2
    UNREACHABLE = 3


class LogLevel(enum.IntEnum):
    """wisepay_log_level."""

    DEBUG = 0
    INFO = 1
    WARNING = 2
    ERROR = 3


# C enums are int-sized on every ABI this runs on (the layout test checks).
c_status = c_int


class AbiStruct(Structure):
    """A struct of the header; ``c_name`` is its typedef name there."""

    c_name: ClassVar[str]


class FieldErrorStruct(AbiStruct):
    c_name = "wisepay_field_error"
    _fields_ = [
        ("field", c_char_p),
        ("message", c_char_p),
    ]


class ErrorStruct(AbiStruct):
    c_name = "wisepay_error"
    _fields_ = [
        ("struct_size", c_uint32),
        ("status", c_status),
        ("code", c_char_p),
        ("message", c_char_p),
        ("field_error_count", c_size_t),
        ("field_errors", POINTER(FieldErrorStruct)),
        ("correlation_id", c_char_p),
        ("help_url", c_char_p),
    ]


class PageStruct(AbiStruct):
    c_name = "wisepay_page"
    _fields_ = [
        ("struct_size", c_uint32),
        ("page_id", c_char_p),
        ("menu", c_char_p),
        ("title", c_char_p),
        # Read with its length, not as a NUL-terminated string.
        ("schema_json", POINTER(c_char)),
        ("schema_json_len", c_size_t),
    ]


LogFn = CFUNCTYPE(None, c_void_p, c_int, c_char_p)
RegisterPageFn = CFUNCTYPE(c_status, c_void_p, POINTER(PageStruct))
# (host_data, name, out_key, key_capacity, out_key_len)
GetMasterKeyFn = CFUNCTYPE(c_status, c_void_p, c_char_p, POINTER(c_ubyte), c_size_t,
                           POINTER(c_size_t))


class HostStruct(AbiStruct):
    c_name = "wisepay_host"
    _fields_ = [
        ("struct_size", c_uint32),
        ("host_data", c_void_p),
        ("log", LogFn),
        ("register_page", RegisterPageFn),
        # Appended after 0.1.0; the plugin reads it only when struct_size
        # covers it. NULL when the host hands over no master key.
        ("get_master_key", GetMasterKeyFn),
    ]


class SaveRequestStruct(AbiStruct):
    c_name = "wisepay_save_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("tenant_id", c_char_p),
        ("actor", c_char_p),
        ("expected_version", c_int64),
        ("settings_json", c_char_p),
        ("settings_json_len", c_size_t),
    ]


class InvoiceRequestStruct(AbiStruct):
    c_name = "wisepay_invoice_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("tenant_id", c_char_p),
        ("user_email", c_char_p),
        ("invoice_id", c_char_p),
        ("invoice_number", c_char_p),
        ("return_url", c_char_p),
        ("deadline_ms", c_uint32),
    ]


class RedirectStruct(AbiStruct):
    c_name = "wisepay_redirect"
    _fields_ = [
        ("struct_size", c_uint32),
        ("url", c_char_p),
        ("expires_at_unix", c_int64),
        ("open_in_new_tab", c_int),
        ("correlation_id", c_char_p),
    ]


class ConnectionTestRequestStruct(AbiStruct):
    c_name = "wisepay_test_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("tenant_id", c_char_p),
        ("api_key", c_char_p),  # api_key_len bytes, not NUL-terminated
        ("api_key_len", c_size_t),
        ("deadline_ms", c_uint32),
    ]


class InstanceStruct(Structure):
    """wisepay_instance: opaque, only ever handled by pointer."""


# Pointer types, usable both to make a pointer (ErrorPtr()) and as
# annotations (for a type checker, the generic ctypes._Pointer[...]).
if TYPE_CHECKING:
    InstancePtr = ctypes._Pointer[InstanceStruct]
    StringPtr = ctypes._Pointer[c_char]
    ErrorPtr = ctypes._Pointer[ErrorStruct]
    RedirectPtr = ctypes._Pointer[RedirectStruct]
else:
    InstancePtr = POINTER(InstanceStruct)
    StringPtr = POINTER(c_char)  # a plugin-owned char *, released with free_string
    ErrorPtr = POINTER(ErrorStruct)
    RedirectPtr = POINTER(RedirectStruct)

CreateFn = CFUNCTYPE(c_status, POINTER(HostStruct), c_char_p, c_size_t, POINTER(InstancePtr),
                     POINTER(ErrorPtr))
DestroyFn = CFUNCTYPE(None, InstancePtr)
GetPageSchemaFn = CFUNCTYPE(c_status, InstancePtr, POINTER(StringPtr), POINTER(c_size_t),
                            POINTER(ErrorPtr))
GetSettingsFn = CFUNCTYPE(c_status, InstancePtr, c_char_p, POINTER(StringPtr), POINTER(ErrorPtr))
SaveSettingsFn = CFUNCTYPE(c_status, InstancePtr, POINTER(SaveRequestStruct), POINTER(StringPtr),
                           POINTER(ErrorPtr))
TestConnectionFn = CFUNCTYPE(c_status, InstancePtr, POINTER(ConnectionTestRequestStruct),
                             POINTER(StringPtr), POINTER(ErrorPtr))
OpenInvoiceFn = CFUNCTYPE(c_status, InstancePtr, POINTER(InvoiceRequestStruct),
                          POINTER(RedirectPtr), POINTER(ErrorPtr))
GetStatsFn = CFUNCTYPE(c_status, InstancePtr, POINTER(StringPtr), POINTER(ErrorPtr))
GetExtensionFn = CFUNCTYPE(c_void_p, c_char_p)
FreeStringFn = CFUNCTYPE(None, StringPtr)
FreeErrorFn = CFUNCTYPE(None, ErrorPtr)
FreeRedirectFn = CFUNCTYPE(None, RedirectPtr)


class PluginApiStruct(AbiStruct):
    c_name = "wisepay_plugin_api"
    _fields_ = [
        ("struct_size", c_uint32),
        ("abi_version", c_uint32),
        ("plugin_id", c_char_p),
        ("plugin_version", c_char_p),
        ("create", CreateFn),
        ("destroy", DestroyFn),
        ("get_page_schema", GetPageSchemaFn),
        ("get_settings", GetSettingsFn),
        ("save_settings", SaveSettingsFn),
        ("test_connection", TestConnectionFn),
        ("open_invoice", OpenInvoiceFn),
        ("get_stats", GetStatsFn),
        ("get_extension", GetExtensionFn),
        ("free_string", FreeStringFn),
        ("free_error", FreeErrorFn),
        ("free_redirect", FreeRedirectFn),
    ]


EntryFn = CFUNCTYPE(POINTER(PluginApiStruct), c_uint32)


# --- Extensions, reached through get_extension(id) -------------------------

EXT_SETTINGS_VIEW = "wisepay.settings-view/1"
EXT_AUDIT = "wisepay.audit/1"
EXT_MAINTENANCE = "wisepay.maintenance/1"


class SettingsViewStruct(AbiStruct):
    c_name = "wisepay_settings_view"
    _fields_ = [
        ("struct_size", c_uint32),
        ("version", c_int64),
        ("enabled", c_int),
        ("api_key_set", c_int),
        ("api_key_last4", c_char * 8),  # NUL-terminated
        ("updated_at_unix", c_int64),
        ("updated_by", c_char_p),
        ("health", c_int),  # wisepay_health
        ("health_since_unix", c_int64),
        ("last_success_unix", c_int64),
        ("health_message", c_char_p),
        ("link_available", c_int),
    ]


class AuditRequestStruct(AbiStruct):
    c_name = "wisepay_audit_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("tenant_id", c_char_p),
        ("limit", c_uint32),
        ("before_id", c_int64),
    ]


class AuditEntryStruct(AbiStruct):
    """One entry of a page's array (no struct_size of its own)."""

    c_name = "wisepay_audit_entry"
    _fields_ = [
        ("id", c_int64),
        ("version", c_int64),
        ("actor", c_char_p),
        ("at_unix", c_int64),
        ("summary", c_char_p),
        ("changes_json", c_char_p),
    ]


class AuditPageStruct(AbiStruct):
    c_name = "wisepay_audit_page"
    _fields_ = [
        ("struct_size", c_uint32),
        ("count", c_size_t),
        ("entries", POINTER(AuditEntryStruct)),
        ("next_before_id", c_int64),
    ]


class CopyRequestStruct(AbiStruct):
    c_name = "wisepay_copy_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("sqlite_path", c_char_p),
    ]


class CopyReportStruct(AbiStruct):
    c_name = "wisepay_copy_report"
    _fields_ = [
        ("struct_size", c_uint32),
        ("tenants", c_uint64),
        ("audit_rows", c_uint64),
    ]


class ResealRequestStruct(AbiStruct):
    c_name = "wisepay_reseal_request"
    _fields_ = [
        ("struct_size", c_uint32),
        ("actor", c_char_p),
        ("max_tenants", c_uint32),
        ("deadline_ms", c_uint32),
    ]


class KeyCountStruct(AbiStruct):
    c_name = "wisepay_key_count"
    _fields_ = [
        ("key_id", c_char_p),
        ("count", c_uint64),
    ]


class ResealReportStruct(AbiStruct):
    c_name = "wisepay_reseal_report"
    _fields_ = [
        ("struct_size", c_uint32),
        ("current_key_id", c_char_p),
        ("resealed", c_uint64),
        ("remaining", c_uint64),
        ("remaining_by_key_count", c_size_t),
        ("remaining_by_key", POINTER(KeyCountStruct)),
    ]


if TYPE_CHECKING:
    SettingsViewPtr = ctypes._Pointer[SettingsViewStruct]
    AuditPagePtr = ctypes._Pointer[AuditPageStruct]
    CopyReportPtr = ctypes._Pointer[CopyReportStruct]
    ResealReportPtr = ctypes._Pointer[ResealReportStruct]
else:
    SettingsViewPtr = POINTER(SettingsViewStruct)
    AuditPagePtr = POINTER(AuditPageStruct)
    CopyReportPtr = POINTER(CopyReportStruct)
    ResealReportPtr = POINTER(ResealReportStruct)

SettingsViewGetFn = CFUNCTYPE(c_status, InstancePtr, c_char_p, POINTER(SettingsViewPtr),
                              POINTER(ErrorPtr))
FreeViewFn = CFUNCTYPE(None, SettingsViewPtr)
AuditListFn = CFUNCTYPE(c_status, InstancePtr, POINTER(AuditRequestStruct),
                        POINTER(AuditPagePtr), POINTER(ErrorPtr))
FreePageFn = CFUNCTYPE(None, AuditPagePtr)
CopyFromSqliteFn = CFUNCTYPE(c_status, InstancePtr, POINTER(CopyRequestStruct),
                             POINTER(CopyReportPtr), POINTER(ErrorPtr))
ResealKeysFn = CFUNCTYPE(c_status, InstancePtr, POINTER(ResealRequestStruct),
                         POINTER(ResealReportPtr), POINTER(ErrorPtr))
FreeCopyReportFn = CFUNCTYPE(None, CopyReportPtr)
FreeResealReportFn = CFUNCTYPE(None, ResealReportPtr)


class SettingsViewApiStruct(AbiStruct):
    """The table of "wisepay.settings-view/1"."""

    c_name = "wisepay_settings_view_api"
    _fields_ = [
        ("struct_size", c_uint32),
        ("get", SettingsViewGetFn),
        ("free_view", FreeViewFn),
    ]


class AuditApiStruct(AbiStruct):
    """The table of "wisepay.audit/1"."""

    c_name = "wisepay_audit_api"
    _fields_ = [
        ("struct_size", c_uint32),
        ("list", AuditListFn),
        ("free_page", FreePageFn),
    ]


class MaintenanceApiStruct(AbiStruct):
    """The table of "wisepay.maintenance/1"."""

    c_name = "wisepay_maintenance_api"
    _fields_ = [
        ("struct_size", c_uint32),
        ("copy_from_sqlite", CopyFromSqliteFn),
        ("reseal_keys", ResealKeysFn),
        ("free_copy_report", FreeCopyReportFn),
        ("free_reseal_report", FreeResealReportFn),
    ]


# Every struct of the header, for the layout test.
ABI_STRUCTS: tuple[type[AbiStruct], ...] = (
    FieldErrorStruct, ErrorStruct, PageStruct, HostStruct, SaveRequestStruct,
    InvoiceRequestStruct, RedirectStruct, ConnectionTestRequestStruct, PluginApiStruct,
    SettingsViewStruct, SettingsViewApiStruct, AuditRequestStruct, AuditEntryStruct,
    AuditPageStruct, AuditApiStruct, CopyRequestStruct, CopyReportStruct, ResealRequestStruct,
    KeyCountStruct, ResealReportStruct, MaintenanceApiStruct,
)

# Each extension's id and the table its header defines.
EXTENSION_TABLES: dict[str, type[AbiStruct]] = {
    EXT_SETTINGS_VIEW: SettingsViewApiStruct,
    EXT_AUDIT: AuditApiStruct,
    EXT_MAINTENANCE: MaintenanceApiStruct,
}


def has_field(obj: Structure, name: str) -> bool:
    """True when a struct the plugin filled in is long enough to hold field
    `name`: a struct_size-versioned struct is only read as far as its size
    says (an older plugin's struct may be shorter than ours)."""
    descriptor = getattr(type(obj), name)
    return bool(int(getattr(obj, "struct_size")) >= descriptor.offset + descriptor.size)


def decode_text(value: bytes | None) -> str:
    """A char * the plugin returned, as str: UTF-8 (undecodable bytes
    replaced), NULL as ""."""
    return value.decode("utf-8", errors="replace") if value is not None else ""


def field_text(obj: Structure, name: str) -> str:
    """A char * field of a struct the plugin filled in, as str; "" when it
    is NULL or lies beyond the struct's struct_size."""
    return decode_text(getattr(obj, name) if has_field(obj, name) else None)
