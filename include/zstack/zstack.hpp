#pragma once
/// \file
/// The client, queries, sessions, the catalog and the documented network-services areas
/// (`zstack/actions.hpp`). Other areas: `zstack/actions/<area>.hpp`; every action: `zstack/all.hpp`.

#include "zstack/action.hpp"
#include "zstack/actions.hpp"
#include "zstack/catalog.hpp"
#include "zstack/client.hpp"
#include "zstack/config.hpp"
#include "zstack/error.hpp"
#include "zstack/log.hpp"
#include "zstack/pattern.hpp"
#include "zstack/query.hpp"
#include "zstack/replies.hpp"
#include "zstack/result.hpp"
#include "zstack/session.hpp"
#include "zstack/webhook.hpp"

/// \namespace zstack
/// The SDK: Client and ClientConfig, one action struct per API (`zstack/actions/<area>.hpp`), the
/// replies and data types (`zstack/types/<Type>.hpp`), Result and Error, Session, queries.

/// \namespace zstack::query
/// Building query conditions: query::field("name") == "vip1".

/// \namespace zstack::catalog
/// Every action at run time, by name: look one up, set its fields from JSON, call it.

/// \namespace zstack::log
/// The SDK's logging: off unless a sink is installed.

/// \namespace zstack::schema
/// Type descriptions (field tables) behind every action, reply and type.
