#pragma once
// Reply bodies shaped like a real management node's: every VipInventory field, gson dates.

#include <string>

namespace bench {

inline std::string vipJson(int i) {
  char uuid[33];
  std::snprintf(uuid, sizeof uuid, "%08x%024x", 0x5a5a0000u + static_cast<unsigned>(i), static_cast<unsigned>(i) * 7919u);
  return std::string(R"({"uuid":")") + uuid + R"(","name":"vip-)" + std::to_string(i) +
         R"(","description":"benchmark vip","l3NetworkUuid":"aba59f205cf343ee9795d108b58ddab1","ip":"172.20.)" +
         std::to_string(i / 250) + "." + std::to_string(i % 250 + 2) +
         R"(","state":"Enabled","gateway":"172.20.0.1","netmask":"255.255.0.0","serviceProvider":"VirtualRouter",)"
         R"("peerL3NetworkUuids":["7c13756c0ffc4d95b1e734c39a346930"],"useFor":"Eip","ipRangeUuid":"1cffb5a10014ffaa619b862ce1c1a81f",)"
         R"("createDate":"Jun 7, 2017 9:20:16 PM","lastOpDate":"Jun 7, 2017 9:20:16 PM"})";
}

inline std::string queryVipReply(int n) {
  std::string s = R"({"inventories":[)";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    s += vipJson(i);
  }
  s += R"(],"total":)" + std::to_string(n) + "}";
  return s;
}

}  // namespace bench
