/* rl-server-routes.c — the workstation API (docs/server-api.md).
 *
 * Handlers are thin: they parse (rl-server-parse.c), call the store as the
 * signed-in user, and write JSON (rl-server-json.c). Every rule — who may
 * conclude, approve, see restricted records — is the store's; its refusals
 * come back as 403/409 with its message. The route table adds role checks
 * only for reads the store does not guard (queues, the audit log). */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rl-image-io.h"
#include "rl-search.h"
#include "rl-server-json.h"
#include "rl-server-private.h"

#define EXAMINERS  (RL_ROLE_BIT (RL_ROLE_EXAMINER) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR))
#define ANALYSTS   (RL_ROLE_BIT (RL_ROLE_ANALYST) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR))
#define CASEWORK   (RL_ROLE_BIT (RL_ROLE_EXAMINER) | RL_ROLE_BIT (RL_ROLE_ANALYST) | RL_ROLE_BIT (RL_ROLE_SUPERVISOR))
#define OVERSIGHT  (RL_ROLE_BIT (RL_ROLE_SUPERVISOR) | RL_ROLE_BIT (RL_ROLE_DATA_STEWARD))

#define PURPOSE_MAX_LENGTH 500

/* ------------------------------------------------------------- helpers */

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

/* {"id": N} for a created row. */
static void
reply_created (RlRequest *request, gint64 id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_int (b, "id", id);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_CREATED, b);
}

/* An enum filter from the query ("?status=pending"); FALSE (400 sent) when unknown. */
#define QUERY_ENUM(request, name, from_id, out)                                                  \
  ({                                                                                              \
    const char *text_ = rl_request_query (request, name);                                         \
    gboolean ok_ = TRUE;                                                                          \
    if (text_ != NULL && text_[0] != '\0' && !from_id (text_, out))                               \
      {                                                                                           \
        rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",                  \
                                _("The query parameter “%s” has an unknown value “%s”"), name, text_); \
        ok_ = FALSE;                                                                              \
      }                                                                                           \
    ok_;                                                                                          \
  })

/* The stated purpose of opening a person's record (?purpose=…): required. */
static const char *
query_purpose (RlRequest *request)
{
  const char *purpose = rl_request_query (request, "purpose");
  g_autofree char *trimmed = purpose ? g_strstrip (g_strdup (purpose)) : NULL;

  if (trimmed == NULL || trimmed[0] == '\0')
    {
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "purpose-required",
                              _("Opening a person’s record needs a purpose: add ?purpose=CASE-OR-REASON"));
      return NULL;
    }
  if (strlen (purpose) > PURPOSE_MAX_LENGTH)
    {
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",
                              _("The purpose is longer than %d bytes"), PURPOSE_MAX_LENGTH);
      return NULL;
    }
  return purpose;
}

#define FAIL_IF(cond)                                 \
  G_STMT_START {                                      \
    if (cond)                                         \
      {                                               \
        rl_request_reply_gerror (request, error);     \
        return;                                       \
      }                                               \
  } G_STMT_END

/* ------------------------------------------------------------- users */

static void
list_users (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = rl_store_list_users (request->store, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  FAIL_IF (users == NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *u = g_ptr_array_index (users, i);
      rl_server_add_user_json (b, u);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* ------------------------------------------------ queue and searches */

static void
get_queue (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) searches = rl_store_list_work_queue (request->store, &error);

  FAIL_IF (searches == NULL);
  reply_list (request, "searches", searches, (RlJsonItemFunc) rl_json_search);
}

static void
list_searches (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) searches = NULL;
  RlSearchStatus status = 0;

  if (!QUERY_ENUM (request, "status", rl_search_status_from_id, &status))
    return;
  searches = rl_store_list_searches (request->store, status, &error);
  FAIL_IF (searches == NULL);
  reply_list (request, "searches", searches, (RlJsonItemFunc) rl_json_search);
}

static void
get_search (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = rl_store_get_search (request->store, request->ids[0], &error);

  FAIL_IF (search == NULL);
  reply_one (request, SOUP_STATUS_OK, search, (RlJsonItemFunc) rl_json_search);
}

static void
list_candidates (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;

  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  FAIL_IF (!(candidates = rl_store_list_candidates (request->store, search->id, &error)));
  reply_list (request, "candidates", candidates, (RlJsonItemFunc) rl_json_candidate);
}

static void
claim_search (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;

  FAIL_IF (!rl_store_claim_search (request->store, request->ids[0], &error));
  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  reply_one (request, SOUP_STATUS_OK, search, (RlJsonItemFunc) rl_json_search);
}

static void
unclaim_search (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;

  FAIL_IF (!rl_store_release_search (request->store, request->ids[0], &error));
  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  reply_one (request, SOUP_STATUS_OK, search, (RlJsonItemFunc) rl_json_search);
}

static void
add_analysis (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlAnalysisRequest) analysis = { 0 };
  gint64 id;

  FAIL_IF (!rl_parse_analysis (request->body, &analysis, &error));
  id = rl_store_add_probe_analysis (request->store, request->ids[0], analysis.of_value, analysis.notes,
                                    analysis.markup, &error);
  FAIL_IF (id == 0);
  reply_created (request, id);
}

static void
view_candidate (RlRequest *request)
{
  g_autoptr(GError) error = NULL;

  FAIL_IF (!rl_store_record_candidate_view (request->store, request->ids[0], &error));
  rl_request_reply_empty (request);
}

/* ------------------------------------------- conclusions, verifications */

static void
list_conclusions (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) conclusions = NULL;

  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  FAIL_IF (!(conclusions = rl_store_list_conclusions (request->store, search->id, &error)));
  reply_list (request, "conclusions", conclusions, (RlJsonItemFunc) rl_json_conclusion);
}

