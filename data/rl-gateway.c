/* rl-gateway.c — partner submissions in, answers out (see rl-gateway.h).
 *
 * What a partner may learn is decided in one place, build_match(): every
 * field, category and encounter is added only after asking the agreement,
 * and restricted derogatory records are read from the store without their
 * summary or dates at all (the SQL does not select them), so no later code
 * path can leak them.
 */
#define G_LOG_DOMAIN "rl-gateway"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-extract.h"
#include "rl-gateway.h"
#include "rl-image-io.h"
#include "rl-import.h"
#include "rl-release-params.h"
#include "rl-search.h"
#include "rl-store-private.h"
#include "rl-template-io.h"

#define TRANSACTION_PREFIX "T-"
#define TRANSACTION_RANDOM_BYTES 16

/* ----------------------------------------------------------------- errors */

guint
rl_gateway_error_http_status (const GError *error)
{
  if (error == NULL)
    return 500;
  if (error->domain == RL_GATEWAY_ERROR)
    switch ((RlGatewayError) error->code)
      {
      case RL_GATEWAY_ERROR_MALFORMED: return 400;
      case RL_GATEWAY_ERROR_UNAUTHORIZED: return 401;
      case RL_GATEWAY_ERROR_FORBIDDEN: return 403;
      case RL_GATEWAY_ERROR_NOT_FOUND: return 404;
      case RL_GATEWAY_ERROR_TOO_LARGE: return 413;
      case RL_GATEWAY_ERROR_UNSUPPORTED: return 415;
      case RL_GATEWAY_ERROR_FAILED: return 500;
      case RL_GATEWAY_ERROR_RATE_LIMITED: return 429;
      }
  if (error->domain == RL_STORE_ERROR && error->code == RL_STORE_ERROR_BUSY)
    return 503;
  return 500;
}

const char *
rl_gateway_error_code (const GError *error)
{
  switch (rl_gateway_error_http_status (error))
    {
    case 400: return "malformed";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 413: return "too-large";
    case 415: return "unsupported-media-type";
    case 429: return "rate-limited";
    case 503: return "busy";
    default: return "internal";
    }
}

const char *
rl_gateway_status_to_id (RlGatewayStatus status)
{
  switch (status)
    {
    case RL_GATEWAY_QUEUED: return "queued";
    case RL_GATEWAY_MATCH: return "match";
    case RL_GATEWAY_NO_MATCH: return "no_match";
    }
  return "queued";
}

static RlGatewayStatus
status_from_id (const char *id)
{
  if (g_strcmp0 (id, "match") == 0)
    return RL_GATEWAY_MATCH;
  if (g_strcmp0 (id, "no_match") == 0)
    return RL_GATEWAY_NO_MATCH;
  return RL_GATEWAY_QUEUED;
}

const char *
rl_gateway_format_for_content_type (const char *content_type)
{
  g_autofree char *type = NULL;
  const char *semi;

  if (content_type == NULL)
    return NULL;
  semi = strchr (content_type, ';');
  type = g_ascii_strdown (content_type, semi ? (gssize) (semi - content_type) : -1);
  g_strstrip (type);
  if (g_str_equal (type, "application/json"))
    return "json";
  if (g_str_equal (type, "application/x-an2k") || g_str_equal (type, "application/octet-stream")
      || g_str_equal (type, "application/x-ansi-nist"))
    return "an2k";
  return NULL;
}

/* ------------------------------------------------------------- partners */

/* *out_known: the partner the key belongs to even when it is refused (no
 * agreement yet), for the audit. */
static RlPartner *
authenticate (RlStore *store, const char *authorization, RlPartner **out_known, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(RlPartner) partner = NULL;
  const char *key;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_UNAUTHORIZED,
                   _("Send the partner API key as “Authorization: Bearer KEY”"));
      return NULL;
    }
  key = authorization + 7;
  while (*key == ' ')
    key++;
  if (!(partner = rl_store_authenticate_partner (store, key, &local)))
    {
      if (g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION))
        g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_UNAUTHORIZED, _("Unknown or revoked API key"));
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (partner->agreement_updated_at == 0)
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_FORBIDDEN,
                   _("The partner “%s” has no sharing agreement yet: a data steward sets one before it may query"),
                   partner->name);
      if (out_known)
        *out_known = g_steal_pointer (&partner);
      return NULL;
    }
  return g_steal_pointer (&partner);
}

RlPartner *
rl_gateway_authenticate (RlStore *store, const char *authorization, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return authenticate (store, authorization, NULL, error);
}

