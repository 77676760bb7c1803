// Sets up what every measurement runs against (fixture.h): a new CA and a
// server certificate for 127.0.0.1, written to the fixture's temporary
// directory, and the benchmark server with the merchant's key and one payer.
#include "bench/fixture.h"

#include "tests/support/test_pki.h"

namespace wisepay::bench {

Fixture::Fixture(int server_cpu) {
    const test::TestCa ca("Wise-Pay benchmark CA");
    const test::KeyAndCert server_cert = ca.issue_server_cert({"127.0.0.1"});
    ServerOptions options;
    options.cert_file = test::write_pem(dir_.file("server.pem"), server_cert.cert_pem);
    options.key_file = test::write_pem(dir_.file("server.key"), server_cert.key_pem);
    options.api_key = kBenchApiKey;
    options.payers = {"pat@customer.example"};
    options.cpu = server_cpu;
    server_ = std::make_unique<ServerProcess>(options);

    target_.port = server_->port();
    target_.ca_file = test::write_pem(dir_.file("ca.pem"), ca.cert_pem());
    target_.api_key = options.api_key;
    target_.payer_email = options.payers.front();
}

}  // namespace wisepay::bench
