// The simulator as a test double in a user's own tests: find_package(zstack COMPONENTS sim),
// link zstack::sim, start one embedded simulator on a free port, drive the SDK against it.
// README ("The simulator as a test double") shows this file; scripts/consumers.sh builds and
// runs it against the installed package.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <zstack/sim/simulator.hpp>
#include <zstack/zstack.hpp>

TEST_CASE("a VIP created through the SDK is found by a query") {
  zstack::sim::Options options;
  options.port = 0;  // any free port
  zstack::sim::Simulator sim(options);
  sim.start();  // serves on a background thread until stop() or destruction

  zstack::ClientConfig config;
  auto endpoint = zstack::Endpoint::parse(sim.endpoint());
  REQUIRE(endpoint.has_value());
  config.endpoint = *endpoint;
  zstack::Client client(config);
  auto session = zstack::Session::open(client, "admin", "password");  // the simulator's defaults
  REQUIRE(session.ok());

  zstack::CreateVipAction create;
  create.name = "vip-under-test";
  create.l3NetworkUuid = sim.seed().publicL3Uuid;  // the built-in seed's public network
  auto created = create.call(client);
  REQUIRE(created.ok());
  const zstack::VipInventory vip = created->inventory.value();
  CHECK(vip.name == "vip-under-test");

  zstack::QueryVipAction query;
  query.where(zstack::query::field("uuid") == vip.uuid);
  auto found = query.call(client);
  REQUIRE(found.ok());
  REQUIRE(found->inventories.size() == 1);
  CHECK(found->inventories[0].ip == vip.ip);

  // A fault rule makes the next matching request fail: the code under test sees a 503.
  zstack::sim::FaultRule rule;
  rule.method = "GET";
  rule.pathPrefix = "/zstack/v1/vips";
  sim.faults().add(rule);
  auto failed = query.call(client);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().httpStatus == 503);
}
