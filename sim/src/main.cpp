// zstack-sim command-line entry point.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "zstack/sim/simulator.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

void usage(std::ostream& out) {
  out << "usage: zstack-sim [options]\n"
         "  --bind ADDR              address to listen on (default 127.0.0.1)\n"
         "  --port N                 port (default 8080; 0 = pick a free port)\n"
         "  --job-delay MS           async jobs complete after MS milliseconds (default 0)\n"
         "  --job-expiry MS          finished job results are purged after MS ms (default 10800000)\n"
         "  --session-timeout MS     session lifetime (default 7200000)\n"
         "  --seed FILE              JSON seed file (default: built-in seed)\n"
         "  --admin NAME             admin account name (default admin)\n"
         "  --password PW            admin password in plain text (default password);\n"
         "                           clients send its lowercase SHA-512 hex\n"
         "  --access-key ID:SECRET   accept this access key (repeatable)\n"
         "  --advertise HOST[:PORT]  host used in job locations (default: request Host header)\n"
         "  --help                   show this help\n";
}

bool parseLong(const char* s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s, &end, 10);
  return end && *end == '\0' && end != s;
}

}  // namespace

int main(int argc, char** argv) {
  zstack::sim::Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "zstack-sim: " << name << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    auto number = [&](const char* name) {
      long long v = 0;
      const char* s = value(name);
      if (!parseLong(s, v) || v < 0) {
        std::cerr << "zstack-sim: " << name << " needs a non-negative integer, got '" << s << "'\n";
        std::exit(2);
      }
      return v;
    };
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    } else if (a == "--bind") {
      opt.bindAddress = value("--bind");
    } else if (a == "--port") {
      long long p = number("--port");
      if (p > 65535) {
        std::cerr << "zstack-sim: --port out of range\n";
        return 2;
      }
      opt.port = static_cast<int>(p);
    } else if (a == "--job-delay") {
      opt.jobDelay = std::chrono::milliseconds(number("--job-delay"));
    } else if (a == "--job-expiry") {
      opt.jobExpiry = std::chrono::milliseconds(number("--job-expiry"));
    } else if (a == "--session-timeout") {
      opt.sessionTimeout = std::chrono::milliseconds(number("--session-timeout"));
    } else if (a == "--seed") {
      opt.seedFile = value("--seed");
    } else if (a == "--admin") {
      opt.adminName = value("--admin");
    } else if (a == "--password") {
      opt.adminPassword = value("--password");
    } else if (a == "--advertise") {
      opt.advertisedHost = value("--advertise");
    } else if (a == "--access-key") {
      const std::string kv = value("--access-key");
      const auto colon = kv.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == kv.size()) {
        std::cerr << "zstack-sim: --access-key needs ID:SECRET\n";
        return 2;
      }
      opt.accessKeys.push_back({kv.substr(0, colon), kv.substr(colon + 1)});
    } else {
      std::cerr << "zstack-sim: unknown option " << a << "\n";
      usage(std::cerr);
      return 2;
    }
  }

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  try {
    zstack::sim::Simulator sim(opt);
    sim.start();
    std::cout << "zstack-sim listening on " << sim.endpoint() << std::endl;
    while (!g_stop) {
      struct timespec ts {0, 100 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
    sim.stop();
  } catch (const std::exception& e) {
    std::cerr << "zstack-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
