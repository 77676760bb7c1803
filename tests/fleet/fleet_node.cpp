// fleet_node - one node of a fleet of hosts for the fleet test: a process
// that loads the built plugin with dlopen, creates one instance from the
// config file it is given (a PostgreSQL database every node shares), and
// then does what the test tells it on stdin, one command a line, answering
// each with one line on stdout:
//
//   save <tenant> <expected version> <actor> <settings JSON>
//        -> "ok <version>" | "conflict" | "error <code>"
//   click <tenant> <email> <deadline ms>
//        -> "ok" | "error <code> <milliseconds taken>"
//   version <tenant>            -> "<version>" | "error <code>"
//   race <tenant> <threads> <rounds> <actor prefix>
//        -> "won <version> <actor>" for each save that won, then "done
//           <conflicts> <other failures>": every thread reads the version
//           and saves from it, <rounds> times
//   stream <tenant> <count> <actor prefix>
//        -> one line per save, in order: "ok <version> <actor>", "unknown
//           <actor>" (storage_commit_unknown) or "failed <actor> <why>"
//           (<code> when the version could not be read, else "conflict"
//           or "error <code>"); then "done". After a failure the version
//           is read again.
//   quit                        -> destroys the instance and exits 0
//
//   fleet_node <plugin.so> <config file>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/plugin_loader.h"

namespace {

using Clock = std::chrono::steady_clock;

const wisepay_plugin_api *api = nullptr;
wisepay_instance *instance = nullptr;
std::mutex output;

void answer(const std::string &line) {
    std::lock_guard lock(output);
    std::cout << line << std::endl;
}

std::string code_of(wisepay_error *error) {
    std::string code = error != nullptr ? error->code : "(none)";
    api->free_error(error);
    return code;
}

// "ok <version>", "conflict" or "error <code>".
std::string save(const std::string &tenant, std::int64_t expected, const std::string &actor,
                 const std::string &settings) {
    wisepay_save_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant.c_str();
    request.actor = actor.c_str();
    request.expected_version = expected;
    request.settings_json = settings.data();
    request.settings_json_len = settings.size();
    char *out = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = api->save_settings(instance, &request, &out, &error);
    if (status == WISEPAY_OK) {
        const auto version = boost::json::parse(out).as_object().at("version").as_int64();
        api->free_string(out);
        return "ok " + std::to_string(version);
    }
    if (status == WISEPAY_E_CONFLICT) {
        api->free_error(error);
        return "conflict";
    }
    return "error " + code_of(error);
}

std::string version(const std::string &tenant) {
    char *out = nullptr;
    wisepay_error *error = nullptr;
    if (api->get_settings(instance, tenant.c_str(), &out, &error) != WISEPAY_OK)
        return "error " + code_of(error);
    const auto version = boost::json::parse(out).as_object().at("version").as_int64();
    api->free_string(out);
    return std::to_string(version);
}

std::string click(const std::string &tenant, const std::string &email, std::uint32_t deadline) {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant.c_str();
    request.user_email = email.c_str();
    request.invoice_id = "inv_1";
    request.deadline_ms = deadline;
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    const auto started = Clock::now();
    const wisepay_status status = api->open_invoice(instance, &request, &redirect, &error);
    const auto taken =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    api->free_redirect(redirect);
    if (status == WISEPAY_OK)
        return "ok";
    return "error " + code_of(error) + " " + std::to_string(taken);
}

void race(const std::string &tenant, int threads, int rounds, const std::string &prefix) {
    std::atomic<int> conflicts{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> savers;
    for (int t = 0; t < threads; ++t) {
        savers.emplace_back([&, t] {
            for (int round = 0; round < rounds; ++round) {
                const std::string actor =
                    prefix + "-" + std::to_string(t) + "-" + std::to_string(round);
                const std::string from = version(tenant);
                if (from.rfind("error", 0) == 0) {
                    ++failures;
                    continue;
                }
                const std::string body = round % 2 == 0 ? R"({"enabled":false})" : "{}";
                const std::string result = save(tenant, std::stoll(from), actor, body);
                if (result.rfind("ok ", 0) == 0)
                    answer("won " + result.substr(3) + " " + actor);
                else if (result == "conflict")
                    ++conflicts;
                else
                    ++failures;
            }
        });
    }
    for (auto &saver : savers)
        saver.join();
    answer("done " + std::to_string(conflicts.load()) + " " + std::to_string(failures.load()));
}

void stream(const std::string &tenant, int count, const std::string &prefix) {
    std::string from = version(tenant);
    for (int n = 0; n < count; ++n) {
        const std::string actor = prefix + "-" + std::to_string(n);
        if (from.rfind("error", 0) == 0) {
            answer("failed " + actor + " " + from.substr(6));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            from = version(tenant);
            continue;
        }
        const std::string body = n % 2 == 0 ? R"({"enabled":false})" : "{}";
        const std::string result = save(tenant, std::stoll(from), actor, body);
        if (result.rfind("ok ", 0) == 0) {
            answer("ok " + result.substr(3) + " " + actor);
            from = result.substr(3);
            continue;
        }
        answer(result == "error storage_commit_unknown" ? "unknown " + actor
                                                        : "failed " + actor + " " + result);
        from = version(tenant);
    }
    answer("done");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: fleet_node <plugin.so> <config file>\n");
        return 2;
    }
    api = wisepay::test::load_plugin(argv[1]).api;
    std::ifstream file(argv[2]);
    const std::string config((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
    wisepay_host host{};
    host.struct_size = sizeof host;
    wisepay_error *error = nullptr;
    const wisepay_status created =
        api->create(&host, config.data(), config.size(), &instance, &error);
    if (created != WISEPAY_OK) {
        std::fprintf(stderr, "fleet_node: create: %s\n",
                     wisepay::test::describe_failure(*api, created, error).c_str());
        return 1;
    }
    answer("ready");
    for (std::string line; std::getline(std::cin, line);) {
        std::istringstream in(line);
        std::string command, tenant;
        in >> command >> tenant;
        if (command == "save") {
            std::int64_t expected = 0;
            std::string actor, settings;
            in >> expected >> actor >> std::ws;
            std::getline(in, settings);
            answer(save(tenant, expected, actor, settings));
        } else if (command == "click") {
            std::string email;
            std::uint32_t deadline = 0;
            in >> email >> deadline;
            answer(click(tenant, email, deadline));
        } else if (command == "version") {
            answer(version(tenant));
        } else if (command == "race") {
            int threads = 0, rounds = 0;
            std::string prefix;
            in >> threads >> rounds >> prefix;
            race(tenant, threads, rounds, prefix);
        } else if (command == "stream") {
            int count = 0;
            std::string prefix;
            in >> count >> prefix;
            stream(tenant, count, prefix);
        } else if (command == "quit") {
            break;
        } else {
            answer("error unknown_command");
        }
    }
    api->destroy(instance);
    return 0;
}
