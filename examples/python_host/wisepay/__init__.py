"""A typed Python host for the Wise-Pay integration plugin, over ctypes.

    from wisepay import Plugin, ConflictError

    plugin = Plugin()  # $WISEPAY_PLUGIN, pkg-config's module, or the .deb's path
    with plugin.create({"database_path": ..., "master_key": ..., ...}) as instance:
        settings = instance.get_settings("acme")
        instance.save_settings("acme", "ann@acme.example", settings["version"],
                               {"api_key": key, "enabled": True})
        redirect = instance.open_invoice("acme", "pat@customer.example", "inv_1042")

abi/wisepay_plugin.h is declared once, in _abi.py; plugin.py loads the
module and wraps each call; extensions.py holds what the extensions return;
errors.py holds the exceptions.
"""

from ._abi import ABI_VERSION, Health, LogLevel, Status
from .errors import (ConfigError, ConflictError, CryptoError, DisabledError,
                     ExtensionUnavailableError, FieldError, InstanceClosedError, InternalError,
                     InvalidArgumentError, KeyRejectedError, NoApiKeyError,
                     NotImplementedInPluginError, PayerNotFoundError, PluginLoadError,
                     PluginOutOfMemoryError, StorageError, UnavailableError,
                     UpstreamDisabledError, UpstreamInvalidError, ValidationError, WisePayError)
from .extensions import AuditEntry, AuditPage, CopyReport, ResealReport, SettingsView
from .plugin import Instance, MasterKeySource, Page, Plugin, Redirect, find_module

__all__ = [
    "ABI_VERSION", "Health", "LogLevel", "Status",
    "Plugin", "Instance", "Page", "Redirect", "MasterKeySource", "find_module",
    "SettingsView", "AuditEntry", "AuditPage", "CopyReport", "ResealReport",
    "WisePayError", "FieldError", "InvalidArgumentError", "ValidationError", "ConflictError",
    "ConfigError", "StorageError", "CryptoError", "NotImplementedInPluginError",
    "DisabledError", "NoApiKeyError", "PayerNotFoundError", "KeyRejectedError",
    "UpstreamDisabledError", "UnavailableError", "UpstreamInvalidError",
    "PluginOutOfMemoryError", "InternalError", "ExtensionUnavailableError", "PluginLoadError",
    "InstanceClosedError",
]