/* The store's correction from a nested request: samples default to the
 * conclusion's pair, the release and score to the search's (the client's
 * score is kept for a print outside the candidate list). */
static void
fill_correction (RlCorrection *out, const RlCorrectionRequest *in, const RlSearch *search, GPtrArray *candidates,
                 gint64 probe_sample_id, gint64 candidate_sample_id)
{
  memset (out, 0, sizeof *out);
  out->kind = in->kind;
  out->probe_sample_id = in->probe_sample_id ? in->probe_sample_id : probe_sample_id;
  out->candidate_sample_id = in->candidate_sample_id ? in->candidate_sample_id : candidate_sample_id;
  out->search_id = search->id;
  out->release_id = search->release_id;
  out->reason = in->reason;
  out->score = in->score;
  for (guint i = 0; candidates && i < candidates->len; i++)
    {
      RlSearchCandidate *c = g_ptr_array_index (candidates, i);
      if (c->sample_id == out->candidate_sample_id)
        out->score = c->score;
    }
}

static void
add_conclusion (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_auto(RlConclusionRequest) in = { 0 };
  RlConclusion conclusion = { 0 };
  gint64 id;

  FAIL_IF (!rl_parse_conclusion (request->body, &in, &error));
  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  conclusion.search_id = search->id;
  conclusion.candidate_id = in.candidate_id;
  conclusion.probe_sample_id = in.probe_sample_id ? in.probe_sample_id : search->probe_sample_id;
  conclusion.candidate_sample_id = in.candidate_sample_id;
  if (in.candidate_id != 0)
    {
      /* The candidate must be on this search's list; its sample is the one compared. */
      gboolean found = FALSE;

      FAIL_IF (!(candidates = rl_store_list_candidates (request->store, search->id, &error)));
      for (guint i = 0; i < candidates->len && !found; i++)
        {
          RlSearchCandidate *c = g_ptr_array_index (candidates, i);
          if (c->id == in.candidate_id)
            {
              found = TRUE;
              if (conclusion.candidate_sample_id == 0)
                conclusion.candidate_sample_id = c->sample_id;
            }
        }
      if (!found)
        {
          rl_request_reply_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                                  _("Candidate %" G_GINT64_FORMAT " is not on the list of search %" G_GINT64_FORMAT),
                                  in.candidate_id, search->id);
          return;
        }
    }
  conclusion.decision = in.decision;
  conclusion.reasons = in.reasons;
  conclusion.notes = in.notes;
  conclusion.supersedes = in.supersedes;
  if (in.correction != NULL)
    {
      /* The conclusion and its correction in one transaction. */
      RlCorrection correction;

      if (candidates == NULL)
        FAIL_IF (!(candidates = rl_store_list_candidates (request->store, search->id, &error)));
      fill_correction (&correction, in.correction, search, candidates, conclusion.probe_sample_id,
                       conclusion.candidate_sample_id);
      id = rl_store_add_conclusion_with_correction (request->store, &conclusion, &correction, &error);
    }
  else
    id = rl_store_add_conclusion (request->store, &conclusion, &error);
  FAIL_IF (id == 0);
  reply_created (request, id);
}

