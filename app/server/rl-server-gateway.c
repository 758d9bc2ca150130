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
  if (status == 500)
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

/* The enrolment, extraction, 1:N search and answer (data/rl-gateway.c) run
 * in one of the server's workers on a connection of its own, so a slow
 * search holds up no other request; the key and the content type are
 * checked on the main thread first. */
typedef struct {
  RlPartner       *partner;
  char            *client;       /* the partner's address, for the audit */
  char            *format;       /* "json", "an2k"; NULL for a poll */
  GBytes          *body;
  gint64           transaction_id;   /* the poll's; set by a submission */
  RlGatewayStatus  status;
} GatewayJob;

static void
gateway_job_free (GatewayJob *job)
{
  rl_partner_free (job->partner);
  g_free (job->client);
  g_free (job->format);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job);
}

static JsonNode *
answer_node (const char *answer, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, answer, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* In the worker. */
static JsonNode *
run_gateway_job (RlStore *store, gpointer data, guint *status, GError **error)
{
  GatewayJob *job = data;
  g_autofree char *answer = NULL;

  if (job->format)
    {
      gsize len = 0;
      const guint8 *body = g_bytes_get_data (job->body, &len);
      answer = rl_gateway_submit (store, job->partner, job->format, body ? body : (const guint8 *) "", len,
                                  &job->transaction_id, &job->status, error);
    }
  else
    {
      answer = rl_gateway_answer (store, job->partner, job->transaction_id, &job->status, error);
      /* Every refusal is audited: another partner's or an unknown transaction. */
      if (answer == NULL && error && *error && (*error)->domain == RL_GATEWAY_ERROR)
        rl_gateway_audit_refusal (store, job->partner, NULL, job->client, NULL, NULL, *error);
    }
  return answer ? answer_node (answer, error) : NULL;
}

/* On the main thread: 202 and a Location to poll while examiners decide,
 * 200 once answered. */
static void
gateway_job_done (RlRequest *request, JsonNode *reply, guint status, const GError *error, gpointer data)
{
  GatewayJob *job = data;

  if (reply == NULL)
    {
      reply_gateway_error (request, error);
      return;
    }
  if (job->status == RL_GATEWAY_QUEUED)
    {
      g_autofree char *location = g_strdup_printf ("/gateway/v1/transactions/%" G_GINT64_FORMAT, job->transaction_id);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Location", location);
    }
  rl_request_reply_json (request, job->status == RL_GATEWAY_QUEUED ? SOUP_STATUS_ACCEPTED : SOUP_STATUS_OK,
                         json_node_ref (reply));
}

static void
submit_transaction (RlRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(RlPartner) partner = NULL;
  g_autoptr(GError) error = NULL;
  const char *content_type, *format;
  GatewayJob *job;

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
  job = g_new0 (GatewayJob, 1);
  job->partner = g_steal_pointer (&partner);
  job->client = g_strdup (request->client);
  job->format = g_strdup (format);
  job->body = soup_message_body_flatten (body);
  rl_request_run_in_worker_full (request, run_gateway_job, gateway_job_done, job, (GDestroyNotify) gateway_job_free);
}

static void
get_transaction (RlRequest *request)
{
  g_autoptr(RlPartner) partner = NULL;
  GatewayJob *job;

  if (!(partner = authenticate (request)))
    return;
  job = g_new0 (GatewayJob, 1);
  job->partner = g_steal_pointer (&partner);
  job->client = g_strdup (request->client);
  job->transaction_id = request->ids[0];
  rl_request_run_in_worker_full (request, run_gateway_job, gateway_job_done, job, (GDestroyNotify) gateway_job_free);
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
                       status == 429 ? RL_GATEWAY_ERROR_RATE_LIMITED
                       : status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ? RL_GATEWAY_ERROR_TOO_LARGE
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
