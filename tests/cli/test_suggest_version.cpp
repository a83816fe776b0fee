// zscli's "did you mean" for mistyped action names, and --version.

#include "admin_support.hpp"

#include <args.hpp>

#include <regex>

using namespace clitest;

namespace {

std::string message(const Run& r) {
  auto j = r.errJson();
  return j ? str(*j, "message") : std::string();
}

}  // namespace

TEST_CASE("suggestActions: nearest names by case-insensitive edit distance, ties, none when far", "[cli][suggest]") {
  using V = std::vector<std::string>;
  CHECK(zscli::suggestActions("CreatVip") == V{"CreateVip"});          // a deletion
  CHECK(zscli::suggestActions("createvip") == V{"CreateVip"});         // case only
  CHECK(zscli::suggestActions("CraeteVip") == V{"CreateVip"});         // two letters swapped: one edit
  CHECK(zscli::suggestActions("QueryVips") == V{"QueryVip"});          // an insertion
  CHECK(zscli::suggestActions("DeleteXip") == V{"DeleteEip", "DeleteVip"});  // a tie: both, catalog order
  CHECK(zscli::suggestActions("APIQueryVipMsg") == V{"QueryVip"});     // zstack-cli's message class name
  CHECK(zscli::suggestActions("CreatVipAction") == V{"CreateVip"});
  CHECK(zscli::suggestActions("Frobnicate").empty());                  // too far from everything
  CHECK(zscli::suggestActions("Delete").empty());                      // 3 edits from DeleteVip: too far for 6 letters
  CHECK(zscli::suggestActions("").empty());
}

TEST_CASE("an unknown action name gets 'did you mean', exit 2, nothing sent", "[cli][suggest]") {
  const int port = closedPort();  // nothing listens: a request would be a transport error (exit 3)
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(port) + "/zstack";

  SECTION("one suggestion") {
    const Run r = runZscli({"--endpoint", endpoint, "CreatVip", "name=v"});
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "unknown action CreatVip; did you mean CreateVip? (zscli --help lists them)");
    CHECK(r.out.empty());
  }
  SECTION("a tie: every nearest name") {
    const Run r = runZscli({"--endpoint", endpoint, "DeleteXip"});
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r).find("did you mean DeleteEip or DeleteVip?") != std::string::npos);
  }
  SECTION("lower-case: the argument is not quoted, the suggestion is given") {
    const Run r = runZscli({"--endpoint", endpoint, "querysecuritygroups"});
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "argument 3 is not an action name; did you mean QuerySecurityGroup? (zscli --help lists them)");
  }
  SECTION("too far: no suggestion") {
    const Run r = runZscli({"--endpoint", endpoint, "Frobnicate"});
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "unknown action Frobnicate (zscli --help lists them)");
  }
  SECTION("an argument that is not name-like is neither quoted nor compared") {
    const Run r = runZscli({"--endpoint", endpoint, "CreateVip=hunter2"});
    INFO(r.describe());
    CHECK(r.exitCode == 2);
    CHECK(message(r) == "argument 3 is not an action name (zscli --help lists them)");
    CHECK(r.err.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("zscli --version: the project version and the API snapshot", "[cli][version]") {
  const Run r = runZscli({"--version"});
  INFO(r.describe());
  REQUIRE(r.exitCode == 0);
  CHECK(r.err.empty());
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("^zscli ([0-9]+\\.[0-9]+\\.[0-9]+) \\(zstack-sdk-cpp ([0-9.]+)\\)\n")));
  CHECK(m[1] == ZSCLI_EXPECTED_VERSION);
  CHECK(m[2] == ZSCLI_EXPECTED_VERSION);
  const std::string api = "API: " + std::to_string(zstack::catalog::all().size()) + " actions, api/";
  CHECK(r.out.find(api) != std::string::npos);

  SECTION("after other options too") {
    const Run r2 = runZscli({"--endpoint", "http://127.0.0.1:1/zstack", "--version"});
    CHECK(r2.exitCode == 0);
    CHECK(r2.out == r.out);
  }
}
