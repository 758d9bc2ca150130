/* rl-remote-searches.c — the examiner's calls on a remote workspace:
 * queues, searches and candidates, samples and images, conclusions,
 * verifications, disputes and corrections (docs/server-api.md). */
#define G_LOG_DOMAIN "ridgeline-store"

#include <math.h>

#include "rl-remote-private.h"

#define ID_PATH(fmt, id) g_strdup_printf (fmt, (gint64) (id))

/* ------------------------------------------------------------ searches */

RlSearch *
rl_remote_get_search (RlStore *store, gint64 search_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT, search_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_search_from_json, error);
}

GPtrArray *
rl_remote_list_searches (RlStore *store, RlSearchStatus status, GError **error)
{
  g_autofree char *path = status ? g_strdup_printf ("/searches?status=%s", rl_search_status_to_id (status))
                                 : g_strdup ("/searches");

  return rl_remote_get_list (store, path, "searches", (RlJsonReadFunc) rl_search_from_json,
                             (GDestroyNotify) rl_search_free, error);
}

GPtrArray *
rl_remote_list_work_queue (RlStore *store, GError **error)
{
  return rl_remote_get_list (store, "/queue", "searches", (RlJsonReadFunc) rl_search_from_json,
                             (GDestroyNotify) rl_search_free, error);
}

GPtrArray *
rl_remote_list_candidates (RlStore *store, gint64 search_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/candidates", search_id);

  return rl_remote_get_list (store, path, "candidates", (RlJsonReadFunc) rl_candidate_from_json,
                             (GDestroyNotify) rl_search_candidate_free, error);
}

gboolean
rl_remote_claim_search (RlStore *store, gint64 search_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/claim", search_id);

  return rl_remote_do (store, "POST", path, NULL, error);
}

gboolean
rl_remote_release_search (RlStore *store, gint64 search_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/claim", search_id);

  return rl_remote_do (store, "DELETE", path, NULL, error);
}

gboolean
rl_remote_assign_search (RlStore *store, gint64 search_id, gint64 examiner_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/assign", search_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_id (b, "examiner_id", examiner_id);
  json_builder_end_object (b);
  return rl_remote_do (store, "POST", path, rl_remote_body (b), error);
}

gboolean
rl_remote_record_candidate_view (RlStore *store, gint64 candidate_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/candidates/%" G_GINT64_FORMAT "/view", candidate_id);

  return rl_remote_do (store, "POST", path, NULL, error);
}

gboolean
rl_remote_candidate_seen (RlStore *store, gint64 search_id, gint64 user_id, gboolean *out_seen, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/seen", search_id);
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;
  JsonObject *object;

  /* The server answers for the signed-in user only. */
  if (user_id != rl_remote_get_actor (store))
    return rl_remote_unavailable (error, _("Whether another user saw a candidate"));
  if (!(root = rl_remote_call (store, "GET", path, NULL, &local)))
    {
      if (!local)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return FALSE;
    }
  return (object = rl_json_expect_object (root, path, error)) != NULL &&
         rl_json_read_bool (object, "reply", "seen", out_seen, error);
}

gint64
rl_remote_add_probe_analysis (RlStore *store, gint64 search_id, gboolean of_value, const char *notes,
                              const char *markup_json, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/analysis", search_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_bool (b, "of_value", of_value);
  rl_json_add_string (b, "notes", notes);
  if (markup_json && *markup_json)
    {
      g_autoptr(GError) local = NULL;
      JsonNode *markup = json_from_string (markup_json, &local);

      if (markup == NULL)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("The analysis markup is not JSON: %s"),
                       local->message);
          return 0;
        }
      json_builder_set_member_name (b, "markup");
      json_builder_add_value (b, markup);
    }
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", path, rl_remote_body (b), error);
}

/* ------------------------------------------------ conclusions, verifications */

static void
add_correction_members (JsonBuilder *b, const RlCorrection *c)
{
  rl_json_add_string (b, "kind", rl_correction_kind_to_id (c->kind));
  rl_json_add_id (b, "probe_sample_id", c->probe_sample_id);
  rl_json_add_id (b, "candidate_sample_id", c->candidate_sample_id);
  rl_json_add_string (b, "reason", c->reason);
  rl_json_add_double (b, "score", c->score);
}