static void
list_verifications (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlConclusion) conclusion = NULL;
  g_autoptr(GPtrArray) verifications = NULL;

  FAIL_IF (!(conclusion = rl_store_get_conclusion (request->store, request->ids[0], &error)));
  FAIL_IF (!(verifications = rl_store_list_verifications (request->store, conclusion->id, &error)));
  reply_list (request, "verifications", verifications, (RlJsonItemFunc) rl_json_verification);
}

static void
add_verification (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlVerificationRequest) in = { 0 };
  gint64 id;

  FAIL_IF (!rl_parse_verification (request->body, &in, &error));
  id = rl_store_add_verification (request->store, request->ids[0], in.blind, in.agrees, in.decision, in.reasons,
                                  &error);
  FAIL_IF (id == 0);
  reply_created (request, id);
}

/* A supervisor's final decision on a disputed search, with the correction
 * it makes in the same transaction. */
static void
decide_dispute (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlDisputeRequest) in = { 0 };
  g_autoptr(RlSearch) search = NULL;
  gint64 id;

  FAIL_IF (!rl_parse_dispute (request->body, &in, &error));
  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  if (in.correction != NULL)
    {
      g_autoptr(RlConclusion) disputed = NULL;
      g_autoptr(GPtrArray) candidates = NULL;
      RlCorrection correction;

      FAIL_IF (!(disputed = rl_store_get_disputed_conclusion (request->store, search->id, &error)));
      FAIL_IF (!(candidates = rl_store_list_candidates (request->store, search->id, &error)));
      fill_correction (&correction, in.correction, search, candidates, disputed->probe_sample_id,
                       disputed->candidate_sample_id);
      id = rl_store_decide_dispute_with_correction (request->store, search->id, in.decision, in.reasons,
                                                    &correction, &error);
    }
  else
    id = rl_store_decide_dispute (request->store, search->id, in.decision, in.reasons, &error);
  FAIL_IF (id == 0);
  reply_created (request, id);
}

/* The identification under dispute (null when the search is not disputed)
 * and the conclusion that settled it (null while none did). */
