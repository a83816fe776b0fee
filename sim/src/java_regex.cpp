// The SDK's Java regex matcher (src/util/java_regex.cpp), compiled into the simulator in its own
// namespace, zstack::sim::jregex (ZSTACK_JREGEX_NS, set for the whole zstack_sim target): the
// simulator links nothing of the SDK, and a program linking both keeps the two apart.
#include "../../src/util/java_regex.cpp"
