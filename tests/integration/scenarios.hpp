#pragma once
// Scenario functions: each drives one feature area through the SDK against the simulator and
// checks the results field by field. Each scenario TEST_CASE runs one of them on a fresh
// simulator; the all-actions coverage test runs all of them on one simulator, so they only
// assume what holds on a shared one (unique names, their own resources).

#include "support.hpp"

namespace itest {

zstack::VipInventory createVip(Env& env, const std::string& name);

void loginScenario(Env& env);
void vipScenario(Env& env);
void eipScenario(Env& env);
void portForwardingScenario(Env& env);
void securityGroupScenario(Env& env);
void loadBalancerScenario(Env& env);
void ipsecScenario(Env& env);
void queryScenario(Env& env);
void stateChangeScenario(Env& env);
void deleteScenario(Env& env);
void networkServiceScenario(Env& env);
void vipQosScenario(Env& env);
void updateScenario(Env& env);
void logoutScenario(Env& env);  // leaves the client logged out

}  // namespace itest