static void
get_dispute (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(RlConclusion) disputed = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 decision;

  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  decision = rl_store_get_dispute_decision (request->store, search->id, &error);
  FAIL_IF (error != NULL);
  if (search->status == RL_SEARCH_DISPUTED)
    {
      disputed = rl_store_get_disputed_conclusion (request->store, search->id, &error);
      if (g_error_matches (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
        g_clear_error (&error);
      FAIL_IF (error != NULL);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "disputed_conclusion");
  if (disputed)
    rl_json_conclusion (b, disputed);
  else
    json_builder_add_null_value (b);
  rl_json_add_id (b, "decision_id", decision);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* Whether the signed-in user has looked at a candidate of the search
 * (an analysis recorded after that is flagged). */
static void
get_seen (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean seen = FALSE;

  FAIL_IF (!rl_store_candidate_seen (request->store, request->ids[0], request->user->id, &seen, &error));
  json_builder_begin_object (b);
  rl_json_add_bool (b, "seen", seen);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

static void
assign_search (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = NULL;
  gint64 examiner_id = 0;

  if (!rl_json_get_id (json_node_get_object (request->body), "examiner_id", TRUE, &examiner_id, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  FAIL_IF (!rl_store_assign_search (request->store, request->ids[0], examiner_id, &error));
  FAIL_IF (!(search = rl_store_get_search (request->store, request->ids[0], &error)));
  reply_one (request, SOUP_STATUS_OK, search, (RlJsonItemFunc) rl_json_search);
}

/* ---------------------------------------------------- samples, images */

static void
get_sample (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSample) sample = rl_store_get_sample (request->store, request->ids[0], &error);

  FAIL_IF (sample == NULL);
  reply_one (request, SOUP_STATUS_OK, sample, (RlJsonItemFunc) rl_json_sample);
}

static void
get_sample_image (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSample) sample = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *format = NULL;

  FAIL_IF (!(sample = rl_store_get_sample (request->store, request->ids[0], &error)));
  if (sample->image_sha256 == NULL)
    {
      rl_request_reply_error (request, SOUP_STATUS_NOT_FOUND, "not-found",
                              _("Sample %" G_GINT64_FORMAT " holds no image"), sample->id);
      return;
    }
  FAIL_IF (!(stored = rl_store_get_image (request->store, sample->image_sha256, &format, &error)));
  if (g_strcmp0 (format, "png") == 0)
    png = g_bytes_ref (stored);
  else
    {
      /* WSQ and the rest are decoded and sent as PNG: every client can show it. */
      g_autoptr(RlImage) image = rl_image_load_from_data (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored),
                                                          sample->ppi, &error);
      FAIL_IF (image == NULL);
      FAIL_IF (!(png = rl_image_encode (image, "png", &error)));
    }
  /* Images are addressed by content: a client may cache them for good. */
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "ETag",
                                sample->image_sha256);
  rl_request_reply_bytes (request, SOUP_STATUS_OK, "image/png", png);
}

/* The serialized template (what the review charts), 204 when the sample has none. */
static void
get_sample_template (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSample) sample = NULL;
  g_autoptr(GBytes) bytes = NULL;

  FAIL_IF (!(sample = rl_store_get_sample (request->store, request->ids[0], &error)));
  bytes = rl_store_get_sample_template (request->store, sample->id, &error);
  FAIL_IF (error != NULL);
  if (bytes == NULL)
    rl_request_reply_empty (request);
  else
    rl_request_reply_bytes (request, SOUP_STATUS_OK, "application/octet-stream", bytes);
}

/* Every print of a person (for comparing the probe with one outside the
 * candidate list): a list, not an opening of the record. */
static void
list_identity_samples (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  FAIL_IF (!(samples = rl_store_list_identity_samples (request->store, request->ids[0], &error)));
  reply_list (request, "samples", samples, (RlJsonItemFunc) rl_json_sample);
}

static void
list_encounter_samples (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) encounter = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  FAIL_IF (!(encounter = rl_store_get_encounter (request->store, request->ids[0], &error)));
  FAIL_IF (!(samples = rl_store_list_samples (request->store, encounter->id, &error)));
  reply_list (request, "samples", samples, (RlJsonItemFunc) rl_json_sample);
}

/* ----------------------------------------------------------------- hits */

static void
list_hits (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  RlHitStatus status = 0;

  const char *with = rl_request_query (request, "with");

  if (!QUERY_ENUM (request, "status", rl_hit_status_from_id, &status))
    return;
  /* ?with=details: each hit with what the hit queue shows of it (its
   * encounter's agency, its person's derogatory records as this user may
   * see them), so that the page is one request. */
  if (with != NULL && g_strcmp0 (with, "details") != 0)
    {
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",
                              _("with=%s is not known: the hits list offers with=details"), with);
      return;
    }
  if (with != NULL)
    {
      FAIL_IF (!(hits = rl_store_list_hit_rows (request->store, status, &error)));
      reply_list (request, "hits", hits, (RlJsonItemFunc) rl_json_hit_row);
      return;
    }
  FAIL_IF (!(hits = rl_store_list_hits (request->store, status, &error)));
  reply_list (request, "hits", hits, (RlJsonItemFunc) rl_json_hit);
}

static void
get_hit (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlHit) hit = rl_store_get_hit (request->store, request->ids[0], &error);

  FAIL_IF (hit == NULL);
  reply_one (request, SOUP_STATUS_OK, hit, (RlJsonItemFunc) rl_json_hit);
}

static void
dispose_hit (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlDispositionRequest) in = { 0 };
  g_autoptr(RlHit) hit = NULL;

  FAIL_IF (!rl_parse_disposition (request->body, &in, &error));
  FAIL_IF (rl_store_dispose_hit (request->store, request->ids[0], in.disposition, in.reason, &error) == 0);
  FAIL_IF (!(hit = rl_store_get_hit (request->store, request->ids[0], &error)));
  reply_one (request, SOUP_STATUS_OK, hit, (RlJsonItemFunc) rl_json_hit);
}

/* ------------------------------------------------------ running searches */

