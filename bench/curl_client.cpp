// libcurl as a careful program would use it for the same click: one easy
// handle kept for the life of the client (its connection and TLS session
// cache with it), HTTP/1.1, TLS 1.2 at least with peer and host name
// verification, headers built per click, and the answer parsed with
// Boost.JSON and checked by the plugin's rules (click_content.h).
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/click_content.h"
#include "bench/clients.h"

namespace wisepay::bench {
namespace {

constexpr const char *kPath = "/api/integrations/deskdirector/v1/sso-sessions";

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "bench: libcurl click failed: %s\n", what.c_str());
    std::exit(1);
}

std::size_t append_to_string(char *data, std::size_t size, std::size_t count, void *out) {
    static_cast<std::string *>(out)->append(data, size * count);
    return size * count;
}

class CurlClient final : public Client {
  public:
    explicit CurlClient(const Target &target)
        : payer_email_(target.payer_email),
          origin_(target.origin()),
          url_(target.origin() + kPath),
          authorization_("Authorization: Bearer " + target.api_key) {
        easy_ = curl_easy_init();
        if (easy_ == nullptr)
            die("curl_easy_init");
        curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(easy_, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
        curl_easy_setopt(easy_, CURLOPT_CAINFO, target.ca_file.c_str());
        curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(easy_, CURLOPT_USERAGENT, user_agent_prefix_of(ClientKind::kCurl));
        curl_easy_setopt(easy_, CURLOPT_POST, 1L);
        curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &append_to_string);
        curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &answer_);
        curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    }
    ~CurlClient() override { curl_easy_cleanup(easy_); }
    CurlClient(const CurlClient &) = delete;
    CurlClient &operator=(const CurlClient &) = delete;

    void click() override {
        // Built per click, as the plugin builds its request per click.
        const std::string body = click_body(payer_email_);
        const std::string idempotency = "Idempotency-Key: " + random_idempotency_key();
        curl_slist *headers = nullptr;
        headers = curl_slist_append(headers, authorization_.c_str());
        headers = curl_slist_append(headers, "Accept: application/json");
        headers = curl_slist_append(headers, "Content-Type: application/json");
        headers = curl_slist_append(headers, idempotency.c_str());
        curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        answer_.clear();
        const CURLcode rc = curl_easy_perform(easy_);
        long status = 0;
        curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, nullptr);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK)
            die(curl_easy_strerror(rc));
        SsoAnswer sso;
        if (const char *wrong = check_sso_answer(static_cast<unsigned>(status), answer_,
                                                 payer_email_, origin_, sso)) {
            die(wrong);
        }
    }

  private:
    CURL *easy_ = nullptr;
    std::string payer_email_, origin_, url_, authorization_;
    std::string answer_;
};

}  // namespace

void init_curl() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

std::string curl_description() {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return std::string("libcurl ") + info->version + " (" +
           (info->ssl_version ? info->ssl_version : "no TLS") + ")";
}

std::unique_ptr<Client> make_curl_client(const Target &target) {
    return std::make_unique<CurlClient>(target);
}

}  // namespace wisepay::bench
