/* rl-remote-pages.c — the analyst's, supervisor's and data steward's calls
 * on a remote workspace (docs/server-api.md): hits, identities and their
 * parts, identity links, merges and splits, agencies, access grants,
 * releases, the audit check, and tuning jobs. One request each; the server
 * acts as the token's user and does every check (roles, restricted content
 * withheld in SQL), so nothing here decides who may see what. */
#define G_LOG_DOMAIN "ridgeline-store"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "rl-remote-pages-private.h"
#include "rl-remote-pages.h"
#include "rl-remote-private.h"

#define ID_PATH(fmt, id) g_strdup_printf (fmt, (gint64) (id))
/* The server gives at most this many identities per request. */
#define IDENTITY_PAGE 1000

/* ------------------------------------------------------------ agencies */

GPtrArray *
rl_remote_list_agencies (RlStore *store, GError **error)
{
  return rl_remote_get_list (store, "/agencies", "agencies", (RlJsonReadFunc) rl_agency_from_json,
                             (GDestroyNotify) rl_agency_free, error);
}

/* Agencies are few: one list, then the one wanted. */
static RlAgency *
find_agency (RlStore *store, gint64 agency_id, const char *code, GError **error)
{
  g_autoptr(GPtrArray) agencies = rl_remote_list_agencies (store, error);

  if (agencies == NULL)
    return NULL;
  for (guint i = 0; i < agencies->len; i++)
    {
      RlAgency *a = g_ptr_array_index (agencies, i);
      if ((code == NULL && a->id == agency_id) || (code != NULL && g_strcmp0 (a->code, code) == 0))
        return g_ptr_array_steal_index (agencies, i);
    }
  if (code != NULL)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No agency has the code “%s”"), code);
  else
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("Agency %" G_GINT64_FORMAT " does not exist"),
                 agency_id);
  return NULL;
}

RlAgency *
rl_remote_get_agency (RlStore *store, gint64 agency_id, GError **error)
{
  return find_agency (store, agency_id, NULL, error);
}

RlAgency *
rl_remote_get_agency_by_code (RlStore *store, const char *code, GError **error)
{
  return find_agency (store, 0, code, error);
}

/* ---------------------------------------------------------- identities */