RlPartner *
rl_gateway_authenticate_audited (RlStore *store, const char *authorization, const char *client, GError **error)
{
  g_autoptr(RlPartner) known = NULL;
  g_autoptr(GError) local = NULL;
  RlPartner *partner;

  g_return_val_if_fail (store != NULL, NULL);
  if ((partner = authenticate (store, authorization, &known, &local)))
    return partner;
  if (local->domain == RL_GATEWAY_ERROR)
    rl_gateway_audit_refusal (store, known, authorization, client, NULL, NULL, local);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* ------------------------------------------------------------- helpers */

static char *
iso_time (gint64 t)
{
  g_autoptr(GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static char *
iso_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("");
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_time (JsonBuilder *b, const char *name, gint64 t)
{
  g_autofree char *s = iso_time (t);
  add_string (b, name, s);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/* The first characters of the key sent (as the partner list shows keys),
 * only when they look like a key: never anything a stranger could use to
 * write into the log. */
static char *
sent_key_prefix (const char *authorization)
{
  const char *key;
  gsize n = 0;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return g_strdup ("");
  key = authorization + 7;
  while (*key == ' ')
    key++;
  while (n < 12 && (g_ascii_isalnum (key[n]) || key[n] == '_' || key[n] == '-'))
    n++;
  return g_strndup (key, n);
}

void
rl_gateway_audit_refusal (RlStore *store, const RlPartner *partner, const char *authorization, const char *client,
                          const char *format, const char *reference, const GError *why)
{
  g_autofree char *prefix = partner ? NULL : sent_key_prefix (authorization);
  g_autofree char *details = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (store != NULL && why != NULL);

  details = rl_json_object ("partner", partner ? partner->name : "", "key_prefix", partner ? "" : prefix,
                            "format", format ? format : "", "reference", reference ? reference : "",
                            "client", client ? client : "",
                            "error", rl_gateway_error_code (why), "message", why->message, NULL);
  /* In its own transaction: nothing else was written for a refusal. */
  if (!rl_store_audit (store, "gateway.reject", "partner", partner ? partner->id : 0, NULL, details, &error))
    g_warning ("Cannot audit a refused partner request: %s", error->message);
}

static void
audit_rejection (RlStore *store, const RlPartner *partner, const char *format, const char *reference,
                 const GError *why)
{
  rl_gateway_audit_refusal (store, partner, NULL, NULL, format, reference, why);
}

/* ----------------------------------------------------------- enrolment */

/* A new identity and an encounter of the partner's agency for the prints. */
/* The purpose a query is filed under: the one the submission states, if the
 * agreement covers it; none stated, the agreement's first (or "other" when
 * the agreement states none). Error _MALFORMED for an unknown purpose,
 * _FORBIDDEN for one the agreement does not cover. */
static gboolean
query_purpose (const RlPartner *partner, const char *stated, RlEncounterPurpose *out, GError **error)
{
  RlEncounterPurpose purpose;

  if (stated == NULL)
    {
      *out = RL_PURPOSE_OTHER;
      for (int p = RL_PURPOSE_BORDER_CROSSING; p <= RL_PURPOSE_OTHER; p++)
        if (partner->purposes & RL_PURPOSE_BIT (p))
          {
            *out = p;
            break;
          }
      return TRUE;
    }
  if (!rl_encounter_purpose_from_id (stated, &purpose))
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_MALFORMED,
                   _("purpose: “%s” is not a purpose (known: border-crossing, visa-application, arrest-booking, "
                     "asylum-claim, residence-permit, background-check, latent-case, other)"), stated);
      return FALSE;
    }
  if (partner->purposes == 0 ? purpose != RL_PURPOSE_OTHER : !(partner->purposes & RL_PURPOSE_BIT (purpose)))
    {
      g_autofree char *agreed = rl_sharing_format_purposes (partner->purposes);
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_FORBIDDEN,
                   _("The sharing agreement of “%s” does not cover queries for %s (it covers: %s)"), partner->name,
                   stated, agreed);
      return FALSE;
    }
  *out = purpose;
  return TRUE;
}

static gint64
add_partner_encounter (RlStore *store, const RlPartner *partner, const char *reference, RlEncounterPurpose purpose,
                       GError **error)
{
  g_autofree char *place = g_strdup_printf ("Partner query (%s)", partner->name);
  RlEncounter e = { 0 };

  e.identity_id = rl_store_add_identity (store, NULL, error);
  if (e.identity_id == 0)
    return 0;
  e.agency_id = partner->agency_id;
  e.occurred_at = rl_store_now (store);
  e.purpose = purpose;
  e.place = place;
  e.case_reference = (char *) reference;
  e.family_name = e.given_names = e.date_of_birth = e.nationality = (char *) "";
  e.sex = (char *) "U";
  return rl_store_add_encounter (store, &e, error);
}

/* A JSON submission's prints, decoded and with their templates extracted
 * before the store's transaction begins: that is most of a submission's
 * CPU, and it needs no lock, so other connections' writes do not wait for
 * it. */
typedef struct {
  int           width, height;
  int           quality;        /* -1 when no template */
  GBytes       *template_data;  /* NULL when none could be extracted */
  RlTemplate   *tpl;            /* the same, for the scan */
  RlSearchScan *scan;           /* its 1:N scan, made before the transaction */
  gint64        sample_id;      /* once stored */
} PreparedFinger;

typedef struct {
  PreparedFinger fingers[RL_GATEWAY_MAX_FINGERS];
} Prepared;

static void
prepared_clear (Prepared *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (p->fingers); i++)
    {
      g_clear_pointer (&p->fingers[i].template_data, g_bytes_unref);
      g_clear_pointer (&p->fingers[i].tpl, rl_template_free);
      g_clear_pointer (&p->fingers[i].scan, rl_search_scan_free);
    }
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Prepared, prepared_clear)

