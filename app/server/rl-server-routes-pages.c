/* rl-server-routes-pages.c — the workstation API for the analyst,
 * supervisor and data-steward pages (docs/server-api.md): agencies, users,
 * encounters, an identity's parts (summary, encounters, derogatory records),
 * identity links, merges and splits, access grants, a release's report,
 * and tuning jobs.
 *
 * As in rl-server-routes.c, handlers call the store as the signed-in user
 * (the server sets the actor from the token, never from the request): the
 * store's rules decide, its refusals come back as 403/409 with its message.
 * The route roles only refuse early what the GUI never offers a role. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <string.h>

#include "rl-mid.h"
#include "rl-server-json.h"
#include "rl-server-parse-pages.h"
#include "rl-server-private.h"
#include "rl-tuning.h"
#include "rl-tuning-jobs.h"

#define CASEWORK   (RL_ROLE_BIT (RL_ROLE_EXAMINER) | RL_ROLE_BIT (RL_ROLE_ANALYST) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR))
#define ANALYSTS   (RL_ROLE_BIT (RL_ROLE_ANALYST) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR))
#define OVERSIGHT  (RL_ROLE_BIT (RL_ROLE_SUPERVISOR) | RL_ROLE_BIT (RL_ROLE_DATA_STEWARD))
#define SUPERVISORS RL_ROLE_BIT (RL_ROLE_SUPERVISOR)

#define FAIL_IF(cond)                                 \
  G_STMT_START {                                      \
    if (cond)                                         \
      {                                               \
        rl_request_reply_gerror (request, error);     \
        return;                                       \
      }                                               \
  } G_STMT_END

static void
reply_list (RlRequest *request, const char *name, GPtrArray *items, RlJsonItemFunc func)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_array (b, name, items, func);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

static void
reply_one (RlRequest *request, guint status, gconstpointer item, RlJsonItemFunc func)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  func (b, item);
  rl_request_reply_builder (request, status, b);
}

/* {"name": value} */
static void
reply_int (RlRequest *request, guint status, const char *name, gint64 value)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_int (b, name, value);
  json_builder_end_object (b);
  rl_request_reply_builder (request, status, b);
}

/* ---------------------------------------------------- agencies, users */

static void
list_agencies (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) agencies = rl_store_list_agencies (request->store, &error);

  FAIL_IF (agencies == NULL);
  reply_list (request, "agencies", agencies, (RlJsonItemFunc) rl_json_agency);
}

static void
get_user (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlUser) user = rl_store_get_user (request->store, request->ids[0], &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  FAIL_IF (user == NULL);
  rl_server_add_user_json (b, user);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* ------------------------------------------------ encounters, identities */

static void
get_encounter (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) encounter = rl_store_get_encounter (request->store, request->ids[0], &error);

  FAIL_IF (encounter == NULL);
  reply_one (request, SOUP_STATUS_OK, encounter, (RlJsonItemFunc) rl_json_encounter);
}

/* A list summary of one identity, merged or not; not an opening of the
 * record (no purpose): what lists and links show. */
static void
get_identity_summary (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = rl_store_get_identity_summary (request->store, request->ids[0], &error);

  FAIL_IF (identity == NULL);
  reply_one (request, SOUP_STATUS_OK, identity, (RlJsonItemFunc) rl_json_identity);
}

static void
list_identity_encounters (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = NULL;
  g_autoptr(GPtrArray) encounters = NULL;

  FAIL_IF (!(identity = rl_store_get_identity_summary (request->store, request->ids[0], &error)));
  FAIL_IF (!(encounters = rl_store_list_encounters (request->store, identity->id, &error)));
  reply_list (request, "encounters", encounters, (RlJsonItemFunc) rl_json_encounter);
}

/* The records as this user may see them: the store withholds the content of
 * restricted records the user may not read (in SQL), the writer leaves the
 * withheld fields null. */
static void
list_identity_derogatory (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = NULL;
  g_autoptr(GPtrArray) records = NULL;

  FAIL_IF (!(identity = rl_store_get_identity_summary (request->store, request->ids[0], &error)));
  FAIL_IF (!(records = rl_store_list_derogatory_records (request->store, identity->id, &error)));
  reply_list (request, "derogatory_records", records, (RlJsonItemFunc) rl_json_derogatory);
}

/* ------------------------------------------------------ identity links */

