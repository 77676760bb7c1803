// share_host - a host process for the sharing test: it loads the plugin with
// dlopen, as a portal would, and uses one settings database that other
// processes open, back up, checkpoint and change at the same time.
//
//   share_host saver <plugin.so> <database> <seconds> <ack file> <mode...>
//   share_host churn <plugin.so> <database> <seconds>
//
// saver: saves settings of tenant "acme" in a loop (through two live
// instances in turn), clicks an invoice on every live instance after each
// save, and every few rounds unticks Enabled from outside with the sqlite3
// command-line tool, then clicks on every live instance: each must refuse
// with WISEPAY_E_DISABLED at once. A fake Wise-Pay runs in this process.
// Modes add work inside the process: "reload" replaces the second instance
// (create the new one, then destroy the old one, as a host reloading its
// config does); "failing-create" makes a create fail late, because the host
// refuses to register the page. Each acknowledged save appends
// "<version> <round>\n" to the ack file with one write(). Any wrong answer
// is printed on stderr and ends the run with exit status 1.
//
// churn: creates an instance, reads the settings, destroys it, in a loop.
#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "abi/wisepay_plugin.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/plugin_loader.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

const std::string kMasterKey(64, '9');
const std::vector<std::string> kKeys = {"wp_share_key_alpha_0001", "wp_share_key_bravo_0002",
                                        "wp_share_key_delta_0003"};
const std::string kPayer = "pat@customer.example";

const wisepay_plugin_api *api = nullptr;

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "share_host: %s\n", what.c_str());
    std::exit(1);
}

void load(const char *path) {
    api = wisepay::test::load_plugin(path).api;
}

std::string describe(wisepay_status status, wisepay_error *error) {
    return wisepay::test::describe_failure(*api, status, error);
}

wisepay_status refuse_page(void *, const wisepay_page *) {
    return WISEPAY_E_INVALID_ARGUMENT;
}

wisepay_instance *create(const std::string &config, bool refuse_registration = false) {
    wisepay_host host{};
    host.struct_size = sizeof host;
    if (refuse_registration)
        host.register_page = refuse_page;
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status =
        api->create(&host, config.data(), config.size(), &instance, &error);
    if (refuse_registration) {
        if (status == WISEPAY_OK)
            die("create succeeded although the host refused the page");
        if (error != nullptr)
            api->free_error(error);
        return nullptr;
    }
    if (status != WISEPAY_OK)
        die("create: " + describe(status, error));
    return instance;
}

// The stored version as this instance reads it.
std::int64_t read_version(wisepay_instance *instance) {
    char *out = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api->get_settings(instance, "acme", &out, &error);
    if (status != WISEPAY_OK)
        die("get_settings: " + describe(status, error));
    const std::int64_t version = json::parse(out).as_object().at("version").as_int64();
    api->free_string(out);
    return version;
}

wisepay_status click(wisepay_instance *instance, std::string *code) {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = "acme";
    request.user_email = kPayer.c_str();
    request.invoice_id = "inv_1";
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api->open_invoice(instance, &request, &redirect, &error);
    api->free_redirect(redirect);
    if (error != nullptr) {
        *code = std::string(error->code) + ": " + error->message;
        api->free_error(error);
    }
    return status;
}

// Unticks Enabled from another process, as an operator with the sqlite3
// tool would, and returns the version that change wrote.
std::int64_t untick_from_outside(const std::string &database) {
    const std::string command =
        "sqlite3 -cmd '.timeout 20000' '" + database +
        "' \"UPDATE settings SET enabled = 0, version = version + 1, updated_by = 'operator' "
        "WHERE tenant_id = 'acme' RETURNING version;\"";
    FILE *pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
        die("cannot run sqlite3");
    char line[64] = {0};
    const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
    const int status = pclose(pipe);
    if (!got || status != 0)
        die("sqlite3 could not untick Enabled (exit status " + std::to_string(status) + ")");
    return std::atoll(line);
}