static JsonNode *
outcome_json (const RlSearchOutcome *o)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_id (b, "search_id", o->search_id);
  rl_json_add_string (b, "status", o->search_id ? rl_search_status_to_id (o->status) : NULL);
  rl_json_add_string (b, "reason", o->search_id ? rl_search_reason_to_id (o->reason) : NULL);
  rl_json_add_double (b, "best_score", o->best_score);
  rl_json_add_id (b, "best_identity_id", o->best_identity_id);
  rl_json_add_id (b, "best_sample_id", o->best_sample_id);
  rl_json_add_id (b, "hit_id", o->hit_id);
  rl_json_add_int (b, "n_links", o->n_links);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* These run in the server's search worker (rl_request_run_in_worker), on its
 * own store connection, so the main thread goes on serving meanwhile. */
static JsonNode *
run_search_sample (RlStore *store, gint64 sample_id, guint *status, GError **error)
{
  RlSearchOutcome outcome = { 0 };

  if (!rl_search_sample (store, sample_id, &outcome, error))
    return NULL;
  *status = outcome.search_id ? SOUP_STATUS_CREATED : SOUP_STATUS_OK;
  return outcome_json (&outcome);
}

static JsonNode *
run_search_encounter (RlStore *store, gint64 encounter_id, guint *status, GError **error)
{
  RlSearchOutcome outcome = { 0 };

  if (!rl_search_encounter (store, encounter_id, &outcome, error))
    return NULL;
  *status = outcome.search_id ? SOUP_STATUS_CREATED : SOUP_STATUS_OK;
  return outcome_json (&outcome);
}

