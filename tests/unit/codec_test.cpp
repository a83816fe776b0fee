#include "codec/codec.hpp"
#include "zstack/actions.hpp"
#include "zstack/catalog.hpp"

#include <catch2/catch.hpp>

using namespace zstack;

TEST_CASE("gson timestamps parse, print and convert", "[codec][time]") {
  auto t = Timestamp::parse("Jun 7, 2017 9:20:16 PM");
  REQUIRE(t);
  CHECK(t->year == 2017);
  CHECK(t->month == 6);
  CHECK(t->day == 7);
  CHECK(t->hour == 21);
  CHECK(t->toString() == "Jun 7, 2017 9:20:16 PM");
  CHECK(t->toIso() == "2017-06-07T21:20:16");
  CHECK(Timestamp::parse("Jan 1, 2017 12:05:00 AM")->hour == 0);
  CHECK(Timestamp::parse("Jan 1, 2017 12:05:00 PM")->hour == 12);
  CHECK(Timestamp::parse("Jan 1, 2017, 9:31:06\xE2\x80\xAF" "AM"));  // newer JVM form
  CHECK(Timestamp::parse("2017-06-07T21:20:16Z")->minute == 20);
  CHECK_FALSE(Timestamp::parse("Foo 7, 2017 9:20:16 PM"));
  CHECK_FALSE(Timestamp::parse("Jun 7, 2017 13:20:16 PM"));
  CHECK_FALSE(Timestamp::parse("Jun 7, 2017 9:20:16"));
  CHECK_FALSE(Timestamp::parse(""));
  CHECK(Timestamp::fromUtc(t->asUtc()) == *t);
}

TEST_CASE("decoding: floats for integers, unknown keys, absent fields, wrong types", "[codec]") {
  LoadBalancerListenerInventory l;
  auto err = codec::decode(schema::typeOf<LoadBalancerListenerInventory>(),
                           R"({"uuid":"u","instancePort":80.0,"loadBalancerPort":443,"brandNew":{"a":[1]},
                               "vmNicRefs":[{"vmNicUuid":"n1","status":"Active"}],"createDate":"Jun 7, 2017 9:20:16 PM"})",
                           &l);
  REQUIRE_FALSE(err);
  CHECK(l.instancePort == 80);
  CHECK(l.loadBalancerPort == 443);
  CHECK(l.protocol.empty());  // absent stays unset
  CHECK(l.name.empty());
  REQUIRE(l.vmNicRefs.size() == 1);
  CHECK(l.vmNicRefs[0].vmNicUuid == "n1");
  CHECK(l.createDate->toString() == "Jun 7, 2017 9:20:16 PM");

  VmNicInventory nic;
  CHECK(*codec::decode(schema::typeOf<VmNicInventory>(), R"({"deviceId":0.5})", &nic) ==
        "deviceId: expected a 32-bit integer");
  CHECK(codec::decode(schema::typeOf<VmNicInventory>(), R"({"deviceId":1e40})", &nic));
  CHECK(codec::decode(schema::typeOf<VmNicInventory>(), R"({"deviceId":"3"})", &nic));
  CHECK(*codec::decode(schema::typeOf<VmNicInventory>(), R"({"createDate":"yesterday"})", &nic) ==
        "createDate: unreadable timestamp \"yesterday\"");
  CHECK(codec::decode(schema::typeOf<VmNicInventory>(), R"({"ip":"1.2.3.4",})", &nic)->find("malformed JSON") == 0);
  QueryReply<VmNicInventory> nics;
  CHECK(*codec::decode(schema::typeOf<QueryReply<VmNicInventory>>(), R"({"inventories":[{},{"mac":[]}]})", &nics) ==
        "inventories[1].mac: expected a string, got an array");
}

TEST_CASE("GetNetworkServiceTypes decodes its map of lists", "[codec]") {
  GetNetworkServiceTypesReply r;
  REQUIRE_FALSE(codec::decode(schema::typeOf<GetNetworkServiceTypesReply>(),
                              R"({"types":{"VirtualRouter":["DNS","SNAT"],"SecurityGroup":["SecurityGroup"]}})", &r));
  CHECK(r.types.at("VirtualRouter") == std::vector<std::string>{"DNS", "SNAT"});
}

TEST_CASE("toJson omits unset fields and round-trips through decode", "[codec]") {
  InventoryReply<VipInventory> r;
  r.inventory.emplace();
  r.inventory->uuid = "u";
  r.inventory->ip = "10.0.0.2";
  r.inventory->createDate = Timestamp{2017, 6, 7, 21, 20, 16};
  const Json j = codec::toJson(schema::typeOf<InventoryReply<VipInventory>>(), &r);
  CHECK(j.dump() == R"({"inventory":{"uuid":"u","createDate":"Jun 7, 2017 9:20:16 PM","ip":"10.0.0.2"}})");
  InventoryReply<VipInventory> back;
  REQUIRE_FALSE(codec::decode(schema::typeOf<InventoryReply<VipInventory>>(), j.dump(), &back));
  CHECK(back.inventory->createDate == r.inventory->createDate);
}

TEST_CASE("Json parses, prints and indexes", "[json]") {
  auto j = Json::parse(R"({"a":[1,2.5,"x",null,true],"b":{"c":-7}})");
  REQUIRE(j);
  CHECK(j->find("a")->asArray().size() == 5);
  CHECK(j->find("b")->find("c")->asInt() == -7);
  CHECK(j->dump() == R"({"a":[1,2.5,"x",null,true],"b":{"c":-7}})");
  std::string err;
  CHECK_FALSE(Json::parse("{\"a\":", &err));
  CHECK(err.find("offset") != std::string::npos);
  Json k;
  k["x"] = 1;
  k["x"] = "two";
  CHECK(k.dump() == R"({"x":"two"})");
}

