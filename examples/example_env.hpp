#pragma once
// What every example needs: a client pointed at a ZStack, credentials, and the UUIDs of a public
// L3 network and a VM NIC to work with.
//
// --endpoint URL / $ZSTACK_ENDPOINT     a real management node (with --user/--password or
// --user NAME / $ZSTACK_USER             $ZSTACK_USER/$ZSTACK_PASSWORD, --public-l3 UUID and
// --password PW / $ZSTACK_PASSWORD       --private-l3 UUID)
// --public-l3 UUID / $ZSTACK_PUBLIC_L3
// --private-l3 UUID / $ZSTACK_PRIVATE_L3
// With no endpoint, the example starts the embedded simulator on a free port and uses its seed.

#include <zstack/sim/simulator.hpp>
#include <zstack/zstack.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace example {

struct Env {
  std::unique_ptr<zstack::sim::Simulator> sim;  // set when no endpoint was given
  zstack::ClientConfig config;
  std::string user = "admin", password = "password";
  std::string publicL3, privateL3;
};

inline std::string option(int argc, char** argv, const char* name, const char* env) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  const char* v = std::getenv(env);
  return v ? v : "";
}

// Starts the simulator when needed; exits with a message when the options are unusable.
inline Env setup(int argc, char** argv, zstack::sim::Options simOptions = {}) {
  Env env;
  const std::string endpoint = option(argc, argv, "--endpoint", "ZSTACK_ENDPOINT");
  if (endpoint.empty()) {
    simOptions.port = 0;
    env.sim = std::make_unique<zstack::sim::Simulator>(simOptions);
    env.sim->start();
    std::string why;
    auto simEndpoint = zstack::Endpoint::parse(env.sim->endpoint(), &why);
    if (!simEndpoint) {  // the simulator's own URL: cannot happen, but never dereference unchecked
      std::cerr << "the simulator's endpoint " << env.sim->endpoint() << " does not parse: " << why << "\n";
      std::exit(2);
    }
    env.config.endpoint = *simEndpoint;
    env.publicL3 = env.sim->seed().publicL3Uuid;
    env.privateL3 = env.sim->seed().privateL3Uuid;
    std::cout << "(no --endpoint given: using the embedded simulator at " << env.sim->endpoint() << ")\n";
    return env;
  }
  std::string why;
  auto e = zstack::Endpoint::parse(endpoint, &why);
  if (!e) {
    std::cerr << "--endpoint / ZSTACK_ENDPOINT: " << why << "\n";
    std::exit(2);
  }
  env.config.endpoint = *e;
  if (auto u = option(argc, argv, "--user", "ZSTACK_USER"); !u.empty()) env.user = u;
  if (auto p = option(argc, argv, "--password", "ZSTACK_PASSWORD"); !p.empty()) env.password = p;
  env.publicL3 = option(argc, argv, "--public-l3", "ZSTACK_PUBLIC_L3");
  env.privateL3 = option(argc, argv, "--private-l3", "ZSTACK_PRIVATE_L3");
  if (env.publicL3.empty()) {
    std::cerr << "with --endpoint, give --public-l3 UUID (and --private-l3 UUID) of your networks\n";
    std::exit(2);
  }
  return env;
}

// The value, or print the error and exit: examples stop at the first failure.
template <class T>
T check(zstack::Result<T> result, const char* what) {
  if (!result) {
    std::cerr << "FAILED: " << what << ": " << result.error().describe() << "\n";
    std::exit(1);
  }
  return std::move(result).value();
}

inline void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    std::exit(1);
  }
}

}  // namespace example
