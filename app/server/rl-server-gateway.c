/* rl-server-gateway.c — the partner gateway's routes (under /gateway/v1/).
 *
 *   POST /gateway/v1/transactions       a submission: application/json, or
 *                                       application/x-an2k / application/octet-stream
 *                                       (ANSI/NIST-ITL); 200 with the answer (match,
 *                                       no_match), 202 when queued for examiners
 *                                       (Location: the URL to poll)
 *   GET  /gateway/v1/transactions/{id}  the answer as of now (200, or 202 while queued)
 *
 * Partners are not users: they send "Authorization: Bearer PARTNER-API-KEY",
 * checked here against the stored key hashes (401 unknown or revoked key,
 * 403 no sharing agreement yet). Everything else — what is read, what a
 * partner may learn, the audit — is data/rl-gateway.c's; this file only
 * maps HTTP to it. Errors are {"error": CODE, "message": TEXT}: 400 for a
 * malformed submission (the message names the field, character or byte),
 * 413 over the size limit, 415 for another content type, 404 for another
 * partner's or an unknown transaction.
 */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>

#include "rl-gateway.h"
#include "rl-server-private.h"

static void
reply_gateway_error (RlRequest *request, const GError *error)
{
  guint status = rl_gateway_error_http_status (error);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "WWW-Authenticate",
                                  "Bearer realm=\"ridgeline-gateway\"");
  if (status >= 500)
    g_warning ("%s %s: %s", request->method, request->path, error->message);
  rl_request_reply_error (request, status, rl_gateway_error_code (error), "%s", error->message);
}

static RlPartner *
authenticate (RlRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr(GError) error = NULL;
  RlPartner *partner = rl_gateway_authenticate_audited (request->store,
                                                        soup_message_headers_get_one (headers, "Authorization"),
                                                        request->client, &error);

  if (partner == NULL)
    reply_gateway_error (request, error);
  return partner;
}

/* Replies with the answer JSON (made by rl-gateway.c): 202 and a Location
 * to poll while examiners decide, 200 once answered. */
static void
reply_answer (RlRequest *request, const char *answer, RlGatewayStatus status, gint64 transaction_id)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, answer, -1, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  if (status == RL_GATEWAY_QUEUED)
    {
      g_autofree char *location = g_strdup_printf ("/gateway/v1/transactions/%" G_GINT64_FORMAT, transaction_id);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Location", location);
    }
  rl_request_reply_json (request, status == RL_GATEWAY_QUEUED ? SOUP_STATUS_ACCEPTED : SOUP_STATUS_OK,
                         json_node_copy (json_parser_get_root (parser)));
}

static void
submit_transaction (RlRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(RlPartner) partner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  const char *content_type, *format;
  RlGatewayStatus status = RL_GATEWAY_QUEUED;
  gint64 id = 0;

  if (!(partner = authenticate (request)))
    return;
  content_type = soup_message_headers_get_content_type (headers, NULL);
  if (!(format = rl_gateway_format_for_content_type (content_type)))
    {
      g_set_error (&error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_UNSUPPORTED,
                   _("Send a transaction as application/json or as ANSI/NIST-ITL (application/x-an2k or "
                     "application/octet-stream), not %s"), content_type ? content_type : _("no Content-Type"));
      rl_gateway_audit_refusal (request->store, partner, NULL, request->client, NULL, NULL, error);
      reply_gateway_error (request, error);
      return;
    }
  answer = rl_gateway_submit (request->store, partner, format, (const guint8 *) body->data, (gsize) body->length, &id,
                              &status, &error);
  if (answer == NULL)
    {
      reply_gateway_error (request, error);
      return;
    }
  reply_answer (request, answer, status, id);
}

static void
get_transaction (RlRequest *request)
{
  g_autoptr(RlPartner) partner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  RlGatewayStatus status = RL_GATEWAY_QUEUED;

  if (!(partner = authenticate (request)))
    return;
  if (!(answer = rl_gateway_answer (request->store, partner, request->ids[0], &status, &error)))
    {
      if (error->domain == RL_GATEWAY_ERROR)
        rl_gateway_audit_refusal (request->store, partner, NULL, request->client, NULL, NULL, error);
      reply_gateway_error (request, error);
      return;
    }
  reply_answer (request, answer, status, request->ids[0]);
}

static const RlRoute gateway_routes[] = {
  { "POST", "/gateway/v1/transactions", submit_transaction, RL_ROUTE_PUBLIC | RL_ROUTE_UPLOAD, RL_ROLES_ANY },
  { "GET", "/gateway/v1/transactions/{id}", get_transaction, RL_ROUTE_PUBLIC, RL_ROLES_ANY },
};

void
rl_server_gateway_refused_early (RlServer *server, SoupServerMessage *msg, guint status, const char *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  RlStore *store = rl_server_get_store (server);
  const char *host = soup_server_message_get_remote_host (msg);
  g_autoptr(GError) why = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlPartner) partner = NULL;

  if (store == NULL)
    return;
  g_set_error_literal (&why, RL_GATEWAY_ERROR,
                       status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ? RL_GATEWAY_ERROR_TOO_LARGE
                                                                      : RL_GATEWAY_ERROR_MALFORMED, message);
  /* Who sent it, if the key says (an unknown key is audited by its prefix). */
  partner = rl_gateway_authenticate (store, soup_message_headers_get_one (headers, "Authorization"), &error);
  rl_gateway_audit_refusal (store, partner, soup_message_headers_get_one (headers, "Authorization"),
                            host ? host : "unknown", NULL, NULL, why);
}

void
rl_server_gateway_register (RlServer *server)
{
  rl_server_add_routes (server, gateway_routes, G_N_ELEMENTS (gateway_routes));
}