int saver(const char *database, double seconds, const char *ack_path,
          const std::set<std::string> &modes) {
    const int ack = ::open(ack_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (ack < 0)
        die("cannot open the ack file");
    wisepay::test::FakeWisePay fake;
    fake.keep_requests(false);
    for (const std::string &key : kKeys) {
        fake.add_merchant(key, "Share Merchant");
        fake.add_payer(key, kPayer);
    }
    const std::string config = wisepay::test::plugin_config_json(
        {database, kMasterKey, fake.base_url(), fake.ca_file()}, ",\"deadline_ms\":20000");

    wisepay_instance *first = create(config);
    wisepay_instance *second = create(config);
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    std::int64_t version = read_version(first);
    long round = 0;
    long unticks = 0;
    for (; Clock::now() < deadline; ++round) {
        wisepay_instance *saving = round % 2 == 0 ? first : second;
        const std::string settings =
            "{\"api_key\":\"" + kKeys[round % kKeys.size()] + "\",\"enabled\":true}";
        const std::string actor = "share-" + std::to_string(round);
        wisepay_save_request save{};
        save.struct_size = sizeof save;
        save.tenant_id = "acme";
        save.actor = actor.c_str();
        save.expected_version = version;
        save.settings_json = settings.c_str();
        save.settings_json_len = settings.size();
        char *out = nullptr;
        wisepay_error *error = nullptr;
        const wisepay_status status = api->save_settings(saving, &save, &out, &error);
        if (status != WISEPAY_OK)
            die("save of round " + std::to_string(round) + " from version " +
                std::to_string(version) + ": " + describe(status, error));
        version = json::parse(out).as_object().at("version").as_int64();
        api->free_string(out);
        const std::string line = std::to_string(version) + " " + std::to_string(round) + "\n";
        if (::write(ack, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            die("cannot write the ack file");

        for (wisepay_instance *instance : {first, second}) {
            std::string code;
            if (click(instance, &code) != WISEPAY_OK)
                die("a click after save " + std::to_string(version) + " was refused: " + code);
        }
        if (round % 4 == 3) {
            version = untick_from_outside(database);
            ++unticks;
            for (wisepay_instance *instance : {first, second}) {
                std::string code;
                const wisepay_status clicked = click(instance, &code);
                if (clicked != WISEPAY_E_DISABLED)
                    die("Enabled was unticked from outside (version " + std::to_string(version) +
                        "), but the next click answered status " + std::to_string(clicked) +
                        (clicked == WISEPAY_OK ? " with a sign-in link" : " (" + code + ")"));
                if (read_version(instance) != version)
                    die("get_settings does not show the change made from outside");
            }
        }
        if (modes.count("reload") != 0 && round % 3 == 1) {
            wisepay_instance *replacement = create(config);
            api->destroy(second);
            second = replacement;
        }
        if (modes.count("failing-create") != 0 && round % 3 == 2) {
            create(config, /*refuse_registration=*/true);
        }
    }
    api->destroy(second);
    api->destroy(first);
    ::close(ack);
    std::printf("%ld rounds, %ld changes from outside\n", round, unticks);
    return round > 0 && unticks > 0 ? 0 : 1;
}

int churn(const char *database, double seconds) {
    const std::string config =
        wisepay::test::plugin_config_json({database, kMasterKey, "https://127.0.0.1:9", ""});
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    long rounds = 0;
    for (; Clock::now() < deadline; ++rounds) {
        wisepay_instance *instance = create(config);
        read_version(instance);
        api->destroy(instance);
    }
    std::printf("%ld instances\n", rounds);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc >= 5 && std::strcmp(argv[1], "churn") == 0) {
        load(argv[2]);
        return churn(argv[3], std::atof(argv[4]));
    }
    if (argc >= 6 && std::strcmp(argv[1], "saver") == 0) {
        load(argv[2]);
        return saver(argv[3], std::atof(argv[4]), argv[5],
                     std::set<std::string>(argv + 6, argv + argc));
    }
    std::fprintf(stderr,
                 "usage: share_host saver <plugin.so> <database> <seconds> <ack file> [reload] "
                 "[failing-create]\n"
                 "       share_host churn <plugin.so> <database> <seconds>\n");
    return 2;
}