/* Errors name the finger. Returns the number of prints with a template. */
static int
prepare_json (const RlGatewaySubmission *s, PreparedFinger *out, GString *notes, GError **error)
{
  int n_templates = 0;

  for (guint i = 0; i < s->n_fingers; i++)
    {
      const RlGatewayFinger *f = &s->fingers[i];
      g_autoptr(GError) local = NULL;
      g_autoptr(RlImage) image = NULL;
      g_autoptr(RlTemplate) tpl = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (f->image, &len);

      if (!(image = rl_image_load_from_data (data, len, f->ppi, &local)))
        {
          g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_MALFORMED,
                       _("fingers[%u].image: cannot be read as %s: %s"), i, f->format, local->message);
          return -1;
        }
      out[i].width = image->width;
      out[i].height = image->height;
      out[i].quality = -1;
      tpl = rl_extract_template (image, &local);
      if (tpl != NULL)
        {
          tpl->finger = (uint8_t) f->position;
          tpl->impression = RL_IMPRESSION_PLAIN;
          out[i].template_data = rl_template_serialize (tpl);
          out[i].quality = tpl->quality;
          out[i].tpl = g_steal_pointer (&tpl);
          n_templates++;
        }
      else
        g_string_append_printf (notes, "%sfingers[%u]: %s", notes->len ? "; " : "", i, local->message);
    }
  return n_templates;
}

/* Stores every print of a JSON submission (inside the transaction). */
static gboolean
enroll_json (RlStore *store, gint64 encounter_id, const RlGatewaySubmission *s, PreparedFinger *prepared,
             GError **error)
{
  for (guint i = 0; i < s->n_fingers; i++)
    {
      const RlGatewayFinger *f = &s->fingers[i];
      g_autofree char *sha256 = NULL;
      g_autofree char *source = g_strdup_printf ("gateway fingers[%u]", i);
      RlSample sample = { 0 };

      if (!(sha256 = rl_store_add_image (store, f->image, f->format, prepared[i].width, prepared[i].height, error)))
        return FALSE;
      sample.encounter_id = encounter_id;
      sample.finger = (RlFingerPosition) f->position;
      sample.impression = RL_IMPRESSION_PLAIN;
      sample.image_sha256 = sha256;
      sample.ppi = f->ppi;
      sample.quality = prepared[i].quality;
      sample.source = source;
      if ((prepared[i].sample_id = rl_store_add_sample (store, &sample, prepared[i].template_data, error)) == 0)
        return FALSE;
    }
  return TRUE;
}

/* Imports an AN2K submission as the partner's encounter. The person
 * numbers of Type-2 (SID 2.015, FBI 2.014) are dropped first: they would
 * file the prints under an existing identity on the partner's word. */