static void
list_links (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = NULL;
  guint64 identity_id;

  if (!rl_request_query_uint (request, "identity", 0, G_MAXINT64, 0, &identity_id))
    return;
  FAIL_IF (!(links = rl_store_list_identity_links (request->store, (gint64) identity_id, &error)));
  reply_list (request, "links", links, (RlJsonItemFunc) rl_json_link);
}

static void
resolve_link (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlLinkResolveRequest) in = { 0 };
  g_autoptr(GPtrArray) links = NULL;

  FAIL_IF (!rl_parse_link_resolve (request->body, &in, &error));
  FAIL_IF (!rl_store_resolve_identity_link (request->store, request->ids[0], in.colour, in.reason, &error));
  FAIL_IF (!(links = rl_store_list_identity_links (request->store, 0, &error)));
  for (guint i = 0; i < links->len; i++)
    {
      RlIdentityLink *link = g_ptr_array_index (links, i);
      if (link->id == request->ids[0])
        {
          reply_one (request, SOUP_STATUS_OK, link, (RlJsonItemFunc) rl_json_link);
          return;
        }
    }
  rl_request_reply_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                          _("Identity link %" G_GINT64_FORMAT " does not exist"), request->ids[0]);
}

/* ------------------------------------------------------- merges, splits */

static void
merge_identity (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlMergeRequest) in = { 0 };
  int moved;

  FAIL_IF (!rl_parse_merge (request->body, TRUE, &in, &error));
  moved = rl_store_merge_identities (request->store, request->ids[0], in.into, in.reason, &error);
  FAIL_IF (moved < 0);
  reply_int (request, SOUP_STATUS_OK, "moved", moved);
}

static void
undo_merge (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlMergeRequest) in = { 0 };
  int moved;

  FAIL_IF (!rl_parse_merge (request->body, FALSE, &in, &error));
  moved = rl_store_undo_merge (request->store, request->ids[0], in.reason, &error);
  FAIL_IF (moved < 0);
  reply_int (request, SOUP_STATUS_OK, "moved", moved);
}

static void
split_identity (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlSplitRequest) in = { 0 };
  gint64 id;

  FAIL_IF (!rl_parse_split (request->body, &in, &error));
  id = rl_store_split_identity (request->store, request->ids[0], (const gint64 *) (void *) in.encounter_ids->data,
                                in.encounter_ids->len, in.reason, &error);
  FAIL_IF (id == 0);
  reply_int (request, SOUP_STATUS_CREATED, "id", id);
}

/* ------------------------------------------------------- access grants */

static void
list_grants (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = rl_store_list_access_grants (request->store, &error);

  FAIL_IF (grants == NULL);
  reply_list (request, "grants", grants, (RlJsonItemFunc) rl_json_access_grant);
}

static void
add_grant (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  RlGrantRequest in;
  gint64 id;

  FAIL_IF (!rl_parse_grant (request->body, &in, &error));
  id = rl_store_grant_restricted_access (request->store, in.source_agency_id, in.role, in.agency_id, &error);
  FAIL_IF (id == 0);
  reply_int (request, SOUP_STATUS_CREATED, "id", id);
}

static void
revoke_grant (RlRequest *request)
{
  g_autoptr(GError) error = NULL;

  FAIL_IF (!rl_store_revoke_restricted_access (request->store, request->ids[0], &error));
  rl_request_reply_empty (request);
}

/* ------------------------------------------------------- release report */

static void
get_release_report (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  g_autoptr(GBytes) report = NULL;

  FAIL_IF (!(release = rl_store_get_release (request->store, request->ids[0], &error)));
  report = rl_store_get_release_report (request->store, release->id, &error);
  FAIL_IF (error != NULL);
  if (report == NULL)
    {
      rl_request_reply_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                              _("Release %s has no stored report"), release->name);
      return;
    }
  rl_request_reply_bytes (request, SOUP_STATUS_OK, "application/octet-stream", report);
}

/* ---------------------------------------------------------- tuning jobs */

/* Tuning and evaluation take a minute or more: far longer than a request
 * may wait. They run on the server as jobs, one at a time, each in a thread
 * of its own with a workspace connection of its own acting as the user who
 * started it (rules and audit as in the desktop app). The client starts one
 * (202 with the job) and polls GET /jobs/{id}.
 *
 * Each job is a row of the workspace (rl-tuning-jobs.h), written when it
 * starts and when it ends, so its result outlives the server; progress
 * while it runs is kept here in memory only. A job still running when the
 * server stops is cut off (its transaction never commits: nothing
 * half-written) and the next server to start marks it interrupted. */

