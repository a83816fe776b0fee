// The user translation unit of docs/PERFORMANCE.md ("the whole API"): one area header and one
// call. bench/api_cost.sh compiles it to measure what the SDK's headers cost a user's build.
#include <zstack/actions/vm_instances.hpp>

int main() {
  zstack::CreateVmInstanceAction a;
  a.name = "vm1";
  a.instanceOfferingUuid = "offering";
  a.imageUuid = "image";
  a.l3NetworkUuids = std::vector<std::string>{"l3"};
  auto r = a.call(zstack::Client::defaultClient());
  return r ? 0 : 1;
}
