"""What the typed extensions return, as Python values: a tenant's settings
view ("wisepay.settings-view/1"), a page of its audit trail
("wisepay.audit/1"), and the maintenance reports ("wisepay.maintenance/1").

Each ``read_*`` function copies a struct the plugin filled in, reading only
as far as its struct_size reaches (a field appended after this module was
written is left out; one this module knows but an older plugin lacks gets
its "none" value). Releasing the struct is the caller's: Plugin.take_result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._abi import (AuditEntryStruct, AuditPageStruct, CopyReportStruct, Health,
                   ResealReportStruct, SettingsViewStruct, Status, decode_text, field_text,
                   has_field)
from .errors import InternalError


@dataclass(frozen=True)
class SettingsView:
    """A tenant's settings and health as typed fields
    (get_settings' JSON, for hosts that want them typed). Times are seconds
    since the epoch, UTC; 0 stands for none."""

    version: int  # 0: the tenant never saved
    enabled: bool
    api_key_set: bool
    api_key_last4: str  # "" when no key is saved
    updated_at: int  # 0 when never saved
    updated_by: str  # "" when never saved
    health: Health | int  # an int for a state appended after this module
    health_since: int  # when the problem began; 0 when healthy
    last_success: int  # the last click known to have worked; 0 when none
    health_message: str  # for the admin: what is wrong, what to do; "" when healthy
    link_available: bool  # an invoice link can work now: show links only then


@dataclass(frozen=True)
class AuditEntry:
    """One save (or re-seal) of a tenant's settings. Never holds the API
    key, only that it was set, replaced, removed or re-sealed."""

    id: int  # increases with every entry of the database
    version: int  # the settings version the change made
    actor: str
    at: int  # seconds since the epoch, UTC
    summary: str  # in words, e.g. "Enabled turned on; API key replaced"
    changes: dict[str, Any]  # the same as JSON, e.g. {"api_key": "set"}


@dataclass(frozen=True)
class AuditPage:
    """A page of a tenant's audit trail, newest first."""

    entries: tuple[AuditEntry, ...]
    next_before_id: int  # before_id for the next, older page; 0 when none


@dataclass(frozen=True)
class CopyReport:
    """What copy_from_sqlite copied."""

    tenants: int
    audit_rows: int


@dataclass(frozen=True)
class ResealReport:
    """What reseal_keys did, and what remains under other master keys."""

    current_key_id: str  # the key every tenant is being moved under
    resealed: int  # tenants this call moved
    remaining: int  # tenants still under another key
    remaining_by_key: dict[str, int] = field(default_factory=dict)  # key id -> tenants


def _number(obj: Any, name: str) -> int:
    """An integer field, 0 when it lies beyond the struct's struct_size."""
    return int(getattr(obj, name)) if has_field(obj, name) else 0


def _flag(obj: Any, name: str) -> bool:
    return _number(obj, name) != 0


def _health(value: int) -> Health | int:
    try:
        return Health(value)
    except ValueError:  # a state appended after this module was written
        return value


def _malformed(what: str) -> InternalError:
    return InternalError(Status.INTERNAL, "malformed_result",
                         f"The plugin returned a malformed {what}.")


def read_settings_view(view: SettingsViewStruct) -> SettingsView:
    return SettingsView(
        version=_number(view, "version"),
        enabled=_flag(view, "enabled"),
        api_key_set=_flag(view, "api_key_set"),
        api_key_last4=field_text(view, "api_key_last4"),
        updated_at=_number(view, "updated_at_unix"),
        updated_by=field_text(view, "updated_by"),
        health=_health(_number(view, "health")),
        health_since=_number(view, "health_since_unix"),
        last_success=_number(view, "last_success_unix"),
        health_message=field_text(view, "health_message"),
        link_available=_flag(view, "link_available"))


def _read_audit_entry(entry: AuditEntryStruct) -> AuditEntry:
    try:
        changes = json.loads(decode_text(entry.changes_json))
    except ValueError as error:
        raise _malformed("audit entry (its changes are not JSON)") from error
    if not isinstance(changes, dict):
        raise _malformed("audit entry (its changes are not a JSON object)")
    return AuditEntry(id=int(entry.id), version=int(entry.version),
                      actor=decode_text(entry.actor), at=int(entry.at_unix),
                      summary=decode_text(entry.summary), changes=changes)


def read_audit_page(page: AuditPageStruct) -> AuditPage:
    count = _number(page, "count")
    entries = page.entries if has_field(page, "entries") else None
    if count and not entries:
        raise _malformed("audit page (entries missing)")
    return AuditPage(
        entries=tuple(_read_audit_entry(entry) for entry in entries[:count]) if entries else (),
        next_before_id=_number(page, "next_before_id"))


def read_copy_report(report: CopyReportStruct) -> CopyReport:
    return CopyReport(tenants=_number(report, "tenants"),
                      audit_rows=_number(report, "audit_rows"))


def read_reseal_report(report: ResealReportStruct) -> ResealReport:
    count = _number(report, "remaining_by_key_count")
    by_key = report.remaining_by_key if has_field(report, "remaining_by_key") else None
    if count and not by_key:
        raise _malformed("re-seal report (remaining_by_key missing)")
    return ResealReport(
        current_key_id=field_text(report, "current_key_id"),
        resealed=_number(report, "resealed"),
        remaining=_number(report, "remaining"),
        remaining_by_key={decode_text(item.key_id): int(item.count)
                          for item in by_key[:count]} if by_key else {})
