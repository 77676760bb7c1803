"""The exceptions of the Python host: one class per plugin status code, each
carrying what the plugin's error object said (stable code, message fit to
show, field errors, correlation id, help URL), plus the host's own errors
for a module that cannot be loaded, an extension the loaded plugin lacks,
and an instance used after close().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ._abi import ErrorPtr, Status, decode_text, field_text, has_field


@dataclass(frozen=True)
class FieldError:
    """A validation problem to show beside the field it names."""

    field: str
    message: str


class WisePayError(Exception):
    """A call into the plugin failed. ``status`` is the wisepay_status the
    call returned (an int when this module does not know the code yet),
    ``code`` the stable snake_case id to branch on, ``message`` a sentence
    fit for the admin or the end user."""

    def __init__(self, status: Status | int, code: str, message: str, *,
                 field_errors: tuple[FieldError, ...] = (), correlation_id: str = "",
                 help_url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_errors = field_errors
        self.correlation_id = correlation_id
        self.help_url = help_url

    @property
    def field_messages(self) -> dict[str, str]:
        """Field id -> message, as a form shows them (the first per field)."""
        messages: dict[str, str] = {}
        for error in self.field_errors:
            messages.setdefault(error.field, error.message)
        return messages

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
                f"message={self.message!r}, field_errors={self.field_errors!r}, "
                f"correlation_id={self.correlation_id!r}, help_url={self.help_url!r})")


class InvalidArgumentError(WisePayError):
    """A NULL or malformed argument (code says which, e.g. invalid_tenant_id)."""


class ValidationError(WisePayError):
    """The settings do not validate; see field_errors."""


class ConflictError(WisePayError):
    """Someone saved since the version the admin loaded: reload and retry."""


class ConfigError(WisePayError):
    """The config passed to create() is invalid."""


class StorageError(WisePayError):
    """The settings database could not be opened, read or written."""


class CryptoError(WisePayError):
    """A sealed API key could not be opened (wrong or rotated master key)."""


class NotImplementedInPluginError(WisePayError):
    """The call is declared in the ABI but not available in this build."""


class ExtensionUnavailableError(NotImplementedInPluginError):
    """The loaded plugin does not offer the extension a call needs
    (get_extension returned NULL for ``extension_id``, or a table shorter
    than its header declares). Raised by the host, not by the plugin:
    status NOT_IMPLEMENTED, code "extension_unavailable"."""

    def __init__(self, extension_id: str, message: str) -> None:
        super().__init__(Status.NOT_IMPLEMENTED, "extension_unavailable", message)
        self.extension_id = extension_id


class DisabledError(WisePayError):
    """The integration is not enabled for this tenant."""


class NoApiKeyError(WisePayError):
    """No API key is saved for this tenant."""


class PayerNotFoundError(WisePayError):
    """Wise-Pay has no payer with the user's email; help_url may say where
    to register."""


class KeyRejectedError(WisePayError):
    """Wise-Pay rejected the merchant API key."""


class UpstreamDisabledError(WisePayError):
    """The Desk Director integration is switched off in Wise-Pay."""


class UnavailableError(WisePayError):
    """Wise-Pay could not be reached or did not answer within the deadline."""


class UpstreamInvalidError(WisePayError):
    """Wise-Pay answered with something the plugin cannot trust or parse."""


class PluginOutOfMemoryError(WisePayError):
    """The plugin could not allocate memory."""


class InternalError(WisePayError):
    """A bug in the plugin; quote the correlation id."""


ERROR_CLASSES: dict[Status, type[WisePayError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.VALIDATION: ValidationError,
    Status.CONFLICT: ConflictError,
    Status.CONFIG: ConfigError,
    Status.STORAGE: StorageError,
    Status.CRYPTO: CryptoError,
    Status.NOT_IMPLEMENTED: NotImplementedInPluginError,
    Status.DISABLED: DisabledError,
    Status.NO_API_KEY: NoApiKeyError,
    Status.PAYER_NOT_FOUND: PayerNotFoundError,
    Status.KEY_REJECTED: KeyRejectedError,
    Status.UPSTREAM_DISABLED: UpstreamDisabledError,
    Status.UNAVAILABLE: UnavailableError,
    Status.UPSTREAM_INVALID: UpstreamInvalidError,
    Status.OUT_OF_MEMORY: PluginOutOfMemoryError,
    Status.INTERNAL: InternalError,
}


class PluginLoadError(OSError):
    """The module could not be found or loaded, or does not speak this
    host's ABI version."""


class InstanceClosedError(ValueError):
    """A call on an instance after close() (which the plugin cannot detect)."""


def take_error(status: int, error: ErrorPtr,
               free_error: Callable[[ErrorPtr], None]) -> WisePayError:
    """The exception for a failed call: reads the plugin's error object (as
    far as its struct_size reaches), then releases it with the plugin's own
    free function, whatever happens while reading."""
    try:
        known: Status | int
        try:
            known = Status(status)
            cls = ERROR_CLASSES.get(known, WisePayError)
        except ValueError:  # a code appended after this module was written
            known, cls = status, WisePayError
        if not error:
            # Only when the plugin could not allocate the error object.
            name = known.name.lower() if isinstance(known, Status) else f"status_{status}"
            return cls(known, name, f"The Wise-Pay plugin failed ({name}) without details.")
        e = error.contents
        field_errors: tuple[FieldError, ...] = ()
        if has_field(e, "field_errors") and e.field_errors:
            field_errors = tuple(FieldError(decode_text(item.field), decode_text(item.message))
                                 for item in e.field_errors[:e.field_error_count])
        help_url = e.help_url if has_field(e, "help_url") else None
        return cls(known, field_text(e, "code"), field_text(e, "message"),
                   field_errors=field_errors, correlation_id=field_text(e, "correlation_id"),
                   help_url=decode_text(help_url) if help_url is not None else None)
    finally:
        if error:
            free_error(error)
