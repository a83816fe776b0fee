#pragma once
// The client, queries, sessions, the catalog and the documented network-services areas
// (zstack/actions.hpp). Other areas: zstack/actions/<area>.hpp; every action: zstack/all.hpp.

#include "zstack/action.hpp"
#include "zstack/actions.hpp"
#include "zstack/catalog.hpp"
#include "zstack/client.hpp"
#include "zstack/config.hpp"
#include "zstack/error.hpp"
#include "zstack/log.hpp"
#include "zstack/query.hpp"
#include "zstack/replies.hpp"
#include "zstack/result.hpp"
#include "zstack/session.hpp"
#include "zstack/webhook.hpp"