typedef struct {
  gint            ref;
  GMutex          lock;         /* guards everything below that the thread writes */
  gint64          id;           /* the tuning_job row */
  gboolean        tune;         /* else: evaluate release_id */
  gint64          user_id;
  char           *path;
  char           *name;
  guint           trials;
  gint64          release_id;
  gint64          started_at, finished_at;
  RlTuningJobState state;
  double          fraction;     /* share done, 0 … 1 */
  char           *stage;        /* what it is doing now, in words for the user */
  GCancellable   *cancellable;  /* DELETE /jobs/{id}, or the server stopping */
  gboolean        server_stopping;
  char           *error_code;
  char           *message;
  char           *summary_json; /* when done */
  RlSearchGallery *gallery;     /* the workers' (evaluation re-runs searches) */
} Job;

typedef struct {
  GMutex      lock;
  GHashTable *jobs;             /* id → Job*: the ones this server started */
} JobTable;

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->ref);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref))
    return;
  g_mutex_clear (&job->lock);
  g_free (job->path);
  g_free (job->name);
  g_free (job->error_code);
  g_free (job->message);
  g_free (job->summary_json);
  g_free (job->stage);
  g_object_unref (job->cancellable);
  g_clear_pointer (&job->gallery, rl_search_gallery_unref);
  g_free (job);
}

static void
job_table_free (JobTable *table)
{
  GHashTableIter iter;
  gpointer value;

  /* The server is going away: a job still running stops at its next step
   * and writes nothing but "interrupted" on its row (or, if the process
   * ends first, the next server marks it so). */
  g_hash_table_iter_init (&iter, table->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *job = value;

      g_mutex_lock (&job->lock);
      job->server_stopping = TRUE;
      g_mutex_unlock (&job->lock);
      g_cancellable_cancel (job->cancellable);
    }
  g_hash_table_unref (table->jobs);
  g_mutex_clear (&table->lock);
  g_free (table);
}

static JobTable *
job_table (RlServer *server)
{
  JobTable *table = g_object_get_data (G_OBJECT (server), "rl-tuning-jobs");

  if (table == NULL)
    {
      table = g_new0 (JobTable, 1);
      g_mutex_init (&table->lock);
      table->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) job_unref);
      g_object_set_data_full (G_OBJECT (server), "rl-tuning-jobs", table, (GDestroyNotify) job_table_free);
    }
  return table;
}

static const char *
error_code (const GError *error)
{
  if (error->domain == RL_STORE_ERROR)
    switch ((RlStoreError) error->code)
      {
      case RL_STORE_ERROR_PERMISSION: return "forbidden";
      case RL_STORE_ERROR_NOT_FOUND:  return "not-found";
      case RL_STORE_ERROR_CONSTRAINT: return "rule";
      case RL_STORE_ERROR_BUSY:       return "busy";
      default: break;
      }
  return "failed";
}

static void
add_summary (JsonBuilder *b, const RlTuningSummary *s)
{
  json_builder_begin_object (b);
  rl_json_add_id (b, "release_id", s->release_id);
  rl_json_add_id (b, "baseline_release_id", s->baseline_release_id);
  rl_json_add_int (b, "n_genuine", s->n_genuine);
  rl_json_add_int (b, "n_impostor", s->n_impostor);
  rl_json_add_int (b, "n_held_out", s->n_held_out);
  rl_json_add_int (b, "n_false_matches", s->n_false_matches);
  rl_json_add_int (b, "n_false_matches_fixed", s->n_false_matches_fixed);
  rl_json_add_int (b, "n_missed_matches", s->n_missed_matches);
  rl_json_add_int (b, "n_missed_matches_fixed", s->n_missed_matches_fixed);
  rl_json_add_int (b, "n_broken", s->n_broken);
  rl_json_add_int (b, "n_trials", s->n_trials);
  rl_json_add_double (b, "threshold_before", s->threshold_before);
  rl_json_add_double (b, "threshold_after", s->threshold_after);
  rl_json_add_double (b, "fmr_before", s->fmr_before);
  rl_json_add_double (b, "fmr_after", s->fmr_after);
  rl_json_add_double (b, "fnmr_before", s->fnmr_before);
  rl_json_add_double (b, "fnmr_after", s->fnmr_after);
  rl_json_add_int (b, "n_searches_rerun", s->n_searches_rerun);
  rl_json_add_int (b, "n_searches_changed", s->n_searches_changed);
  json_builder_end_object (b);
}

