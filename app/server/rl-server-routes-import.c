/* rl-server-routes-import.c — importing a file from a workstation:
 *
 *   POST /api/v1/imports?name=FILE[&folder=FOLDER][&agency=CODE][&templates=false][&search=false]
 *        body: the file's bytes, or multipart/form-data with a part "file"
 *        and an optional part "sidecar" (the NAME.json of a single image)
 *
 * The file is imported as rl_import_data does on a workspace file (and as
 * the GUI's Import does there): one transaction, resumable by SHA-256
 * ("skipped" when imported before), audited as import.file, templates
 * extracted and the new encounter searched 1:N. That work runs in one of the
 * server's workers, acting as the signed-in user. Replies: 201 with the
 * result (200 when skipped), 400 for a malformed request, 403 for a role
 * that may not import, 413 over the upload limit, 422 for a file that is
 * not a transaction or image we read (the message names the record).
 */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>

#include "rl-import.h"
#include "rl-server-parse-import.h"
#include "rl-server-private.h"

/* Who may import: as rl_import_check_role (an analyst does not enrol). */
#define IMPORTERS (RL_ROLE_BIT (RL_ROLE_EXAMINER) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR) | \
                   RL_ROLE_BIT (RL_ROLE_DATA_STEWARD))

typedef struct {
  RlImportRequest in;
  GBytes         *file;
  GBytes         *sidecar;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  rl_import_request_clear (&job->in);
  g_clear_pointer (&job->file, g_bytes_unref);
  g_clear_pointer (&job->sidecar, g_bytes_unref);
  g_free (job);
}

/* In a worker, on its own connection, as the request's user. */
static JsonNode *
run_import (RlStore *store, gpointer data, guint *status, GError **error)
{
  ImportJob *job = data;
  RlImportOptions options = { 0 };
  RlImportResult result = { 0 };
  JsonNode *reply = NULL;

  options.agency_code = job->in.agency;
  options.make_template = job->in.templates ? rl_import_extract_template : NULL;
  options.no_search = !job->in.search;
  if (rl_import_data (store, job->file, job->in.name, job->in.folder, job->sidecar, &options, &result, error))
    {
      *status = result.skipped ? SOUP_STATUS_OK : SOUP_STATUS_CREATED;
      reply = rl_import_result_to_json (&result);
    }
  rl_import_result_clear (&result);
  return reply;
}

/* On the main thread: a file we cannot read is the client's problem (422,
 * 413 when over the reader's limits), not the server's (500). */
static void
import_done (RlRequest *request, JsonNode *reply, guint status, const GError *error, gpointer data)
{
  if (reply != NULL)
    rl_request_reply_json (request, status, json_node_ref (reply));
  else if (error != NULL && error->domain == RL_AN2K_ERROR && error->code == RL_AN2K_ERROR_TOO_LARGE)
    rl_request_reply_error (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "%s", error->message);
  else if (error != NULL && error->domain == RL_AN2K_ERROR)
    rl_request_reply_error (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "unreadable-file", "%s", error->message);
  else
    rl_request_reply_gerror (request, error);
}

static void
post_import (RlRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (request->msg));
  g_autoptr(GError) error = NULL;
  ImportJob *job = g_new0 (ImportJob, 1);

  if (!rl_parse_import_query (request->query, &job->in, &error) ||
      /* The store's own rule, before the file is looked at. */
      !rl_import_check_role (request->store, &error) ||
      !rl_parse_import_body (soup_message_headers_get_one (headers, "Content-Type"), body, &job->file,
                             &job->sidecar, &error))
    {
      import_job_free (job);
      rl_request_reply_gerror (request, error);
      return;
    }
  if (g_bytes_get_size (job->file) == 0)
    {
      import_job_free (job);
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request", _("The file sent is empty"));
      return;
    }
  rl_request_run_in_worker_full (request, run_import, import_done, job, (GDestroyNotify) import_job_free);
}

static const RlRoute import_routes[] = {
  { "POST", "/api/v1/imports", post_import, RL_ROUTE_USER | RL_ROUTE_UPLOAD, IMPORTERS },
};

void
rl_server_import_register (RlServer *server)
{
  rl_server_add_routes (server, import_routes, G_N_ELEMENTS (import_routes));
}
