// libFuzzer: the reply codec. The first byte picks the reply type, the rest is the reply body;
// a decoded value is printed back (toJson, dump, pretty) and re-decoded from its own output.

#include "codec/codec.hpp"
#include "zstack/actions.hpp"
#include "zstack/json.hpp"
#include "zstack/replies.hpp"
#include "zstack/types.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

using namespace zstack;

namespace {

template <class T>
void roundTrip(std::string_view text) {
  T value{};
  const auto& type = schema::typeOf<T>();
  if (codec::decode(type, text, &value)) return;  // rejected: fine, only crashes count
  const Json j = codec::toJson(type, &value);
  const std::string compact = j.dump();
  (void)j.pretty();
  (void)codec::encode(type, &value);
  // What we print must be readable again.
  if (!Json::parse(compact)) {
    std::fprintf(stderr, "toJson().dump() is not JSON: %s\n", compact.c_str());
    std::abort();
  }
  T again{};
  (void)codec::decode(type, compact, &again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 7) {
    case 0: roundTrip<QueryReply<VipInventory>>(text); break;
    case 1: roundTrip<InventoryReply<SecurityGroupInventory>>(text); break;
    case 2: roundTrip<InventoryReply<LoadBalancerInventory>>(text); break;
    case 3: roundTrip<QueryReply<EipInventory>>(text); break;
    case 4: roundTrip<EmptyReply>(text); break;
    case 5: roundTrip<GetNetworkServiceTypesReply>(text); break;
    case 6:
      if (auto j = Json::parse(text)) {
        const std::string compact = j->dump();
        (void)j->pretty();
        auto again = Json::parse(compact);
        if (!again) {
          std::fprintf(stderr, "Json::dump() is not JSON: %s\n", compact.c_str());
          std::abort();
        }
      }
      break;
  }
  return 0;
}
