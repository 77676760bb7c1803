// The implementation of tls_context.h.
#include "plugin/http/tls_context.h"

#include <openssl/err.h>
#include <sys/stat.h>

#include <boost/system/error_code.hpp>
#include <cerrno>
#include <system_error>

#include "plugin/http/errors.h"

namespace wisepay::http {
namespace {

// Asio keeps its verify callback in the SSL's and the SSL_CTX's "app data"
// (ex_data index 0), so ours go in indices of their own. No ex_data
// callbacks: the plugin can be unloaded while OpenSSL lives on.
int ssl_origin_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

int ctx_owner_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

TlsContext::TlsContext(const std::string &ca_file)
    : context_(boost::asio::ssl::context::tls_client) {
    SSL_CTX *native = context_.native_handle();
    if (ssl_origin_index() < 0 || ctx_owner_index() < 0 ||
        SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_ex_data(native, ctx_owner_index(), this) != 1) {
        throw TransportError(Failure::kRefused, false, "cannot set up the TLS context");
    }
    context_.set_options(boost::asio::ssl::context::default_workarounds |
                         boost::asio::ssl::context::no_compression);
    // OpenSSL decrypts each record in its own read buffer and keeps the
    // plaintext there until the next record overwrites it; answers carry
    // sign-in URLs. This makes it wipe each record once it is read (OpenSSL
    // 3.0). Set before any connection exists: SSL_new copies the options.
    SSL_CTX_set_options(native, SSL_OP_CLEANSE_PLAINTEXT);
    context_.set_verify_mode(boost::asio::ssl::verify_peer);
    if (ca_file.empty()) {
        boost::system::error_code ec;
        context_.set_default_verify_paths(ec);
        if (ec) {
            throw TrustStoreError("",
                                  "the system's CA certificates cannot be loaded: " + ec.message());
        }
    } else {
        load_ca_file(ca_file);
    }
    // Sessions are kept here, per origin, not in OpenSSL's internal cache,
    // which a client cannot look up by host.
    SSL_CTX_set_session_cache_mode(native,
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(native, &TlsContext::on_new_session);
}

void TlsContext::load_ca_file(const std::string &ca_file) {
    const std::string named = "the CA file '" + ca_file + "'";
    // Looked at first, for a message that says what is wrong, and because
    // OpenSSL would wait forever reading a FIFO.
    struct stat status {};
    if (::stat(ca_file.c_str(), &status) != 0) {
        const int error = errno;
        throw TrustStoreError(
            ca_file, named + (error == ENOENT
                                  ? " does not exist"
                                  : " cannot be read: " + std::system_category().message(error)));
    }
    if (S_ISDIR(status.st_mode))
        throw TrustStoreError(ca_file, named + " is a directory, not a file");
    if (!S_ISREG(status.st_mode))
        throw TrustStoreError(ca_file, named + " is not a regular file");
    boost::system::error_code ec;
    context_.load_verify_file(ca_file, ec);
    if (ec) {
        // Asio took the first reason; the rest would stay in this (the
        // host's) thread's error queue, where a later OpenSSL call of the
        // host could mistake them for its own.
        ERR_clear_error();
        throw TrustStoreError(ca_file, named + " holds no PEM certificate that OpenSSL can read (" +
                                           ec.message() + ")");
    }
}

TlsContext::~TlsContext() {
    SSL_CTX_set_ex_data(context_.native_handle(), ctx_owner_index(), nullptr);
    for (auto &entry : sessions_)
        SSL_SESSION_free(entry.second);
}

void TlsContext::prepare(SSL *ssl, const std::string *origin) {
    SSL_set_ex_data(ssl, ssl_origin_index(), const_cast<std::string *>(origin));
    SSL_SESSION *session = nullptr;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(*origin);
        if (it != sessions_.end()) {
            if (SSL_SESSION_is_resumable(it->second) == 1) {
                session = it->second;
                SSL_SESSION_up_ref(session);
            } else {
                // OpenSSL marks a session unresumable when a connection
                // using it failed.
                SSL_SESSION_free(it->second);
                sessions_.erase(it);
            }
        }
    }
    if (session != nullptr) {
        SSL_set_session(ssl, session);  // takes its own reference
        SSL_SESSION_free(session);
    }
}

void TlsContext::forget(const std::string &origin) {
    SSL_SESSION *dropped = nullptr;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(origin);
        if (it == sessions_.end())
            return;
        dropped = it->second;
        sessions_.erase(it);
    }
    SSL_SESSION_free(dropped);
}

std::size_t TlsContext::remembered_sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

void TlsContext::remember(const std::string &origin, SSL_SESSION *session) {
    SSL_SESSION *replaced = nullptr;
    {
        std::lock_guard lock(mutex_);
        SSL_SESSION *&slot = sessions_[origin];
        replaced = slot;
        slot = session;
    }
    if (replaced != nullptr)
        SSL_SESSION_free(replaced);
}

// OpenSSL calls this on the thread doing I/O on `ssl`, when the server issues
// a session: at the end of a TLS 1.2 handshake, or for each TLS 1.3 ticket.
int TlsContext::on_new_session(SSL *ssl, SSL_SESSION *session) {
    auto *self =
        static_cast<TlsContext *>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_owner_index()));
    const auto *origin = static_cast<const std::string *>(SSL_get_ex_data(ssl, ssl_origin_index()));
    if (self == nullptr || origin == nullptr || SSL_SESSION_is_resumable(session) != 1) {
        return 0;  // OpenSSL keeps (and frees) its reference
    }
    self->remember(*origin, session);
    return 1;  // the reference is ours now
}

}  // namespace wisepay::http
