/* rl-server-json.h — the store structs as JSON now live in data/rl-store-json.h,
 * shared with the remote workspace client. */
#pragma once

#include "rl-store-json.h"