/* The summary as it is stored with the job and answered. */
static char *
summary_to_json (const RlTuningSummary *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  add_summary (b, s);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The job's thread: rl_tuning's progress, kept for the next poll. */
static void
job_progress (double fraction, const char *what, gpointer data)
{
  Job *job = data;

  g_mutex_lock (&job->lock);
  job->fraction = CLAMP (fraction, 0.0, 1.0);
  g_free (job->stage);
  job->stage = g_strdup (what);
  g_mutex_unlock (&job->lock);
}

/* For tests of a server restart (tests/server/test-server-jobs.c): while the
 * file named by RIDGELINE_TEST_HOLD_JOBS exists, a new job waits before it
 * starts (or until it is cancelled), so that a test can stop the server
 * with a job surely still running. Unset in production. */
static void
job_test_hold (Job *job)
{
  const char *hold = g_getenv ("RIDGELINE_TEST_HOLD_JOBS");

  if (hold == NULL || hold[0] == '\0')
    return;
  job_progress (0.0, "held for a test", job);
  while (g_file_test (hold, G_FILE_TEST_EXISTS) && !g_cancellable_is_cancelled (job->cancellable))
    g_usleep (G_USEC_PER_SEC / 50);
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) record_error = NULL;
  g_autoptr(RlStore) store = rl_store_open (job->path, &error);
  RlTuningSummary summary = { 0 };
  gint64 release_id = job->release_id;
  gboolean ok = FALSE;

  job_test_hold (job);
  if (store != NULL && job->gallery != NULL)
    rl_search_share_gallery (store, job->gallery);
  if (store != NULL && rl_store_set_actor (store, job->user_id, &error))
    {
      RlTuningOptions options = { .name = job->name, .max_trials = job->trials, .progress = job_progress,
                                  .progress_data = job, .cancellable = job->cancellable };

      if (job->tune)
        ok = (release_id = rl_tuning_run (store, &options, &summary, &error)) != 0;
      else
        ok = rl_tuning_evaluate (store, release_id, NULL, &summary, &error);
    }
  g_mutex_lock (&job->lock);
  job->finished_at = g_get_real_time () / G_USEC_PER_SEC;
  if (!ok && job->server_stopping)
    {
      job->state = RL_TUNING_JOB_INTERRUPTED;
      job->error_code = g_strdup ("interrupted");
      job->message = g_strdup (_("The server stopped before the job finished"));
    }
  else if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job->state = RL_TUNING_JOB_CANCELLED;
      job->error_code = g_strdup ("cancelled");
      job->message = g_strdup (error->message);
    }
  else if (ok)
    {
      job->state = RL_TUNING_JOB_DONE;
      job->fraction = 1.0;
      job->release_id = release_id;
      job->summary_json = summary_to_json (&summary);
    }
  else
    {
      job->state = RL_TUNING_JOB_FAILED;
      job->error_code = g_strdup (error ? error_code (error) : "failed");
      job->message = g_strdup (error ? error->message : _("The job failed"));
    }
  /* Its row: how it ended, for polls after a restart. */
  if (store != NULL &&
      !rl_tuning_job_finish (store, job->id, job->state, job->finished_at, job->release_id, job->error_code,
                             job->message, job->summary_json, &record_error))
    g_warning ("Job %" G_GINT64_FORMAT " ended %s but that could not be recorded: %s", job->id,
               rl_tuning_job_state_to_id (job->state), record_error->message);
  g_mutex_unlock (&job->lock);
  job_unref (job);
  return NULL;
}