TEST_CASE("catalog: fields set from JSON, type errors leave the field untouched", "[catalog]") {
  const ActionSpec* spec = catalog::find("CreatePortForwardingRule");
  REQUIRE(spec);
  catalog::DynamicAction a(*spec);
  CHECK_FALSE(a.set("vipPortStart", Json(22)));
  auto err = a.set("vipPortStart", Json("twenty"));
  REQUIRE(err);
  CHECK(err->kind == ErrorKind::Usage);
  CHECK(err->message.find("vipPortStart") != std::string::npos);
  CHECK(static_cast<const CreatePortForwardingRuleAction*>(a.raw())->vipPortStart == 22);
  CHECK(a.set("noSuchField", Json(1))->message == "unknown parameter \"noSuchField\"");
  CHECK_FALSE(a.set("systemTags", Json(Json::Array{"a", "b"})));
  CHECK(a.common().systemTags.size() == 2);
  bool hasQ = false;
  for (const auto& f : catalog::DynamicAction(*catalog::find("QueryVip")).fields()) hasQ |= std::string(f.name) == "q";
  CHECK(hasQ);
}

TEST_CASE("an inventory reply without its inventory decodes with the inventory empty", "[codec]") {
  // gson leaves out null fields; the manual documents {} replies for AttachEip and others.
  const auto& type = schema::typeOf<InventoryReply<VipInventory>>();
  InventoryReply<VipInventory> r;
  r.inventory.emplace().uuid = "stale";  // a reused reply must not keep an old inventory
  type.clear(&r);
  CHECK_FALSE(codec::decode(type, "{}", &r));
  CHECK_FALSE(r.inventory.has_value());
  CHECK_FALSE(codec::decode(type, R"({"inventory":null})", &r));
  CHECK_FALSE(r.inventory.has_value());
  CHECK_FALSE(codec::decode(type, R"({"inventory":{}})", &r));
  REQUIRE(r.inventory.has_value());
  CHECK(r.inventory->uuid.empty());
  CHECK(codec::decode(type, R"({"inventory":[]})", &r));  // still typed: an array is not an inventory
  QueryReply<VipInventory> q;  // count=true replies carry only the total
  CHECK_FALSE(codec::decode(schema::typeOf<QueryReply<VipInventory>>(), R"({"total":3})", &q));
}

namespace {
// A user's type derived from a generated one: it inherits VipInventory's DescribesInventoryReply
// and describeInventoryReply(), which describe InventoryReply<VipInventory>, not this.
struct TaggedVip : VipInventory {
  std::string tag;
  static const schema::TypeDesc& describe() {
    using Self = TaggedVip;
    static const schema::TypeDesc d = schema::object<Self>("TaggedVip", {ZS_F(tag)}, schema::inherit<Self, VipInventory>());
    return d;
  }
};
}  // namespace

TEST_CASE("replies of generated types are described once; a derived type gets its own", "[codec]") {
  CHECK(&schema::typeOf<InventoryReply<VipInventory>>() == &VipInventory::describeInventoryReply());
  CHECK(schema::typeOf<InventoryReply<VipInventory>>().name == "InventoryReply<VipInventory>");
  CHECK(schema::typeOf<QueryReply<VipInventory>>().name == "QueryReply<VipInventory>");
  CHECK(schema::typeOf<QueryReply<VipInventory>>().fields[0].type().name == "List<VipInventory>");
  const auto& tagged = schema::typeOf<InventoryReply<TaggedVip>>();
  CHECK(tagged.name == "InventoryReply<TaggedVip>");
  CHECK(&tagged != &VipInventory::describeInventoryReply());
  InventoryReply<TaggedVip> r;
  REQUIRE_FALSE(codec::decode(tagged, R"({"inventory":{"uuid":"u1","tag":"t"}})", &r));
  REQUIRE(r.inventory);
  CHECK(r.inventory->uuid == "u1");
  CHECK(r.inventory->tag == "t");
}

TEST_CASE("a list decoded again is reserved at its last length, not grown by doubling", "[codec]") {
  auto reply = [](int n) {
    std::string s = R"({"inventories":[)";
    for (int i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"uuid":"u)" + std::to_string(i) + R"(","name":"v"})";
    return s + "]}";
  };
  const auto& type = schema::typeOf<QueryReply<VipInventory>>();
  for (int n : {100, 300}) {
    QueryReply<VipInventory> first;
    REQUIRE_FALSE(codec::decode(type, reply(n), &first));
    REQUIRE(first.inventories.size() == static_cast<std::size_t>(n));
    QueryReply<VipInventory> again;  // a fresh vector: only the type's hint can size it
    REQUIRE_FALSE(codec::decode(type, reply(n), &again));
    REQUIRE(again.inventories.size() == static_cast<std::size_t>(n));
    CHECK(again.inventories.capacity() == static_cast<std::size_t>(n));  // one allocation, not doubling to 128/512
    CHECK(again.inventories[n - 1].uuid == "u" + std::to_string(n - 1));
  }

  QueryReply<VipInventory> small;  // short lists are not reserved ahead
  REQUIRE_FALSE(codec::decode(type, reply(3), &small));
  QueryReply<VipInventory> after;
  REQUIRE_FALSE(codec::decode(type, reply(3), &after));
  CHECK(after.inventories.capacity() < 64);
}