gint64
rl_remote_add_conclusion_with_correction (RlStore *store, const RlConclusion *c, const RlCorrection *correction,
                                          GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (c->search_id == 0)
    {
      rl_remote_unavailable (error, _("A conclusion outside a search"));
      return 0;
    }
  path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/conclusions", c->search_id);
  json_builder_begin_object (b);
  rl_json_add_string (b, "decision", rl_decision_to_id (c->decision));
  rl_json_add_string (b, "reasons", c->reasons);
  rl_json_add_string (b, "notes", c->notes);
  rl_json_add_id (b, "candidate_id", c->candidate_id);
  rl_json_add_id (b, "probe_sample_id", c->probe_sample_id);
  rl_json_add_id (b, "candidate_sample_id", c->candidate_sample_id);
  rl_json_add_id (b, "supersedes", c->supersedes);
  if (correction)
    {
      json_builder_set_member_name (b, "correction");
      json_builder_begin_object (b);
      add_correction_members (b, correction);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", path, rl_remote_body (b), error);
}

gint64
rl_remote_add_conclusion (RlStore *store, const RlConclusion *c, GError **error)
{
  return rl_remote_add_conclusion_with_correction (store, c, NULL, error);
}

GPtrArray *
rl_remote_list_conclusions (RlStore *store, gint64 search_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/conclusions", search_id);

  return rl_remote_get_list (store, path, "conclusions", (RlJsonReadFunc) rl_conclusion_from_json,
                             (GDestroyNotify) rl_conclusion_free, error);
}

gint64
rl_remote_decide_dispute_with_correction (RlStore *store, gint64 search_id, RlDecision decision, const char *reasons,
                                          const RlCorrection *correction, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/dispute", search_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "decision", rl_decision_to_id (decision));
  rl_json_add_string (b, "reasons", reasons);
  if (correction)
    {
      json_builder_set_member_name (b, "correction");
      json_builder_begin_object (b);
      add_correction_members (b, correction);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", path, rl_remote_body (b), error);
}

gint64
rl_remote_decide_dispute (RlStore *store, gint64 search_id, RlDecision decision, const char *reasons, GError **error)
{
  return rl_remote_decide_dispute_with_correction (store, search_id, decision, reasons, NULL, error);
}

/* GET /searches/{id}/dispute: the disputed identification and the decision. */
static JsonNode *
get_dispute (RlStore *store, gint64 search_id, JsonObject **out_object, GError **error)
{
  g_autofree char *path = ID_PATH ("/searches/%" G_GINT64_FORMAT "/dispute", search_id);
  GError *local = NULL;
  JsonNode *root = rl_remote_call (store, "GET", path, NULL, &local);

  if (root == NULL)
    {
      if (!local)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  if (!(*out_object = rl_json_expect_object (root, path, error)))
    {
      json_node_unref (root);
      return NULL;
    }
  return root;
}

gint64
rl_remote_get_dispute_decision (RlStore *store, gint64 search_id, GError **error)
{
  JsonObject *object = NULL;
  g_autoptr(JsonNode) root = get_dispute (store, search_id, &object, error);
  gint64 id = 0;

  if (root == NULL || !rl_json_read_id (object, "dispute", "decision_id", &id, error))
    return 0;
  return id;
}

RlConclusion *
rl_remote_get_disputed_conclusion (RlStore *store, gint64 search_id, GError **error)
{
  JsonObject *object = NULL;
  g_autoptr(JsonNode) root = get_dispute (store, search_id, &object, error);
  JsonNode *node;

  if (root == NULL)
    return NULL;
  node = json_object_get_member (object, "disputed_conclusion");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Search %" G_GINT64_FORMAT " is not disputed"), search_id);
      return NULL;
    }
  return rl_conclusion_from_json (node, error);
}

gint64
rl_remote_add_verification (RlStore *store, gint64 conclusion_id, gboolean blind, gboolean agrees,
                            RlDecision decision, const char *reasons, GError **error)
{
  g_autofree char *path = ID_PATH ("/conclusions/%" G_GINT64_FORMAT "/verifications", conclusion_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_bool (b, "agrees", agrees);
  rl_json_add_bool (b, "blind", blind);
  if (decision)
    rl_json_add_string (b, "decision", rl_decision_to_id (decision));
  rl_json_add_string (b, "reasons", reasons);
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", path, rl_remote_body (b), error);
}

GPtrArray *
rl_remote_list_verifications (RlStore *store, gint64 conclusion_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/conclusions/%" G_GINT64_FORMAT "/verifications", conclusion_id);

  return rl_remote_get_list (store, path, "verifications", (RlJsonReadFunc) rl_verification_from_json,
                             (GDestroyNotify) rl_verification_free, error);
}

/* ------------------------------------------------------------ corrections */

gint64
rl_remote_add_correction (RlStore *store, const RlCorrection *c, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_correction_members (b, c);
  rl_json_add_id (b, "search_id", c->search_id);
  rl_json_add_id (b, "conclusion_id", c->conclusion_id);
  json_builder_end_object (b);
  return rl_remote_create (store, "POST", "/corrections", rl_remote_body (b), error);
}

RlCorrection *
rl_remote_get_correction (RlStore *store, gint64 correction_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/corrections/%" G_GINT64_FORMAT, correction_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_correction_from_json, error);
}

GPtrArray *
rl_remote_list_corrections (RlStore *store, RlCorrectionStatus status, GError **error)
{
  g_autofree char *path = status ? g_strdup_printf ("/corrections?status=%s", rl_correction_status_to_id (status))
                                 : g_strdup ("/corrections");

  return rl_remote_get_list (store, path, "corrections", (RlJsonReadFunc) rl_correction_from_json,
                             (GDestroyNotify) rl_correction_free, error);
}

/* ------------------------------------------------------------ samples, images */

/* Images are fetched by a sample that holds them (GET /samples/{id}/image,
 * sent as PNG): remember which sample named which image. */
static void
remember_image (RlStore *store, const RlSample *sample)
{
  if (sample->image_sha256 != NULL)
    rl_remote_note_image (store, sample->image_sha256, sample->id);
}

RlSample *
rl_remote_get_sample (RlStore *store, gint64 sample_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/samples/%" G_GINT64_FORMAT, sample_id);
  RlSample *sample = rl_remote_get_one (store, path, (RlJsonReadFunc) rl_sample_from_json, error);

  if (sample)
    remember_image (store, sample);
  return sample;
}

static GPtrArray *
sample_list (RlStore *store, const char *path, GError **error)
{
  GPtrArray *samples = rl_remote_get_list (store, path, "samples", (RlJsonReadFunc) rl_sample_from_json,
                                           (GDestroyNotify) rl_sample_free, error);

  for (guint i = 0; samples && i < samples->len; i++)
    remember_image (store, g_ptr_array_index (samples, i));
  return samples;
}

GPtrArray *
rl_remote_list_samples (RlStore *store, gint64 encounter_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/encounters/%" G_GINT64_FORMAT "/samples", encounter_id);

  return sample_list (store, path, error);
}

GPtrArray *
rl_remote_list_identity_samples (RlStore *store, gint64 identity_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/identities/%" G_GINT64_FORMAT "/samples", identity_id);

  return sample_list (store, path, error);
}

GBytes *
rl_remote_get_sample_template (RlStore *store, gint64 sample_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/samples/%" G_GINT64_FORMAT "/template", sample_id);

  /* 204: the sample has no template (NULL, no error, as on a file). */
  return rl_remote_call_bytes (store, "GET", path, NULL, error);
}

GBytes *
rl_remote_get_image (RlStore *store, const char *sha256, char **out_format, GError **error)
{
  gint64 sample_id = rl_remote_lookup_image (store, sha256);
  g_autofree char *path = NULL;
  g_autofree char *type = NULL;
  GBytes *bytes;

  if (sample_id == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Image %s: read the sample that holds it first (a remote workspace sends images by sample)"),
                   sha256);
      return NULL;
    }
  path = ID_PATH ("/samples/%" G_GINT64_FORMAT "/image", sample_id);
  if (!(bytes = rl_remote_call_bytes (store, "GET", path, &type, error)))
    {
      if (error && *error == NULL)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("Sample %" G_GINT64_FORMAT " holds no image"),
                     sample_id);
      return NULL;
    }
  if (out_format)
    *out_format = g_strdup ("png");
  return bytes;
}

/* ------------------------------------------------------------ releases */

RlMatcherRelease *
rl_remote_get_release (RlStore *store, gint64 release_id, GError **error)
{
  g_autofree char *path = ID_PATH ("/releases/%" G_GINT64_FORMAT, release_id);

  return rl_remote_get_one (store, path, (RlJsonReadFunc) rl_release_from_json, error);
}

gboolean
rl_remote_review_release (RlStore *store, gint64 release_id, gboolean approve, const char *comment, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/releases/%" G_GINT64_FORMAT "/%s", release_id,
                                           approve ? "approve" : "reject");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "comment", comment);
  json_builder_end_object (b);
  return rl_remote_do (store, "POST", path, rl_remote_body (b), error);
}