/* The reply for a job: a stored row, and while it runs here its progress. */
static void
reply_job_row (RlRequest *request, guint status, const RlTuningJob *row, double progress, const char *stage,
               gboolean cancelling)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonParser) parser = NULL;

  json_builder_begin_object (b);
  rl_json_add_int (b, "id", row->id);
  rl_json_add_string (b, "kind", row->tune ? "tune" : "evaluate");
  rl_json_add_string (b, "state", rl_tuning_job_state_to_id (row->state));
  rl_json_add_id (b, "user_id", row->user_id);
  rl_json_add_id (b, "release_id", row->release_id);
  rl_json_add_time (b, "started_at", row->started_at);
  rl_json_add_time (b, "finished_at", row->finished_at);
  rl_json_add_double (b, "progress", progress);
  rl_json_add_string (b, "stage", stage);
  rl_json_add_bool (b, "cancelling", cancelling);
  rl_json_add_string (b, "error", row->error_code);
  rl_json_add_string (b, "message", row->message);
  json_builder_set_member_name (b, "summary");
  if (row->state == RL_TUNING_JOB_DONE && row->summary_json != NULL &&
      json_parser_load_from_data ((parser = json_parser_new ()), row->summary_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  if (status == SOUP_STATUS_ACCEPTED)
    {
      g_autofree char *location = g_strdup_printf ("/api/v1/jobs/%" G_GINT64_FORMAT, row->id);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Location", location);
    }
  rl_request_reply_builder (request, status, b);
}

static void
reply_job (RlRequest *request, guint status, Job *job)
{
  RlTuningJob row = { 0 };
  g_autofree char *stage = NULL;
  double progress;
  gboolean cancelling;

  g_mutex_lock (&job->lock);
  row.id = job->id;
  row.tune = job->tune;
  row.user_id = job->user_id;
  row.release_id = job->release_id;
  row.started_at = job->started_at;
  row.finished_at = job->finished_at;
  row.state = job->state;
  row.error_code = g_strdup (job->error_code);
  row.message = g_strdup (job->message);
  row.summary_json = g_strdup (job->summary_json);
  progress = job->fraction;
  stage = g_strdup (job->stage);
  cancelling = job->state == RL_TUNING_JOB_RUNNING && g_cancellable_is_cancelled (job->cancellable);
  g_mutex_unlock (&job->lock);
  reply_job_row (request, status, &row, progress, stage, cancelling);
  g_free (row.error_code);
  g_free (row.message);
  g_free (row.summary_json);
}

static void
start_job (RlRequest *request, gboolean tune, gint64 release_id, RlTuneRequest *in)
{
  JobTable *table = job_table (request->server);
  const char *path = rl_store_get_path (request->store);
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;
  Job *job;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id;

  if (path == NULL || path[0] == '\0')
    {
      rl_request_reply_error (request, SOUP_STATUS_CONFLICT, "rule", _("This server’s workspace is not a file: it cannot tune"));
      return;
    }
  g_mutex_lock (&table->lock);
  /* One at a time: tuning scores thousands of pairs on the server's cores. */
  g_hash_table_iter_init (&iter, table->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *other = value;
      gboolean running;

      g_mutex_lock (&other->lock);
      running = other->state == RL_TUNING_JOB_RUNNING;
      g_mutex_unlock (&other->lock);
      if (running)
        {
          g_mutex_unlock (&table->lock);
          rl_request_reply_error (request, SOUP_STATUS_CONFLICT, "rule",
                                  _("Job %" G_GINT64_FORMAT " is still tuning or evaluating: wait until it ends"),
                                  other->id);
          return;
        }
    }
  if (!(id = rl_tuning_job_add (request->store, tune, request->user->id, in ? in->name : NULL, in ? in->trials : 0,
                                release_id, now, &error)))
    {
      g_mutex_unlock (&table->lock);
      rl_request_reply_gerror (request, error);
      return;
    }
  job = g_new0 (Job, 1);
  job->ref = 1;
  g_mutex_init (&job->lock);
  job->id = id;
  job->tune = tune;
  job->user_id = request->user->id;
  job->path = g_strdup (path);
  job->name = g_strdup (in ? in->name : NULL);
  job->trials = in ? in->trials : 0;
  job->release_id = release_id;
  job->started_at = now;
  job->state = RL_TUNING_JOB_RUNNING;
  job->cancellable = g_cancellable_new ();
  job->gallery = rl_search_gallery_ref (rl_server_get_search_gallery (request->server));
  g_hash_table_insert (table->jobs, &job->id, job);
  g_mutex_unlock (&table->lock);
  g_thread_unref (g_thread_new (tune ? "rl-tune" : "rl-evaluate", job_thread, job_ref (job)));
  reply_job (request, SOUP_STATUS_ACCEPTED, job);
}

static void
start_tuning (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlTuneRequest) in = { 0 };

  FAIL_IF (!rl_parse_tune (request->body, &in, &error));
  start_job (request, TRUE, 0, &in);
}

static void
start_evaluation (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) release = rl_store_get_release (request->store, request->ids[0], &error);

  FAIL_IF (release == NULL);
  if (release->state != RL_RELEASE_DRAFT && release->state != RL_RELEASE_EVALUATED)
    {
      rl_request_reply_error (request, SOUP_STATUS_CONFLICT, "rule",
                              _("Release %s is %s: only a draft or an evaluated release is evaluated"),
                              release->name, rl_release_state_to_label (release->state));
      return;
    }
  start_job (request, FALSE, release->id, NULL);
}

