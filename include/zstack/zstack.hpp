#pragma once
// Everything: the client, every action and inventory, queries, sessions, the catalog.

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
#include "zstack/types.hpp"
#include "zstack/webhook.hpp"