/* Opening a record states its purpose: the server audits it (identity.open). */
RlIdentity *
rl_remote_open_identity (RlStore *store, gint64 identity_id, const char *purpose, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (purpose ? purpose : "", NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/identities/%" G_GINT64_FORMAT "?purpose=%s", identity_id, escaped);
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;
  JsonObject *o;

  if (!(root = rl_remote_call (store, "GET", path, NULL, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  if (!(o = rl_json_expect_object (root, path, error)))
    return NULL;
  return rl_identity_from_json (json_object_get_member (o, "identity"), error);
}

/* One page of the list, and the number of live identities. */
static GPtrArray *
identities_page (RlStore *store, const char *name_filter, guint offset, guint limit, guint *out_total,
                 GError **error)
{
  g_autofree char *escaped = name_filter ? g_uri_escape_string (name_filter, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/identities?offset=%u&limit=%u%s%s", offset, limit,
                                           escaped ? "&name=" : "", escaped ? escaped : "");
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;
  JsonObject *o;
  gint64 total;

  if (!(root = rl_remote_call (store, "GET", path, NULL, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  if (!(o = rl_json_expect_object (root, path, error)) ||
      !rl_json_read_int (o, "identities", "total", 0, G_MAXUINT32, &total, error))
    return NULL;
  if (out_total)
    *out_total = (guint) total;
  return rl_json_read_array (o, "identities", (RlJsonReadFunc) rl_identity_from_json,
                             (GDestroyNotify) rl_identity_free, error);
}

GPtrArray *
rl_remote_list_identities (RlStore *store, const char *name_filter, guint offset, guint limit, GError **error)
{
  g_autoptr(GPtrArray) all = NULL;

  if (limit > 0 && limit <= IDENTITY_PAGE)
    return identities_page (store, name_filter, offset, limit, NULL, error);
  /* More than the server sends at once (0 = all): page by page. */
  all = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_identity_free);
  for (;;)
    {
      guint want = limit ? MIN (IDENTITY_PAGE, limit - all->len) : IDENTITY_PAGE;
      g_autoptr(GPtrArray) page = identities_page (store, name_filter, offset + all->len, want, NULL, error);
      guint n;

      if (page == NULL)
        return NULL;
      n = page->len;
      g_ptr_array_extend_and_steal (all, g_steal_pointer (&page));
      if (n < want || (limit && all->len >= limit))
        break;
    }
  return g_steal_pointer (&all);
}

guint
rl_remote_count_identities (RlStore *store, GError **error)
{
  g_autoptr(GPtrArray) page = NULL;
  guint total = 0;

  page = identities_page (store, NULL, 0, 1, &total, error);
  return page ? total : 0;
}

RlIdentity *
rl_remote_get_identity_summary (RlStore *store, gint64 identity_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/summary", identity_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_identity_from_json, error);
}

RlEncounter *
rl_remote_get_encounter (RlStore *store, gint64 encounter_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/encounters/%" G_GINT64_FORMAT, encounter_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_encounter_from_json, error);
}

GPtrArray *
rl_remote_list_encounters (RlStore *store, gint64 identity_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/encounters", identity_id);

  return rl_remote_get_list (store, path, "encounters", (RlJsonReadFunc) rl_encounter_from_json,
                             (GDestroyNotify) rl_encounter_free, error);
}

/* As the signed-in user may see them: the server withheld what they may not. */
GPtrArray *
rl_remote_list_derogatory_records (RlStore *store, gint64 identity_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/derogatory-records", identity_id);

  return rl_remote_get_list (store, path, "derogatory_records", (RlJsonReadFunc) rl_derogatory_from_json,
                             (GDestroyNotify) rl_derogatory_record_free, error);
}

/* ------------------------------------------------------- access grants */

GPtrArray *
rl_remote_list_access_grants (RlStore *store, GError **error)
{
  return rl_remote_get_list (store, "/access-grants", "grants", (RlJsonReadFunc) rl_access_grant_from_json,
                             (GDestroyNotify) rl_access_grant_free, error);
}

gint64
rl_remote_grant_restricted_access (RlStore *store, gint64 source_agency_id, RlRole role, gint64 agency_id,
                                   GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_int (b, "source_agency_id", source_agency_id);
  rl_json_add_string (b, "role", role ? rl_role_to_id (role) : NULL);
  rl_json_add_id (b, "agency_id", agency_id);
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", "/access-grants", rl_remote_body (b), error);
}

gboolean
rl_remote_revoke_restricted_access (RlStore *store, gint64 grant_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/access-grants/%" G_GINT64_FORMAT, grant_id);

  return rl_remote_do (store, "DELETE", path, NULL, error);
}

/* ---------------------------------------------------- links, merges */

GPtrArray *
rl_remote_list_identity_links (RlStore *store, gint64 identity_id, GError **error)
{
  g_autofree char *path = identity_id ? ID_PATH ("/links?identity=%" G_GINT64_FORMAT, identity_id)
                                      : g_strdup ("/links");

  return rl_remote_get_list (store, path, "links", (RlJsonReadFunc) rl_link_from_json,
                             (GDestroyNotify) rl_identity_link_free, error);
}

gboolean
rl_remote_resolve_identity_link (RlStore *store, gint64 link_id, RlLinkColour colour, const char *reason,
                                 GError **error)
{
  g_autofree char *path = ID_PATH ("/links/%" G_GINT64_FORMAT "/resolve", link_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "colour", rl_link_colour_to_id (colour));
  rl_json_add_string (b, "reason", reason ? reason : "");
  json_builder_end_object (b);
  return rl_remote_do (store, "POST", path, rl_remote_body (b), error);
}

/* {"moved": N} of a merge or an undone merge; -1 on error. */
static int
moved_count (RlStore *store, const char *path, JsonNode *body, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;
  JsonObject *o;
  gint64 moved;

  if (!(root = rl_remote_call (store, "POST", path, body, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return -1;
    }
  if (!(o = rl_json_expect_object (root, path, error)) ||
      !rl_json_read_int (o, "merge", "moved", 0, G_MAXINT, &moved, error))
    return -1;
  return (int) moved;
}

int
rl_remote_merge_identities (RlStore *store, gint64 from, gint64 into, const char *reason, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/merge", from);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_int (b, "into", into);
  rl_json_add_string (b, "reason", reason ? reason : "");
  json_builder_end_object (b);
  return moved_count (store, path, rl_remote_body (b), error);
}

int
rl_remote_undo_merge (RlStore *store, gint64 merged_identity_id, const char *reason, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/undo-merge", merged_identity_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "reason", reason ? reason : "");
  json_builder_end_object (b);
  return moved_count (store, path, rl_remote_body (b), error);
}

gint64
rl_remote_split_identity (RlStore *store, gint64 identity_id, const gint64 *encounter_ids, guint n_encounter_ids,
                          const char *reason, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/split", identity_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "encounters");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_encounter_ids; i++)
    json_builder_add_int_value (b, encounter_ids[i]);
  json_builder_end_array (b);
  rl_json_add_string (b, "reason", reason ? reason : "");
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", path, rl_remote_body (b), error);
}

/* ---------------------------------------------------------------- hits */

GPtrArray *
rl_remote_list_hits (RlStore *store, RlHitStatus status, GError **error)
{
  g_autofree char *path = status ? g_strdup_printf ("/hits?status=%s", rl_hit_status_to_id (status))
                                 : g_strdup ("/hits");

  return rl_remote_get_list (store, path, "hits", (RlJsonReadFunc) rl_hit_from_json, (GDestroyNotify) rl_hit_free,
                             error);
}

/* The hit queue with each row's encounter agency and derogatory records
 * in ONE request (the page read them per hit before: 1 + 2N requests). */
GPtrArray *
rl_remote_list_hit_rows (RlStore *store, RlHitStatus status, GError **error)
{
  g_autofree char *path = status ? g_strdup_printf ("/hits?with=details&status=%s", rl_hit_status_to_id (status))
                                 : g_strdup ("/hits?with=details");

  return rl_remote_get_list (store, path, "hits", (RlJsonReadFunc) rl_hit_row_from_json,
                             (GDestroyNotify) rl_hit_row_free, error);
}

RlHit *
rl_remote_get_hit (RlStore *store, gint64 hit_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/hits/%" G_GINT64_FORMAT, hit_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_hit_from_json, error);
}

/* Returns the hit's id (the file store returns its disposition row's): both
 * only say "recorded" to the caller. */
gint64
rl_remote_dispose_hit (RlStore *store, gint64 hit_id, RlHitStatus disposition, const char *reason, GError **error)
{
  g_autofree char *path = ID_PATH ("/hits/%" G_GINT64_FORMAT "/disposition", hit_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "disposition", rl_hit_status_to_id (disposition));
  rl_json_add_string (b, "reason", reason);
  json_builder_end_object (b);
  return rl_remote_do (store, "POST", path, rl_remote_body (b), error) ? hit_id : 0;
}

/* ------------------------------------------------------------ releases */

GPtrArray *
rl_remote_list_releases (RlStore *store, GError **error)
{
  return rl_remote_get_list (store, "/releases", "releases", (RlJsonReadFunc) rl_release_from_json,
                             (GDestroyNotify) rl_matcher_release_free, error);
}

RlMatcherRelease *
rl_remote_get_active_release (RlStore *store, GError **error)
{
  g_autoptr(GPtrArray) releases = rl_remote_list_releases (store, error);

  if (releases == NULL)
    return NULL;
  for (guint i = 0; i < releases->len; i++)
    if (((RlMatcherRelease *) g_ptr_array_index (releases, i))->state == RL_RELEASE_ACTIVE)
      return g_ptr_array_steal_index (releases, i);
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No matcher release is active"));
  return NULL;
}

GBytes *
rl_remote_get_release_report (RlStore *store, gint64 release_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/releases/%" G_GINT64_FORMAT "/report", release_id);
  GError *local = NULL;
  GBytes *report = rl_remote_call_bytes (store, "GET", path, NULL, &local);

  /* No report stored: NULL without an error, as the file store says it. */
  if (local != NULL && g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
    {
      /* …unless the release itself does not exist. */
      RlMatcherRelease *release = rl_remote_get_release (store, release_id, error);

      g_clear_pointer (&release, rl_matcher_release_free);
      g_clear_error (&local);
      return NULL;
    }
  if (local != NULL)
    g_propagate_error (error, local);
  return report;
}

gboolean
rl_remote_activate_release (RlStore *store, gint64 release_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/releases/%" G_GINT64_FORMAT "/activate", release_id);

  return rl_remote_do (store, "POST", path, NULL, error);
}

gint64
rl_remote_rollback_release (RlStore *store, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  GError *local = NULL;

  if (!(root = rl_remote_call (store, "POST", "/releases/rollback", NULL, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"),
                     "/releases/rollback");
      g_propagate_error (error, local);
      return 0;
    }
  if (!(release = rl_release_from_json (root, error)))
    return 0;
  return release->id;
}

/* --------------------------------------------------------------- audit */

RlAuditReport *
rl_remote_verify_audit (RlStore *store, GError **error)
{
  return rl_remote_get_one (store, "/audit/verify", (RlJsonReadFunc) rl_audit_report_from_json, error);
}

/* ---------------------------------------------------------- tuning jobs */

void
rl_remote_job_free (RlRemoteJob *job)
{
  if (job == NULL)
    return;
  g_free (job->stage);
  g_free (job->message);
  g_free (job);
}

static gboolean
read_count (JsonObject *o, const char *name, guint *out, GError **error)
{
  gint64 v;

  if (!rl_json_read_int (o, "job.summary", name, 0, G_MAXUINT32, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
read_float (JsonObject *o, const char *name, float *out, GError **error)
{
  double v;

  if (!rl_json_read_double (o, "job.summary", name, &v, error))
    return FALSE;
  *out = (float) CLAMP (v, -G_MAXFLOAT, G_MAXFLOAT);
  return TRUE;
}

static gboolean
read_summary (JsonObject *o, RlTuningSummary *s, GError **error)
{
  const char *w = "job.summary";

  return rl_json_read_id (o, w, "release_id", &s->release_id, error) &&
         rl_json_read_id (o, w, "baseline_release_id", &s->baseline_release_id, error) &&
         read_count (o, "n_genuine", &s->n_genuine, error) && read_count (o, "n_impostor", &s->n_impostor, error) &&
         read_count (o, "n_held_out", &s->n_held_out, error) &&
         read_count (o, "n_false_matches", &s->n_false_matches, error) &&
         read_count (o, "n_false_matches_fixed", &s->n_false_matches_fixed, error) &&
         read_count (o, "n_missed_matches", &s->n_missed_matches, error) &&
         read_count (o, "n_missed_matches_fixed", &s->n_missed_matches_fixed, error) &&
         read_count (o, "n_broken", &s->n_broken, error) && read_count (o, "n_trials", &s->n_trials, error) &&
         read_float (o, "threshold_before", &s->threshold_before, error) &&
         read_float (o, "threshold_after", &s->threshold_after, error) &&
         rl_json_read_double (o, w, "fmr_before", &s->fmr_before, error) &&
         rl_json_read_double (o, w, "fmr_after", &s->fmr_after, error) &&
         rl_json_read_double (o, w, "fnmr_before", &s->fnmr_before, error) &&
         rl_json_read_double (o, w, "fnmr_after", &s->fnmr_after, error) &&
         read_count (o, "n_searches_rerun", &s->n_searches_rerun, error) &&
         read_count (o, "n_searches_changed", &s->n_searches_changed, error);
}

static RlRemoteJob *
job_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "job", error);
  g_autoptr(RlRemoteJob) job = NULL;
  g_autofree char *kind = NULL, *state = NULL;
  JsonNode *summary;
  const char *w = "job";

  if (o == NULL)
    return NULL;
  job = g_new0 (RlRemoteJob, 1);
  if (!rl_json_read_int (o, w, "id", 1, G_MAXINT64, &job->id, error) ||
      !rl_json_read_string (o, w, "kind", &kind, error) || !rl_json_read_string (o, w, "state", &state, error) ||
      !rl_json_read_double (o, w, "progress", &job->progress, error) ||
      !rl_json_read_string (o, w, "stage", &job->stage, error) ||
      !rl_json_read_bool (o, w, "cancelling", &job->cancelling, error) ||
      !rl_json_read_id (o, w, "release_id", &job->release_id, error) ||
      !rl_json_read_string (o, w, "message", &job->message, error))
    return NULL;
  job->tune = g_strcmp0 (kind, "tune") == 0;
  if (g_strcmp0 (state, "running") == 0)
    job->state = RL_REMOTE_JOB_RUNNING;
  else if (g_strcmp0 (state, "done") == 0)
    job->state = RL_REMOTE_JOB_DONE;
  else if (g_strcmp0 (state, "cancelled") == 0)
    job->state = RL_REMOTE_JOB_CANCELLED;
  else if (g_strcmp0 (state, "failed") == 0)
    job->state = RL_REMOTE_JOB_FAILED;
  else if (g_strcmp0 (state, "interrupted") == 0)
    job->state = RL_REMOTE_JOB_INTERRUPTED;
  else
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: job.state has an unknown value “%s”"), state ? state : "");
      return NULL;
    }
  if (isnan (job->progress))
    job->progress = 0;
  job->progress = CLAMP (job->progress, 0.0, 1.0);
  summary = json_object_get_member (o, "summary");
  if (job->state == RL_REMOTE_JOB_DONE && summary != NULL && JSON_NODE_HOLDS_OBJECT (summary) &&
      !read_summary (json_node_get_object (summary), &job->summary, error))
    return NULL;
  return g_steal_pointer (&job);
}

static RlRemoteJob *
job_call (RlStore *store, const char *method, const char *path, JsonNode *body, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;

  g_return_val_if_fail (rl_store_is_remote (store), NULL);

  if (!(root = rl_remote_call (store, method, path, body, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  return job_from_json (root, error);
}

RlRemoteJob *
rl_remote_start_tuning (RlStore *store, const char *name, guint trials, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "name", name && name[0] ? name : NULL);
  rl_json_add_int (b, "trials", trials);
  json_builder_end_object (b);
  return job_call (store, "POST", "/releases/tune", rl_remote_body (b), error);
}

RlRemoteJob *
rl_remote_start_evaluation (RlStore *store, gint64 release_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/releases/%" G_GINT64_FORMAT "/evaluate", release_id);

  return job_call (store, "POST", path, NULL, error);
}

RlRemoteJob *
rl_remote_get_job (RlStore *store, gint64 job_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/jobs/%" G_GINT64_FORMAT, job_id);

  return job_call (store, "GET", path, NULL, error);
}

RlRemoteJob *
rl_remote_cancel_job (RlStore *store, gint64 job_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/jobs/%" G_GINT64_FORMAT, job_id);

  return job_call (store, "DELETE", path, NULL, error);
}