/* A job this server started (NULL if none): the caller unrefs. */
static Job *
lookup_running_job (RlRequest *request)
{
  JobTable *table = job_table (request->server);
  Job *job;

  g_mutex_lock (&table->lock);
  job = g_hash_table_lookup (table->jobs, &request->ids[0]);
  if (job)
    job_ref (job);
  g_mutex_unlock (&table->lock);
  return job;
}

/* A job of an earlier server (or one that ended here and was forgotten),
 * as its row says: it is not running, so there is no progress to give. */
static void
reply_stored_job (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTuningJob) row = rl_tuning_job_get (request->store, request->ids[0], &error);

  FAIL_IF (row == NULL);
  reply_job_row (request, SOUP_STATUS_OK, row, row->state == RL_TUNING_JOB_DONE ? 1.0 : 0.0, NULL, FALSE);
}

static void
get_job (RlRequest *request)
{
  Job *job = lookup_running_job (request);

  if (job == NULL)
    {
      reply_stored_job (request);
      return;
    }
  reply_job (request, SOUP_STATUS_OK, job);
  job_unref (job);
}

/* Asks the job to stop at its next step: it then writes nothing (no draft,
 * no report, no audit entry). The reply is the job as it is; poll until its
 * state is no longer running. A job that has ended (here or before a
 * restart) is answered as it is. */
static void
cancel_job (RlRequest *request)
{
  Job *job = lookup_running_job (request);

  if (job == NULL)
    {
      reply_stored_job (request);
      return;
    }
  g_cancellable_cancel (job->cancellable);
  reply_job (request, SOUP_STATUS_OK, job);
  job_unref (job);
}

/* ----------------------------------------------------------------- table */

static const RlRoute page_routes[] = {
  { "GET",    "/api/v1/agencies", list_agencies, RL_ROUTE_USER, RL_ROLES_ANY },
  { "GET",    "/api/v1/users/{id}", get_user, RL_ROUTE_USER, RL_ROLES_ANY },

  { "GET",    "/api/v1/encounters/{id}", get_encounter, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}/summary", get_identity_summary, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}/encounters", list_identity_encounters, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}/derogatory-records", list_identity_derogatory, RL_ROUTE_USER, CASEWORK },

  { "GET",    "/api/v1/links", list_links, RL_ROUTE_USER, CASEWORK },
  { "POST",   "/api/v1/links/{id}/resolve", resolve_link, RL_ROUTE_USER | RL_ROUTE_BODY, ANALYSTS },
  { "POST",   "/api/v1/identities/{id}/merge", merge_identity, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "POST",   "/api/v1/identities/{id}/undo-merge", undo_merge, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "POST",   "/api/v1/identities/{id}/split", split_identity, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },

  { "GET",    "/api/v1/access-grants", list_grants, RL_ROUTE_USER, OVERSIGHT },
  { "POST",   "/api/v1/access-grants", add_grant, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "DELETE", "/api/v1/access-grants/{id}", revoke_grant, RL_ROUTE_USER, RL_ROLES_ANY },

  { "GET",    "/api/v1/releases/{id}/report", get_release_report, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/releases/tune", start_tuning, RL_ROUTE_USER, SUPERVISORS },
  { "POST",   "/api/v1/releases/{id}/evaluate", start_evaluation, RL_ROUTE_USER, SUPERVISORS },
  { "GET",    "/api/v1/jobs/{id}", get_job, RL_ROUTE_USER, SUPERVISORS },
  { "DELETE", "/api/v1/jobs/{id}", cancel_job, RL_ROUTE_USER, SUPERVISORS },
};

void
rl_server_pages_register (RlServer *server)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_server_get_store (server);
  int n = 0;

  rl_server_add_routes (server, page_routes, G_N_ELEMENTS (page_routes));
  /* Jobs a server before this one was running when it stopped. */
  if (!rl_store_is_remote (store) &&
      (n = rl_tuning_jobs_interrupt (store, g_get_real_time () / G_USEC_PER_SEC,
                                     _("The server restarted before the job finished"), &error)) < 0)
    g_warning ("Cannot mark the jobs cut off by the last stop: %s", error->message);
  else if (n > 0)
    g_message ("%d tuning or evaluation job(s) were cut off by the last stop: marked interrupted", n);
}
