// The three ways the benchmark sends the same invoice click to the fake
// Wise-Pay: the plugin through dlopen and its C ABI, libcurl reusing one easy
// handle (the peer), and a bare TLS client that writes pre-built bytes on one
// kept-alive connection and does nothing else (the limit: the server's own
// time plus loopback).
#pragma once

#include <memory>
#include <string>

#include "abi/wisepay_plugin.h"

namespace wisepay::bench {

// What every client needs to know about the server and the click.
struct Target {
    std::string base_url;  // https://127.0.0.1:<port>
    std::string host;      // 127.0.0.1
    unsigned short port = 0;
    std::string ca_file;
    std::string api_key;
    std::string payer_email;
};

// The body the plugin sends for invoice "inv_1" / "INV-1".
std::string click_body(const Target &target);

// The plugin, loaded once per process.
const wisepay_plugin_api &plugin_api();

// One plugin instance with the key saved and enabled for tenant "acme".
class PluginClient {
  public:
    PluginClient(const Target &target, const std::string &database_path);
    ~PluginClient();
    PluginClient(const PluginClient &) = delete;
    PluginClient &operator=(const PluginClient &) = delete;

    // One invoice click; aborts the benchmark on any failure.
    void click();
    wisepay_instance *raw() const { return instance_; }

  private:
    const Target &target_;
    wisepay_instance *instance_ = nullptr;
};

// libcurl with one easy handle, kept alive between clicks.
class CurlClient {
  public:
    explicit CurlClient(const Target &target);
    ~CurlClient();
    CurlClient(const CurlClient &) = delete;
    CurlClient &operator=(const CurlClient &) = delete;
    void click();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A bare TLS connection writing one pre-serialised request per click.
class LimitClient {
  public:
    explicit LimitClient(const Target &target);
    ~LimitClient();
    LimitClient(const LimitClient &) = delete;
    LimitClient &operator=(const LimitClient &) = delete;
    void click();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Global set-up libcurl needs once per process.
void init_curl();

}  // namespace wisepay::bench
