// The peer (libcurl) and the limit (a bare TLS client) for the same click.
#include <curl/curl.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/clients.h"

namespace wisepay::bench {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;

constexpr const char *kPath = "/api/integrations/deskdirector/v1/sso-sessions";

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "bench: %s\n", what.c_str());
    std::exit(1);
}

// A fresh idempotency key per click, as the plugin makes one: 32 hex digits.
std::string next_idempotency_key() {
    static std::atomic<unsigned long long> counter{0};
    char key[33];
    std::snprintf(key, sizeof key, "%016llx%016llx", 0x5eedULL, ++counter);
    return key;
}

std::size_t append_to_string(char *data, std::size_t size, std::size_t count, void *out) {
    static_cast<std::string *>(out)->append(data, size * count);
    return size * count;
}

}  // namespace

std::string click_body(const Target &target) {
    return "{\"payer_email\":\"" + target.payer_email +
           "\",\"invoice\":{\"id\":\"inv_1\",\"number\":\"INV-1\"}}";
}

void init_curl() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct CurlClient::Impl {
    CURL *easy = nullptr;
    std::string url, body, answer, authorization;
};

CurlClient::CurlClient(const Target &target) : impl_(std::make_unique<Impl>()) {
    impl_->easy = curl_easy_init();
    if (impl_->easy == nullptr)
        die("curl_easy_init failed");
    impl_->url = target.base_url + kPath;
    impl_->body = click_body(target);
    impl_->authorization = "Authorization: Bearer " + target.api_key;
    CURL *easy = impl_->easy;
    curl_easy_setopt(easy, CURLOPT_URL, impl_->url.c_str());
    curl_easy_setopt(easy, CURLOPT_CAINFO, target.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, impl_->body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(impl_->body.size()));
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "wisepay-bench-libcurl");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append_to_string);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &impl_->answer);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
}

CurlClient::~CurlClient() {
    curl_easy_cleanup(impl_->easy);
}

void CurlClient::click() {
    // Headers are built per click, as the plugin builds its request per click.
    const std::string idempotency = "Idempotency-Key: " + next_idempotency_key();
    curl_slist *headers = nullptr;
    headers = curl_slist_append(headers, impl_->authorization.c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, idempotency.c_str());
    curl_easy_setopt(impl_->easy, CURLOPT_HTTPHEADER, headers);
    impl_->answer.clear();
    const CURLcode rc = curl_easy_perform(impl_->easy);
    long status = 0;
    curl_easy_getinfo(impl_->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK || status != 200)
        die(std::string("libcurl click failed: ") + curl_easy_strerror(rc));
}

struct LimitClient::Impl {
    net::io_context io;
    ssl::context tls{ssl::context::tls_client};
    ssl::stream<net::ip::tcp::socket> stream{io, tls};
    std::string wire;        // the whole request, serialised once
    std::size_t key_at = 0;  // where the idempotency key sits in `wire`
    boost::beast::flat_buffer buffer;
};

LimitClient::LimitClient(const Target &target) : impl_(std::make_unique<Impl>()) {
    impl_->tls.load_verify_file(target.ca_file);
    impl_->stream.set_verify_mode(ssl::verify_peer);
    net::ip::tcp::resolver resolver(impl_->io);
    net::connect(impl_->stream.next_layer(),
                 resolver.resolve(target.host, std::to_string(target.port)));
    impl_->stream.handshake(ssl::stream_base::client);

    const std::string body = click_body(target);
    impl_->wire = std::string("POST ") + kPath + " HTTP/1.1\r\nHost: " + target.host + ":" +
                  std::to_string(target.port) + "\r\nUser-Agent: wisepay-bench-limit\r\n" +
                  "Authorization: Bearer " + target.api_key +
                  "\r\nAccept: application/json\r\nContent-Type: application/json\r\n" +
                  "Idempotency-Key: ";
    impl_->key_at = impl_->wire.size();
    impl_->wire += next_idempotency_key() + "\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body;
}

LimitClient::~LimitClient() = default;

void LimitClient::click() {
    const std::string key = next_idempotency_key();
    impl_->wire.replace(impl_->key_at, key.size(), key);
    net::write(impl_->stream, net::buffer(impl_->wire));
    http::response_parser<http::string_body> parser;
    http::read(impl_->stream, impl_->buffer, parser);
    if (parser.get().result_int() != 200)
        die("the limit client's click failed");
}

}  // namespace wisepay::bench