static JsonNode *
run_preview (RlStore *store, gint64 sample_id, guint *status, GError **error)
{
  g_autoptr(GArray) candidates = rl_search_preview (store, NULL, sample_id, error);
  g_autoptr(JsonBuilder) b = NULL;

  if (candidates == NULL)
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  rl_json_add_int (b, "probe_sample_id", sample_id);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; i < candidates->len; i++)
    {
      const RlCandidate *c = &g_array_index (candidates, RlCandidate, i);
      json_builder_begin_object (b);
      rl_json_add_int (b, "rank", i + 1);
      rl_json_add_int (b, "sample_id", c->id);
      rl_json_add_double (b, "score", c->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The automated 1:N search of a print, as production runs it (stored,
 * routed, hits and identity links made). */
static void
search_sample (RlRequest *request)
{
  rl_request_run_in_worker (request, run_search_sample, request->ids[0]);
}

static void
search_encounter (RlRequest *request)
{
  rl_request_run_in_worker (request, run_search_encounter, request->ids[0]);
}

/* The candidates the active release would give, nothing stored. */
static void
preview_sample (RlRequest *request)
{
  rl_request_run_in_worker (request, run_preview, request->ids[0]);
}

/* ------------------------------------------------------------ identities */

static void
list_identities (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *name = rl_request_query (request, "name");
  guint64 offset, limit;
  guint total;

  if (!rl_request_query_uint (request, "offset", 0, G_MAXUINT32, 0, &offset) ||
      !rl_request_query_uint (request, "limit", 1, 1000, 100, &limit))
    return;
  if (name && strlen (name) > 200)
    {
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request", _("The name filter is too long"));
      return;
    }
  FAIL_IF (!(identities = rl_store_list_identities (request->store, name && *name ? name : NULL, offset, limit,
                                                    &error)));
  total = rl_store_count_identities (request->store, &error);
  FAIL_IF (error != NULL);
  json_builder_begin_object (b);
  rl_json_add_int (b, "total", total);
  rl_json_add_array (b, "identities", identities, (RlJsonItemFunc) rl_json_identity);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* The record of a person as the signed-in user may see it: opening it is
 * audited with the purpose; derogatory records come through the store,
 * which withholds restricted content this user may not read. */
static void
get_identity (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = NULL;
  g_autoptr(GPtrArray) records = NULL, encounters = NULL, links = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *purpose;

  if (!(purpose = query_purpose (request)))
    return;
  FAIL_IF (!(identity = rl_store_open_identity (request->store, request->ids[0], purpose, &error)));
  FAIL_IF (!(records = rl_store_list_derogatory_records (request->store, identity->id, &error)));
  FAIL_IF (!(encounters = rl_store_list_encounters (request->store, identity->id, &error)));
  FAIL_IF (!(links = rl_store_list_identity_links (request->store, identity->id, &error)));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "identity");
  rl_json_identity (b, identity);
  rl_json_add_array (b, "derogatory_records", records, (RlJsonItemFunc) rl_json_derogatory);
  rl_json_add_array (b, "encounters", encounters, (RlJsonItemFunc) rl_json_encounter);
  rl_json_add_array (b, "links", links, (RlJsonItemFunc) rl_json_link);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* The timeline: every encounter of an identity, oldest first, each with its
 * samples. Opening it is an opening of the record (purpose, audited). */
static void
get_timeline (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlIdentity) identity = NULL;
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *purpose;

  if (!(purpose = query_purpose (request)))
    return;
  FAIL_IF (!(identity = rl_store_open_identity (request->store, request->ids[0], purpose, &error)));
  FAIL_IF (!(encounters = rl_store_list_encounters (request->store, identity->id, &error)));
  json_builder_begin_object (b);
  rl_json_add_int (b, "identity_id", identity->id);
  json_builder_set_member_name (b, "encounters");
  json_builder_begin_array (b);
  for (guint i = 0; i < encounters->len; i++)
    {
      RlEncounter *e = g_ptr_array_index (encounters, i);
      g_autoptr(GPtrArray) samples = rl_store_list_samples (request->store, e->id, &error);

      FAIL_IF (samples == NULL);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "encounter");
      rl_json_encounter (b, e);
      rl_json_add_array (b, "samples", samples, (RlJsonItemFunc) rl_json_sample);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* ----------------------------------------------------------- corrections */

static void
list_corrections (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) corrections = NULL;
  RlCorrectionStatus status = 0;

  if (!QUERY_ENUM (request, "status", rl_correction_status_from_id, &status))
    return;
  FAIL_IF (!(corrections = rl_store_list_corrections (request->store, status, &error)));
  reply_list (request, "corrections", corrections, (RlJsonItemFunc) rl_json_correction);
}

static void
get_correction (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlCorrection) correction = rl_store_get_correction (request->store, request->ids[0], &error);

  FAIL_IF (correction == NULL);
  reply_one (request, SOUP_STATUS_OK, correction, (RlJsonItemFunc) rl_json_correction);
}

static void
add_correction (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlCorrectionRequest) in = { 0 };
  RlCorrection correction = { 0 };
  gint64 id;

  FAIL_IF (!rl_parse_correction (request->body, &in, &error));
  correction.kind = in.kind;
  correction.probe_sample_id = in.probe_sample_id;
  correction.candidate_sample_id = in.candidate_sample_id;
  correction.search_id = in.search_id;
  correction.conclusion_id = in.conclusion_id;
  correction.reason = in.reason;
  correction.score = in.score;
  if (in.search_id != 0)
    {
      /* The release that made the mistake and its score, from the search. */
      g_autoptr(RlSearch) search = NULL;
      g_autoptr(GPtrArray) candidates = NULL;

      FAIL_IF (!(search = rl_store_get_search (request->store, in.search_id, &error)));
      FAIL_IF (!(candidates = rl_store_list_candidates (request->store, search->id, &error)));
      correction.release_id = search->release_id;
      for (guint i = 0; i < candidates->len; i++)
        {
          RlSearchCandidate *c = g_ptr_array_index (candidates, i);
          if (c->sample_id == in.candidate_sample_id)
            correction.score = c->score;
        }
    }
  id = rl_store_add_correction (request->store, &correction, &error);
  FAIL_IF (id == 0);
  reply_created (request, id);
}

static void
review_correction (RlRequest *request, gboolean accept)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlCorrection) correction = NULL;

  FAIL_IF (!rl_store_review_correction (request->store, request->ids[0], accept, &error));
  FAIL_IF (!(correction = rl_store_get_correction (request->store, request->ids[0], &error)));
  reply_one (request, SOUP_STATUS_OK, correction, (RlJsonItemFunc) rl_json_correction);
}

static void accept_correction (RlRequest *request) { review_correction (request, TRUE); }
static void reject_correction (RlRequest *request) { review_correction (request, FALSE); }

/* -------------------------------------------------------------- releases */

static void
list_releases (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = rl_store_list_releases (request->store, &error);

  FAIL_IF (releases == NULL);
  reply_list (request, "releases", releases, (RlJsonItemFunc) rl_json_release);
}

static void
reply_release (RlRequest *request, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlMatcherRelease) release = rl_store_get_release (request->store, id, &error);

  FAIL_IF (release == NULL);
  reply_one (request, SOUP_STATUS_OK, release, (RlJsonItemFunc) rl_json_release);
}