static gint64
enroll_an2k (RlStore *store, const RlPartner *partner, RlAn2kTransaction *t, const char *reference,
             RlEncounterPurpose purpose, int *out_templates, GString *notes, GError **error)
{
  /* Searched by the gateway itself, once the transaction is recorded. */
  RlImportOptions options = { .agency_code = partner->agency, .make_template = rl_import_extract_template,
                              .no_search = TRUE };
  g_autoptr(GError) local = NULL;
  g_autofree char *place = g_strdup_printf ("Partner query (%s)", partner->name);
  g_autofree char *source = g_strdup_printf ("gateway transaction of %s", partner->name);
  RlImportResult result = { 0 };
  sqlite3_stmt *stmt;

  for (guint i = 1; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      RlAn2kRecord *r = rl_an2k_transaction_get_record (t, i);
      if (rl_an2k_record_get_type (r) == 2)
        {
          rl_an2k_record_remove_field (r, 14);
          rl_an2k_record_remove_field (r, 15);
        }
    }
  if (!rl_import_transaction (store, t, source, NULL, &options, &result, &local))
    {
      rl_import_result_clear (&result);
      /* What the transaction holds is the partner's to fix: 400. */
      if (local->domain == RL_STORE_ERROR && local->code != RL_STORE_ERROR_CONSTRAINT)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_MALFORMED, "%s", local->message);
      return 0;
    }
  for (guint i = 0; result.notes && i < result.notes->len; i++)
    g_string_append_printf (notes, "%s%s", notes->len ? "; " : "", (const char *) result.notes->pdata[i]);
  *out_templates = (int) result.n_templates;
  /* A partner query for the agreed purpose, whatever the transaction's TOT says. */
  if (!(stmt = rl_store_stmt (store, "UPDATE encounter SET purpose = ?4, place = ?2, case_reference = ?3 "
                                     "WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, result.encounter_id);
  sqlite3_bind_text (stmt, 2, place, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, rl_encounter_purpose_to_id (purpose), -1, SQLITE_STATIC);
  if (!rl_store_run (store, stmt, error, _("Cannot record the partner query")))
    goto fail;
  {
    gint64 id = result.encounter_id;
    rl_import_result_clear (&result);
    return id;
  }
fail:
  rl_import_result_clear (&result);
  return 0;
}

/* ------------------------------------------------------------ decisions */

/* Follows merges to the identity that holds the record now. */
static gint64
surviving_identity (RlStore *store, gint64 identity_id, GError **error)
{
  for (int hops = 0; hops < 64 && identity_id != 0; hops++)
    {
      sqlite3_stmt *stmt = rl_store_stmt (store, "SELECT coalesce(merged_into, 0) FROM identity WHERE id = ?1", error);
      gint64 into = 0;

      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, identity_id);
      if (!rl_store_query_int64 (store, stmt, &into, error, _("Cannot read an identity")))
        return 0;
      if (into == 0)
        return identity_id;
      identity_id = into;
    }
  return identity_id;
}

/* Whether we hold anything on an identity beyond partners' own queries: an
 * encounter of one of our agencies or a derogatory record. A print seen
 * only in earlier partner queries is not a record to answer with. */
static gboolean
holds_record (RlStore *store, gint64 identity_id, gboolean *out, GError **error)
{
  sqlite3_stmt *stmt = rl_store_stmt (store,
                                      "SELECT EXISTS (SELECT 1 FROM encounter e WHERE e.identity_id = ?1 AND NOT EXISTS "
                                      "  (SELECT 1 FROM gateway_transaction g WHERE g.encounter_id = e.id)) "
                                      "OR EXISTS (SELECT 1 FROM derogatory_record WHERE identity_id = ?1)", error);
  gint64 v = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  if (!rl_store_query_int64 (store, stmt, &v, error, _("Cannot read an identity")))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

/* The matcher's decision on an automatic search: the best candidate at or
 * above the match threshold of its quality bucket (with the release the
 * search ran with) whose identity we hold a record on. *out_identity 0: no
 * match. */
static gboolean
automatic_decision (RlStore *store, gint64 search_id, gint64 probe_identity, gint64 *out_identity, GError **error)
{
  RlReleaseParams params;
  g_autoptr(RlSearch) search = NULL;
  g_autoptr(GPtrArray) candidates = NULL;

  *out_identity = 0;
  if (!(search = rl_store_get_search (store, search_id, error)))
    return FALSE;
  rl_release_params_init_default (&params);
  if (search->release_id != 0)
    {
      g_autoptr(RlMatcherRelease) release = rl_store_get_release (store, search->release_id, error);
      if (release == NULL || !rl_release_params_parse (release->parameters, &params, error))
        return FALSE;
    }
  if (!(candidates = rl_store_list_candidates (store, search_id, error)))
    return FALSE;
  for (guint i = 0; i < candidates->len; i++)
    {
      RlSearchCandidate *c = candidates->pdata[i];
      gboolean held = FALSE;
      gint64 identity;

      if (c->score < rl_release_params_match_threshold_for (&params, search->probe_quality, c->quality))
        continue;
      if (!(identity = surviving_identity (store, c->identity_id, error)))
        return FALSE;
      if (identity == probe_identity)
        continue;
      if (!holds_record (store, identity, &held, error))
        return FALSE;
      if (held)
        {
          *out_identity = identity;
          return TRUE;
        }
    }
  return TRUE;
}

/* For a queued transaction: what the examiners concluded, if they finished.
 * *out_identity is the identified identity for a match. */
static RlGatewayStatus
examiners_decision (RlStore *store, gint64 search_id, gint64 *out_identity, GError **error)
{
  g_autoptr(RlSearch) search = NULL;
  sqlite3_stmt *stmt;
  gint64 identified_sample = 0, n_candidates = 0, n_excluded = 0;
  int rc;

  *out_identity = 0;
  if (search_id == 0)
    return RL_GATEWAY_QUEUED;
  if (!(search = rl_store_get_search (store, search_id, error)))
    return 0;
  /* The current conclusions: those no later conclusion supersedes. */
  if (!(stmt = rl_store_stmt (store,
                              "SELECT c.decision, c.candidate_sample_id FROM conclusion c "
                              "WHERE c.search_id = ?1 AND NOT EXISTS "
                              "  (SELECT 1 FROM conclusion later WHERE later.supersedes = c.id) "
                              "ORDER BY c.id", error)))
    return 0;
  sqlite3_bind_int64 (stmt, 1, search_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *decision = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (decision, "identification") == 0)
        identified_sample = sqlite3_column_int64 (stmt, 1);
      else if (g_strcmp0 (decision, "exclusion") == 0)
        n_excluded++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return rl_store_fail (store, error, _("Cannot read the conclusions")), 0;

  if (search->status == RL_SEARCH_COMPLETED)
    {
      if (identified_sample != 0)
        {
          g_autoptr(RlSample) sample = rl_store_get_sample (store, identified_sample, error);
          gboolean held = FALSE;

          if (sample == NULL || !(*out_identity = surviving_identity (store, sample->identity_id, error))
              || !holds_record (store, *out_identity, &held, error))
            return 0;
          if (held)
            return RL_GATEWAY_MATCH;
          *out_identity = 0;
        }
      return RL_GATEWAY_NO_MATCH;
    }
  /* Every candidate excluded is an answer even before anyone closes the
   * search; an identification waits for its verification (COMPLETED). */
  if (!(stmt = rl_store_stmt (store,
                              "SELECT count(*), count(DISTINCT (SELECT c.candidate_sample_id FROM conclusion c "
                              "  WHERE c.search_id = ca.search_id AND c.candidate_sample_id = ca.sample_id "
                              "  AND c.decision = 'exclusion' AND NOT EXISTS "
                              "  (SELECT 1 FROM conclusion later WHERE later.supersedes = c.id))) "
                              "FROM candidate ca WHERE ca.search_id = ?1", error)))
    return 0;
  sqlite3_bind_int64 (stmt, 1, search_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      n_candidates = sqlite3_column_int64 (stmt, 0);
      n_excluded = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return rl_store_fail (store, error, _("Cannot read the candidates")), 0;
  if (identified_sample == 0 && n_candidates > 0 && n_excluded == n_candidates)
    return RL_GATEWAY_NO_MATCH;
  return RL_GATEWAY_QUEUED;
}

/* -------------------------------------------------------------- answers */

typedef struct {
  guint n_fields, n_shared_records, n_held_by, n_encounters;
} Disclosed;

/* The match part of an answer: only what the agreement allows. */
static gboolean
build_match (RlStore *store, const RlPartner *partner, gint64 identity_id, JsonBuilder *b, Disclosed *disclosed,
             GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Biographic data as last recorded by one of our agencies (never what a
   * partner submitted through the gateway). */
  if (partner->biographic_fields != 0)
    {
      static const struct { RlBiographicField field; int column; } columns[] = {
        { RL_BIOGRAPHIC_FAMILY_NAME, 0 }, { RL_BIOGRAPHIC_GIVEN_NAMES, 1 }, { RL_BIOGRAPHIC_DATE_OF_BIRTH, 2 },
        { RL_BIOGRAPHIC_NATIONALITY, 3 }, { RL_BIOGRAPHIC_SEX, 4 },
      };

      if (!(stmt = rl_store_stmt (store,
                                  "SELECT family_name, given_names, date_of_birth, nationality, sex FROM encounter e "
                                  "WHERE e.identity_id = ?1 AND NOT EXISTS "
                                  "  (SELECT 1 FROM gateway_transaction g WHERE g.encounter_id = e.id) "
                                  "ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, identity_id);
      rc = sqlite3_step (stmt);
      json_builder_set_member_name (b, "person");
      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        if (rl_partner_shares_field (partner, columns[i].field))
          {
            const char *v = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, columns[i].column) : NULL;
            /* Unknown is null, not "" or "U". */
            if (v && (v[0] == '\0' || (columns[i].field == RL_BIOGRAPHIC_SEX && g_str_equal (v, "U"))))
              v = NULL;
            add_string (b, rl_biographic_field_to_id (columns[i].field), v);
            disclosed->n_fields++;
          }
      json_builder_end_object (b);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rl_store_fail (store, error, _("Cannot read the biographic data"));
    }

  /* Derogatory records of the agreed categories. Restricted ones: the SQL
   * leaves summary and dates out, and the answer says only who holds it. */
  if (partner->derogatory_categories != 0)
    {
      if (!(stmt = rl_store_stmt (store,
                                  "SELECT d.category, d.restricted, a.code, "
                                  "  CASE WHEN d.restricted THEN NULL ELSE d.summary END, "
                                  "  CASE WHEN d.restricted THEN NULL ELSE d.recorded_on END, "
                                  "  CASE WHEN d.restricted THEN NULL ELSE d.expires_on END "
                                  "FROM derogatory_record d JOIN agency a ON a.id = d.source_agency_id "
                                  "WHERE d.identity_id = ?1 ORDER BY d.recorded_on, d.id", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, identity_id);
      json_builder_set_member_name (b, "derogatory");
      json_builder_begin_array (b);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          RlDerogatoryCategory category = 0;

          if (!rl_derogatory_category_from_id ((const char *) sqlite3_column_text (stmt, 0), &category)
              || !rl_partner_shares_category (partner, category))
            continue;
          json_builder_begin_object (b);
          if (sqlite3_column_int (stmt, 1) != 0)
            {
              add_string (b, "held_by", (const char *) sqlite3_column_text (stmt, 2));
              disclosed->n_held_by++;
            }
          else
            {
              add_string (b, "category", rl_derogatory_category_to_id (category));
              add_string (b, "source", (const char *) sqlite3_column_text (stmt, 2));
              add_string (b, "recorded_on", (const char *) sqlite3_column_text (stmt, 4));
              add_string (b, "expires_on", (const char *) sqlite3_column_text (stmt, 5));
              add_string (b, "summary", (const char *) sqlite3_column_text (stmt, 3));
              disclosed->n_shared_records++;
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return rl_store_fail (store, error, _("Cannot read the derogatory records"));
    }

  /* Encounter summary: when, which agency, what for — no places, case
   * references or biographic variants. Other partners' queries are left out. */
  if (partner->encounter_summary)
    {
      if (!(stmt = rl_store_stmt (store,
                                  "SELECT e.occurred_at, a.code, e.purpose FROM encounter e "
                                  "JOIN agency a ON a.id = e.agency_id "
                                  "WHERE e.identity_id = ?1 AND NOT EXISTS "
                                  "  (SELECT 1 FROM gateway_transaction g WHERE g.encounter_id = e.id) "
                                  "ORDER BY e.occurred_at, e.id", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, identity_id);
      json_builder_set_member_name (b, "encounters");
      json_builder_begin_array (b);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *date = iso_date (sqlite3_column_int64 (stmt, 0));

          json_builder_begin_object (b);
          add_string (b, "date", date);
          add_string (b, "agency", (const char *) sqlite3_column_text (stmt, 1));
          add_string (b, "purpose", (const char *) sqlite3_column_text (stmt, 2));
          json_builder_end_object (b);
          disclosed->n_encounters++;
        }
      json_builder_end_array (b);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return rl_store_fail (store, error, _("Cannot read the encounters"));
    }
  return TRUE;
}

typedef struct {
  gint64  id;
  gint64  partner_id;
  gint64  encounter_id;
  char   *reference;
  RlGatewayStatus status;
  gint64  search_id;
  gint64  identity_id;
  gint64  received_at;
  gint64  answered_at;
} Transaction;

static void
transaction_clear (Transaction *t)
{
  g_clear_pointer (&t->reference, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transaction, transaction_clear)

static gboolean
load_transaction (RlStore *store, const RlPartner *partner, gint64 transaction_id, Transaction *t, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Another partner's transaction is "not found", exactly like an unknown one. */
  if (!(stmt = rl_store_stmt (store, "SELECT id, partner_id, reference, status, coalesce(search_id, 0), "
                                     "  coalesce(matched_identity_id, 0), received_at, coalesce(answered_at, 0), "
                                     "  coalesce(encounter_id, 0) "
                                     "FROM gateway_transaction WHERE id = ?1 AND partner_id = ?2", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, transaction_id);
  sqlite3_bind_int64 (stmt, 2, partner->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      t->id = sqlite3_column_int64 (stmt, 0);
      t->partner_id = sqlite3_column_int64 (stmt, 1);
      t->reference = rl_column_strdup0 (stmt, 2);
      t->status = status_from_id ((const char *) sqlite3_column_text (stmt, 3));
      t->search_id = sqlite3_column_int64 (stmt, 4);
      t->identity_id = sqlite3_column_int64 (stmt, 5);
      t->received_at = sqlite3_column_int64 (stmt, 6);
      t->answered_at = sqlite3_column_int64 (stmt, 7);
      t->encounter_id = sqlite3_column_int64 (stmt, 8);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_NOT_FOUND,
                   _("No transaction %" G_GINT64_FORMAT " of partner %s"), transaction_id, partner->name);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return rl_store_fail (store, error, _("Cannot read the transaction"));
  return TRUE;
}

/* Records the answer of a transaction. On a match the partner's encounter
 * is filed under the identity it matched (its placeholder identity marked
 * merged into it), so that the next query with these prints finds the
 * person's record, and analysts see the query on the person's timeline. */
static gboolean
conclude_transaction (RlStore *store, gint64 transaction_id, gint64 encounter_id, gint64 search_id,
                      RlGatewayStatus status, gint64 identity_id, GError **error)
{
  sqlite3_stmt *stmt = rl_store_stmt (store, "UPDATE gateway_transaction SET search_id = ?2, status = ?3, "
                                             "matched_identity_id = ?4, answered_at = ?5 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, transaction_id);
  rl_bind_id_or_null (stmt, 2, search_id);
  sqlite3_bind_text (stmt, 3, rl_gateway_status_to_id (status), -1, SQLITE_STATIC);
  rl_bind_id_or_null (stmt, 4, status == RL_GATEWAY_MATCH ? identity_id : 0);
  if (status == RL_GATEWAY_QUEUED)
    sqlite3_bind_null (stmt, 5);
  else
    sqlite3_bind_int64 (stmt, 5, rl_store_now (store));
  if (!rl_store_run (store, stmt, error, _("Cannot record the answer")))
    return FALSE;
  if (status != RL_GATEWAY_MATCH || encounter_id == 0)
    return TRUE;

  {
    g_autoptr(RlEncounter) encounter = rl_store_get_encounter (store, encounter_id, error);
    gint64 placeholder;

    if (encounter == NULL)
      return FALSE;
    placeholder = encounter->identity_id;
    if (placeholder == identity_id)
      return TRUE;
    if (!(stmt = rl_store_stmt (store, "UPDATE encounter SET identity_id = ?2 WHERE id = ?1", error)))
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, encounter_id);
    sqlite3_bind_int64 (stmt, 2, identity_id);
    if (!rl_store_run (store, stmt, error, _("Cannot file the partner query")))
      return FALSE;
    if (!(stmt = rl_store_stmt (store, "UPDATE identity SET merged_into = ?2 WHERE id = ?1 AND NOT EXISTS "
                                       "(SELECT 1 FROM encounter WHERE identity_id = ?1)", error)))
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, placeholder);
    sqlite3_bind_int64 (stmt, 2, identity_id);
    return rl_store_run (store, stmt, error, _("Cannot file the partner query"));
  }
}

char *
rl_gateway_answer (RlStore *store, const RlPartner *partner, gint64 transaction_id, RlGatewayStatus *out_status,
                   GError **error)
{
  g_auto(Transaction) t = { 0 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(RlSearch) search = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *details = NULL;
  Disclosed disclosed = { 0 };

  g_return_val_if_fail (store != NULL && partner != NULL, NULL);

  if (!rl_store_begin (store, error))
    return NULL;
  if (!load_transaction (store, partner, transaction_id, &t, error))
    goto fail;
  if (t.status == RL_GATEWAY_QUEUED && t.search_id != 0)
    {
      gint64 identity = 0;
      RlGatewayStatus now = examiners_decision (store, t.search_id, &identity, error);

      if (now == 0)
        goto fail;
      if (now != RL_GATEWAY_QUEUED)
        {
          if (!conclude_transaction (store, t.id, t.encounter_id, t.search_id, now, identity, error))
            goto fail;
          t.status = now;
          t.identity_id = identity;
          t.answered_at = rl_store_now (store);
        }
    }
  if (t.search_id != 0 && !(search = rl_store_get_search (store, t.search_id, error)))
    goto fail;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "transaction");
  json_builder_add_int_value (b, transaction_id);
  add_string (b, "reference", t.reference);
  add_string (b, "status", rl_gateway_status_to_id (t.status));
  add_time (b, "received_at", t.received_at);
  if (t.status == RL_GATEWAY_QUEUED)
    {
      add_string (b, "message", "queued for examiner review");
      add_string (b, "reason", search ? rl_search_reason_to_id (search->reason) : NULL);
      {
        g_autofree char *poll = g_strdup_printf ("/gateway/v1/transactions/%" G_GINT64_FORMAT, transaction_id);
        add_string (b, "poll", poll);
      }
    }
  else
    {
      add_time (b, "answered_at", t.answered_at);
      add_string (b, "decided_by", search && search->status == RL_SEARCH_AUTOMATIC ? "matcher" : "examiners");
      if (t.status == RL_GATEWAY_MATCH)
        {
          gint64 identity = surviving_identity (store, t.identity_id, error);
          if (identity == 0 || !build_match (store, partner, identity, b, &disclosed, error))
            goto fail;
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  answer = json_generator_to_data (gen, NULL);

  {
    g_autofree char *identity = id_text (t.identity_id);
    g_autofree char *transaction = id_text (transaction_id);
    g_autofree char *fields = g_strdup_printf ("%u", disclosed.n_fields);
    g_autofree char *records = g_strdup_printf ("%u", disclosed.n_shared_records);
    g_autofree char *held = g_strdup_printf ("%u", disclosed.n_held_by);
    g_autofree char *encounters = g_strdup_printf ("%u", disclosed.n_encounters);

    details = rl_json_object ("partner", partner->name, "transaction", transaction, "reference", t.reference,
                              "status", rl_gateway_status_to_id (t.status),
                              "identity", t.status == RL_GATEWAY_MATCH ? identity : "",
                              "fields_shared", fields, "records_shared", records, "held_by", held,
                              "encounters_shared", encounters, NULL);
  }
  if (!rl_store_audit_append (store, "gateway.answer", "gateway_transaction", t.id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (store, error))
    return NULL;
  if (out_status)
    *out_status = t.status;
  return g_steal_pointer (&answer);
fail:
  rl_store_rollback (store);
  return NULL;
}

/* ---------------------------------------------------------- submissions */

char *
rl_gateway_submit (RlStore *store, const RlPartner *partner, const char *format, const guint8 *body, gsize len,
                   gint64 *out_transaction_id, RlGatewayStatus *out_status, GError **error)
{
  g_autoptr(RlGatewaySubmission) submission = NULL;
  g_autoptr(RlAn2kTransaction) an2k = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *reference = NULL;
  g_autofree char *public_id = NULL;
  g_autofree char *details = NULL;
  g_auto(Prepared) prepared = { 0 };
  RlSearchOutcome outcome = { 0 };
  RlGatewayStatus status;
  RlEncounterPurpose purpose = RL_PURPOSE_OTHER;
  gint64 encounter_id = 0, transaction_row, matched = 0;
  int n_templates = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && partner != NULL, NULL);
  g_return_val_if_fail (body != NULL || len == 0, NULL);

  /* 1. Read it: nothing is written for a submission we cannot read. */
  if (len > RL_GATEWAY_MAX_BODY_BYTES)
    g_set_error (&local, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_TOO_LARGE,
                 _("The submission is %" G_GSIZE_FORMAT " bytes; at most %u are taken"), len, RL_GATEWAY_MAX_BODY_BYTES);
  else if (g_strcmp0 (format, "json") == 0)
    {
      if ((submission = rl_gateway_parse_json (body, len, &local)))
        reference = g_strdup (submission->reference);
    }
  else if (g_strcmp0 (format, "an2k") == 0)
    {
      g_autoptr(GError) an2k_error = NULL;

      if (len > 0 && body[0] == '<')
        an2k = rl_an2k_read_xml ((const char *) body, len, &an2k_error);
      else
        an2k = rl_an2k_read_data (body, len, &an2k_error);
      if (an2k == NULL)
        g_set_error (&local, RL_GATEWAY_ERROR,
                     g_error_matches (an2k_error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE)
                     ? RL_GATEWAY_ERROR_TOO_LARGE : RL_GATEWAY_ERROR_MALFORMED,
                     _("The ANSI/NIST-ITL transaction cannot be read: %s"), an2k_error->message);
      else
        {
          /* The partner's reference: TCN (1.009). */
          const char *tcn = rl_an2k_record_get_text (rl_an2k_transaction_get_record (an2k, 0), 9);
          reference = g_strndup (tcn && g_utf8_validate (tcn, -1, NULL) ? tcn : "", RL_GATEWAY_MAX_REFERENCE);
        }
    }
  else
    g_set_error (&local, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_UNSUPPORTED,
                 _("Submissions are JSON (application/json) or ANSI/NIST-ITL (application/x-an2k)"));
  if (local == NULL)
    query_purpose (partner, submission ? submission->purpose : NULL, &purpose, &local);
  if (local != NULL)
    {
      audit_rejection (store, partner, format, reference, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  /* Decoded and extracted before any lock is taken. */
  if (submission && (n_templates = prepare_json (submission, prepared.fingers, notes, &local)) < 0)
    goto fail_committed;

  if (!(public_id = rl_sharing_random_token (TRANSACTION_PREFIX, TRANSACTION_RANDOM_BYTES, error)))
    return NULL;

  /* A gallery shared between the server's workers is only brought up to
   * date outside a transaction (rl-search.h): now, before this one. */
  if (!rl_search_refresh (store, error))
    return NULL;
  /* A JSON submission's prints are searched now too, before the write lock
   * is taken: the 1:N scan is the long part, and other connections' writes
   * must not wait for it. What is stored meanwhile by others is not in
   * this search, as if the partner had sent it a moment earlier. (An
   * ANSI/NIST-ITL transaction's prints are extracted by the import inside
   * the transaction, so they are still scanned there.) */
  if (submission)
    for (guint i = 0; i < submission->n_fingers; i++)
      if (prepared.fingers[i].tpl != NULL &&
          !(prepared.fingers[i].scan = rl_search_scan_print (store, prepared.fingers[i].tpl,
                                                             (RlFingerPosition) submission->fingers[i].position,
                                                             prepared.fingers[i].quality, error)))
        return NULL;

  /* 2. Enroll, record and search it, all or nothing. */
  if (!rl_store_begin (store, error))
    return NULL;
  if (submission)
    {
      if ((encounter_id = add_partner_encounter (store, partner, reference, purpose, &local)) == 0)
        goto fail;
      if (!enroll_json (store, encounter_id, submission, prepared.fingers, &local))
        goto fail;
    }
  else if ((encounter_id = enroll_an2k (store, partner, an2k, reference, purpose, &n_templates, notes, &local)) == 0)
    goto fail;
  if (n_templates == 0)
    {
      g_set_error (&local, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_MALFORMED,
                   _("None of the prints could be searched (%s)"), notes->len ? notes->str : _("no print found"));
      goto fail;
    }

  if (!(stmt = rl_store_stmt (store, "INSERT INTO gateway_transaction (public_id, partner_id, reference, format, "
                                     "received_at, encounter_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &local)))
    goto fail;
  sqlite3_bind_text (stmt, 1, public_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, partner->id);
  sqlite3_bind_text (stmt, 3, reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, format, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (store));
  sqlite3_bind_int64 (stmt, 6, encounter_id);
  if (!rl_store_run (store, stmt, &local, _("Cannot record the transaction")))
    goto fail;
  transaction_row = sqlite3_last_insert_rowid (store->db);
  {
    g_autofree char *enc = id_text (encounter_id);
    g_autofree char *transaction = id_text (transaction_row);
    g_autofree char *prints = g_strdup_printf ("%d", n_templates);
    details = rl_json_object ("partner", partner->name, "transaction", transaction, "reference", reference,
                              "purpose", rl_encounter_purpose_to_id (purpose),
                              "format", format, "encounter", enc, "searchable_prints", prints,
                              "notes", notes->str, NULL);
  }
  /* The query's purpose is the audit row's purpose too, as for a person's
   * record opened by one of our users. */
  if (!rl_store_audit_append (store, "gateway.query", "gateway_transaction", transaction_row,
                              rl_encounter_purpose_to_id (purpose), details, &local))
    goto fail;

  if (submission)
    {
      gint64 sample_ids[RL_GATEWAY_MAX_FINGERS];
      RlSearchScan *scans[RL_GATEWAY_MAX_FINGERS];
      guint n_scans = 0;

      for (guint i = 0; i < submission->n_fingers; i++)
        if (prepared.fingers[i].scan != NULL)
          {
            sample_ids[n_scans] = prepared.fingers[i].sample_id;
            scans[n_scans++] = prepared.fingers[i].scan;
          }
      if (!rl_search_encounter_scanned (store, encounter_id, sample_ids, scans, n_scans, &outcome, &local))
        goto fail;
    }
  else if (!rl_search_encounter (store, encounter_id, &outcome, &local))
    goto fail;
  if (outcome.search_id == 0)
    {
      g_set_error (&local, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_FAILED, _("The prints were not searched"));
      goto fail;
    }
  if (outcome.status == RL_SEARCH_AUTOMATIC)
    {
      g_autoptr(RlEncounter) encounter = rl_store_get_encounter (store, encounter_id, &local);

      if (encounter == NULL || !automatic_decision (store, outcome.search_id, encounter->identity_id, &matched, &local))
        goto fail;
      status = matched ? RL_GATEWAY_MATCH : RL_GATEWAY_NO_MATCH;
    }
  else
    status = RL_GATEWAY_QUEUED;
  if (!conclude_transaction (store, transaction_row, encounter_id, outcome.search_id, status, matched, &local))
    goto fail;
  if (!rl_store_commit (store, &local))
    goto fail_committed;

  /* 3. Answer (audited). */
  if (out_transaction_id)
    *out_transaction_id = transaction_row;
  return rl_gateway_answer (store, partner, transaction_row, out_status, error);

fail:
  rl_store_rollback (store);
fail_committed:
  if (local && local->domain == RL_GATEWAY_ERROR)
    audit_rejection (store, partner, format, reference, local);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}
