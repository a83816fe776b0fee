// One TEST_CASE per scenario, each on its own simulator.
#include "scenarios.hpp"

using namespace itest;

TEST_CASE("scenario: login, sessions and wrong credentials", "[integration][session]") {
  Env env;
  loginScenario(env);
}

TEST_CASE("scenario: VIP allocation, requiredIp, duplicate refused", "[integration][vip]") {
  Env env;
  env.login();
  vipScenario(env);
}

TEST_CASE("scenario: EIP attached to a NIC and detached", "[integration][eip]") {
  Env env;
  env.login();
  eipScenario(env);
}

TEST_CASE("scenario: port forwarding, port conflicts, used ports", "[integration][pf]") {
  Env env;
  env.login();
  portForwardingScenario(env);
}

TEST_CASE("scenario: security group with rules, L3 and NICs", "[integration][sg]") {
  Env env;
  env.login();
  securityGroupScenario(env);
}

TEST_CASE("scenario: load balancer, listeners, certificate and NICs", "[integration][lb]") {
  Env env;
  env.login();
  loadBalancerScenario(env);
}

TEST_CASE("scenario: IPsec connection lifecycle", "[integration][ipsec]") {
  Env env;
  env.login();
  ipsecScenario(env);
}

TEST_CASE("scenario: query operators, paging, count, sort, fields", "[integration][query]") {
  Env env;
  env.login();
  queryScenario(env);
}

TEST_CASE("scenario: state changes disable/enable", "[integration][state]") {
  Env env;
  env.login();
  stateChangeScenario(env);
}

TEST_CASE("scenario: deletes in use refused, Enforcing cascades", "[integration][delete]") {
  Env env;
  env.login();
  deleteScenario(env);
}

TEST_CASE("scenario: network services on L3 networks", "[integration][netsvc]") {
  Env env;
  env.login();
  networkServiceScenario(env);
}

TEST_CASE("scenario: VIP QoS", "[integration][vip]") {
  Env env;
  env.login();
  vipQosScenario(env);
}

TEST_CASE("scenario: updates of VIP, EIP, PF rule, security group, certificate", "[integration][update]") {
  Env env;
  env.login();
  updateScenario(env);
}

TEST_CASE("scenario: logout invalidates the session", "[integration][session]") {
  Env env;
  env.login();
  logoutScenario(env);
}