static void
get_release (RlRequest *request)
{
  reply_release (request, request->ids[0]);
}

static void
review_release (RlRequest *request, gboolean approve)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;

  FAIL_IF (!rl_parse_comment (request->body, !approve, &comment, &error));
  FAIL_IF (!rl_store_review_release (request->store, request->ids[0], approve, comment, &error));
  reply_release (request, request->ids[0]);
}

static void approve_release (RlRequest *request) { review_release (request, TRUE); }
static void reject_release (RlRequest *request) { review_release (request, FALSE); }

static void
activate_release (RlRequest *request)
{
  g_autoptr(GError) error = NULL;

  FAIL_IF (!rl_store_activate_release (request->store, request->ids[0], &error));
  reply_release (request, request->ids[0]);
}

static void
rollback_release (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 id = rl_store_rollback_release (request->store, &error);

  FAIL_IF (id == 0);
  reply_release (request, id);
}

/* ----------------------------------------------------------------- audit */

static void
list_audit (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const char *kind = rl_request_query (request, "kind");
  guint64 object_id, user_id, limit;

  if (!rl_request_query_uint (request, "object", 0, G_MAXINT64, 0, &object_id) ||
      !rl_request_query_uint (request, "user", 0, G_MAXINT64, 0, &user_id) ||
      !rl_request_query_uint (request, "limit", 1, 10000, 200, &limit))
    return;
  /* The whole log is for data stewards and supervisors; examiners and
   * analysts read the history of one identity or hit (what its view shows),
   * and their own rows (the review reads whether one recorded an analysis). */
  if (!(OVERSIGHT & RL_ROLE_BIT (request->user->role)) && (gint64) user_id != request->user->id &&
      (object_id == 0 || (g_strcmp0 (kind, "identity") != 0 && g_strcmp0 (kind, "hit") != 0)))
    {
      rl_request_reply_error (request, SOUP_STATUS_FORBIDDEN, "forbidden",
                              _("%s is %s: only a data steward or a supervisor reads the audit log; others read the "
                                "history of one identity or hit (?kind=identity&object=ID) or their own rows "
                                "(?user=%" G_GINT64_FORMAT ")"),
                              request->user->username, rl_role_to_label (request->user->role), request->user->id);
      return;
    }
  FAIL_IF (!(entries = rl_store_list_audit (request->store, kind && *kind ? kind : NULL, (gint64) object_id,
                                            (gint64) user_id, (guint) limit, &error)));
  reply_list (request, "entries", entries, (RlJsonItemFunc) rl_json_audit_entry);
}

/* A row the client writes itself: an export it made (see rl_parse_audit). */
static void
add_audit (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_auto(RlAuditRequest) in = { 0 };

  FAIL_IF (!rl_parse_audit (request->body, &in, &error));
  FAIL_IF (!rl_store_audit (request->store, in.action, in.object_kind, in.object_id, in.purpose, in.details, &error));
  rl_request_reply_empty (request);
}

/* Public: what answers here, so a workstation can tell a Ridgeline server
 * from something else before anyone signs in. */
static void
get_info (RlRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "service", "ridgeline-server");
  rl_json_add_string (b, "version", RL_VERSION);
  rl_json_add_int (b, "api", 1);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

