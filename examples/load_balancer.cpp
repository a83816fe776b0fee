// Load balancer: a VIP, a load balancer on it, an HTTPS listener with a certificate, and VM NICs
// behind the listener.

#include "example_env.hpp"

using namespace zstack;
using example::check;
using example::expect;

namespace {
// Certificates are PEM text; a real one would be read from a file.
const char* kCertificate =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBszCCAVmgAwIBAgIUQ0Y0ZXhhbXBsZS1jZXJ0LW5vdC1mb3ItdXNlMAoGCCqGSM49BAMC\n"
    "-----END CERTIFICATE-----\n";
}  // namespace

int main(int argc, char** argv) {
  auto env = example::setup(argc, argv);
  Client client(env.config);
  auto session = check(Session::open(client, env.user, env.password), "log in");

  CreateVipAction vip;
  vip.name = "lb-vip";
  vip.l3NetworkUuid = env.publicL3;
  const auto vipInv = check(vip.call(client), "create VIP").inventory.value();

  CreateLoadBalancerAction lb;
  lb.name = "web-lb";
  lb.vipUuid = vipInv.uuid;
  const auto lbInv = check(lb.call(client), "create load balancer").inventory.value();
  std::cout << "load balancer " << lbInv.uuid << " on VIP " << vipInv.ip << "\n";

  CreateCertificateAction cert;
  cert.name = "web-cert";
  cert.certificate = kCertificate;
  const auto certInv = check(cert.call(client), "create certificate").inventory.value();

  CreateLoadBalancerListenerAction listener;
  listener.loadBalancerUuid = lbInv.uuid;
  listener.name = "https";
  listener.protocol = "https";
  listener.loadBalancerPort = 443;
  listener.instancePort = 8443;
  const auto listenerInv = check(listener.call(client), "create listener").inventory.value();
  std::cout << "listener " << listenerInv.uuid << " " << *listenerInv.loadBalancerPort << " -> " << *listenerInv.instancePort
            << "\n";

  AddCertificateToLoadBalancerListenerAction addCert;
  addCert.listenerUuid = listenerInv.uuid;
  addCert.certificateUuid = certInv.uuid;
  check(addCert.call(client), "add certificate");

  GetCandidateVmNicsForLoadBalancerAction candidates;
  candidates.listenerUuid = listenerInv.uuid;
  auto nics = check(candidates.call(client), "candidate NICs").inventories;
  expect(nics.size() >= 2, "two VM NICs to balance over");
  AddVmNicToLoadBalancerAction add;
  add.listenerUuid = listenerInv.uuid;
  add.vmNicUuids = {nics[0].uuid, nics[1].uuid};
  check(add.call(client), "add NICs");

  QueryLoadBalancerListenerAction q;
  q.where(query::field("uuid") == listenerInv.uuid);
  auto found = check(q.call(client), "query listener").inventories;
  expect(found.size() == 1, "the listener is found");
  expect(found[0].vmNicRefs.size() == 2, "two NICs behind the listener");
  expect(found[0].certificateRefs.size() == 1, "the certificate is on the listener");
  std::cout << "query: listener with " << found[0].vmNicRefs.size() << " NICs and " << found[0].certificateRefs.size()
            << " certificate\n";

  DeleteLoadBalancerAction delLb;
  delLb.uuid = lbInv.uuid;
  check(delLb.call(client), "delete load balancer");
  DeleteCertificateAction delCert;
  delCert.uuid = certInv.uuid;
  check(delCert.call(client), "delete certificate");
  DeleteVipAction delVip;
  delVip.uuid = vipInv.uuid;
  check(delVip.call(client), "delete VIP");
  check(session.close(), "log out");
  std::cout << "load balancer OK\n";
  return 0;
}
