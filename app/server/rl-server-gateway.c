/* rl-server-gateway.c — the partner gateway's routes (under /gateway/v1/).
 *
 * OWNED BY THE "gateway" ENGINEER: fill in rl_server_gateway_register().
 * The server calls it once from rl_server_new(), after the workstation
 * routes. Register a static RlRoute table with rl_server_add_routes(); flag
 * every route RL_ROUTE_PUBLIC (partners do not sign in as users: check the
 * partner's "Authorization: Bearer PARTNER-API-KEY" in the handler, e.g. with
 * rl_parse_bearer(soup_message_headers_get_one(..., "Authorization"))), and
 * RL_ROUTE_UPLOAD for routes that take a transaction (bodies up to
 * max_upload_bytes, read with soup_server_message_get_request_body). Reply
 * with rl_request_reply_json / rl_request_reply_error /
 * rl_request_reply_gerror (rl-server-private.h): errors are
 * {"error": CODE, "message": TEXT} with a 4xx/5xx status. On public routes
 * the store's actor is the system (0) when the handler starts.
 *
 *   static const RlRoute gateway_routes[] = {
 *     { "POST", "/gateway/v1/transactions", submit_transaction, RL_ROUTE_PUBLIC | RL_ROUTE_UPLOAD, 0 },
 *     { "GET",  "/gateway/v1/transactions/{id}", get_transaction, RL_ROUTE_PUBLIC, 0 },
 *   };
 *   rl_server_add_routes (server, gateway_routes, G_N_ELEMENTS (gateway_routes));
 */
#define G_LOG_DOMAIN "ridgeline-server"

#include "rl-server-private.h"

void
rl_server_gateway_register (RlServer *server)
{
  /* No partner routes yet. */
}