static void
verify_audit (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAuditReport) report = rl_store_verify_audit (request->store, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  FAIL_IF (report == NULL);
  json_builder_begin_object (b);
  rl_json_add_int (b, "n_rows", (gint64) report->n_rows);
  rl_json_add_bool (b, "intact", report->problem == NULL);
  rl_json_add_id (b, "first_bad_id", report->first_bad_id);
  rl_json_add_string (b, "problem", report->problem);
  rl_json_add_string (b, "head_hash", report->head_hash);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* ----------------------------------------------------------------- table */

static const RlRoute workstation_routes[] = {
  { "GET",    "/api/v1/info", get_info, RL_ROUTE_PUBLIC, RL_ROLES_ANY },
  { "POST",   "/api/v1/session", rl_server_sign_in, RL_ROUTE_PUBLIC | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "GET",    "/api/v1/session", rl_server_whoami, RL_ROUTE_USER, RL_ROLES_ANY },
  { "DELETE", "/api/v1/session", rl_server_sign_out, RL_ROUTE_USER, RL_ROLES_ANY },
  { "GET",    "/api/v1/users", list_users, RL_ROUTE_USER, RL_ROLES_ANY },
  { "GET",    "/api/v1/sessions", rl_server_list_open_sessions, RL_ROUTE_USER, RL_ROLE_BIT (RL_ROLE_DATA_STEWARD) },
  { "DELETE", "/api/v1/users/{id}/sessions", rl_server_end_user_sessions, RL_ROUTE_USER,
    RL_ROLE_BIT (RL_ROLE_DATA_STEWARD) },

  { "GET",    "/api/v1/queue", get_queue, RL_ROUTE_USER, EXAMINERS },
  { "GET",    "/api/v1/searches", list_searches, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/searches/{id}", get_search, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/searches/{id}/candidates", list_candidates, RL_ROUTE_USER, CASEWORK },
  { "POST",   "/api/v1/searches/{id}/claim", claim_search, RL_ROUTE_USER, RL_ROLES_ANY },
  { "DELETE", "/api/v1/searches/{id}/claim", unclaim_search, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/searches/{id}/assign", assign_search, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "GET",    "/api/v1/searches/{id}/seen", get_seen, RL_ROUTE_USER, EXAMINERS },
  { "GET",    "/api/v1/searches/{id}/dispute", get_dispute, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/searches/{id}/dispute", decide_dispute, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "POST",   "/api/v1/searches/{id}/analysis", add_analysis, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "GET",    "/api/v1/searches/{id}/conclusions", list_conclusions, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/searches/{id}/conclusions", add_conclusion, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "POST",   "/api/v1/candidates/{id}/view", view_candidate, RL_ROUTE_USER, RL_ROLES_ANY },
  { "GET",    "/api/v1/conclusions/{id}/verifications", list_verifications, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/conclusions/{id}/verifications", add_verification, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },

  { "GET",    "/api/v1/samples/{id}", get_sample, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/samples/{id}/image", get_sample_image, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/samples/{id}/template", get_sample_template, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}/samples", list_identity_samples, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/encounters/{id}/samples", list_encounter_samples, RL_ROUTE_USER, CASEWORK },
  { "POST",   "/api/v1/encounters/{id}/search", search_encounter, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/samples/{id}/search", search_sample, RL_ROUTE_USER, EXAMINERS },
  { "GET",    "/api/v1/samples/{id}/preview", preview_sample, RL_ROUTE_USER, EXAMINERS },

  { "GET",    "/api/v1/hits", list_hits, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/hits/{id}", get_hit, RL_ROUTE_USER, CASEWORK },
  { "POST",   "/api/v1/hits/{id}/disposition", dispose_hit, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },

  { "GET",    "/api/v1/identities", list_identities, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}", get_identity, RL_ROUTE_USER, CASEWORK },
  { "GET",    "/api/v1/identities/{id}/timeline", get_timeline, RL_ROUTE_USER, CASEWORK },

  { "GET",    "/api/v1/corrections", list_corrections, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/corrections", add_correction, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "GET",    "/api/v1/corrections/{id}", get_correction, RL_ROUTE_USER, EXAMINERS },
  { "POST",   "/api/v1/corrections/{id}/accept", accept_correction, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/corrections/{id}/reject", reject_correction, RL_ROUTE_USER, RL_ROLES_ANY },

  { "GET",    "/api/v1/releases", list_releases, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/releases/rollback", rollback_release, RL_ROUTE_USER, RL_ROLES_ANY },
  { "GET",    "/api/v1/releases/{id}", get_release, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/releases/{id}/approve", approve_release, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/releases/{id}/reject", reject_release, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "POST",   "/api/v1/releases/{id}/activate", activate_release, RL_ROUTE_USER, RL_ROLES_ANY },

  { "GET",    "/api/v1/audit", list_audit, RL_ROUTE_USER, RL_ROLES_ANY },
  { "POST",   "/api/v1/audit", add_audit, RL_ROUTE_USER | RL_ROUTE_BODY, RL_ROLES_ANY },
  { "GET",    "/api/v1/audit/verify", verify_audit, RL_ROUTE_USER, OVERSIGHT },
};

void
rl_server_workstation_register (RlServer *server)
{
  rl_server_add_routes (server, workstation_routes, G_N_ELEMENTS (workstation_routes));
  rl_server_pages_register (server);
  rl_server_import_register (server);
}
