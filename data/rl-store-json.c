/* rl-store-json.c — store structs ⇄ JSON (see the header). */
#define G_LOG_DOMAIN "ridgeline-store"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "rl-store-json.h"

void
rl_json_add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
rl_json_add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
rl_json_add_id (JsonBuilder *b, const char *name, gint64 id)
{
  json_builder_set_member_name (b, name);
  if (id != 0)
    json_builder_add_int_value (b, id);
  else
    json_builder_add_null_value (b);
}

void
rl_json_add_time (JsonBuilder *b, const char *name, gint64 t)
{
  g_autoptr(GDateTime) dt = t ? g_date_time_new_from_unix_utc (t) : NULL;
  g_autofree char *text = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  rl_json_add_string (b, name, text);
}

void
rl_json_add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
rl_json_add_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
rl_json_add_array (JsonBuilder *b, const char *name, GPtrArray *items, RlJsonItemFunc func)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; items && i < items->len; i++)
    func (b, g_ptr_array_index (items, i));
  json_builder_end_array (b);
}

void
rl_json_user (JsonBuilder *b, const RlUser *u)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", u->id);
  rl_json_add_string (b, "username", u->username);
  rl_json_add_string (b, "display_name", u->display_name);
  rl_json_add_string (b, "role", rl_role_to_id (u->role));
  rl_json_add_string (b, "agency", u->agency);
  rl_json_add_int (b, "agency_id", u->agency_id);
  rl_json_add_bool (b, "active", u->active);
  json_builder_end_object (b);
}

void
rl_json_search (JsonBuilder *b, const RlSearch *s)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", s->id);
  rl_json_add_id (b, "probe_sample_id", s->probe_sample_id);
  rl_json_add_id (b, "release_id", s->release_id);
  rl_json_add_time (b, "created_at", s->created_at);
  rl_json_add_string (b, "status", rl_search_status_to_id (s->status));
  rl_json_add_string (b, "reason", rl_search_reason_to_id (s->reason));
  rl_json_add_int (b, "priority", s->priority);
  rl_json_add_id (b, "claimed_by", s->claimed_by);
  rl_json_add_time (b, "claimed_at", s->claimed_at);
  rl_json_add_id (b, "assigned_to", s->assigned_to);
  rl_json_add_string (b, "case_reference", s->case_reference);
  rl_json_add_id (b, "probe_encounter_id", s->probe_encounter_id);
  rl_json_add_id (b, "probe_identity_id", s->probe_identity_id);
  rl_json_add_string (b, "agency", s->agency);
  rl_json_add_int (b, "probe_quality", s->probe_quality);
  rl_json_add_int (b, "probe_finger", s->probe_finger);
  rl_json_add_int (b, "n_candidates", s->n_candidates);
  rl_json_add_double (b, "best_score", s->best_score);
  json_builder_end_object (b);
}

void
rl_json_candidate (JsonBuilder *b, const RlSearchCandidate *c)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", c->id);
  rl_json_add_int (b, "search_id", c->search_id);
  rl_json_add_int (b, "rank", c->rank);
  rl_json_add_double (b, "score", c->score);
  rl_json_add_id (b, "sample_id", c->sample_id);
  rl_json_add_id (b, "encounter_id", c->encounter_id);
  rl_json_add_id (b, "identity_id", c->identity_id);
  rl_json_add_int (b, "finger", c->finger);
  rl_json_add_int (b, "quality", c->quality);
  rl_json_add_time (b, "encounter_at", c->encounter_at);
  rl_json_add_string (b, "agency", c->agency);
  rl_json_add_string (b, "identity_reference", c->identity_reference);
  rl_json_add_string (b, "family_name", c->family_name);
  rl_json_add_string (b, "given_names", c->given_names);
  json_builder_end_object (b);
}

void
rl_json_sample (JsonBuilder *b, const RlSample *s)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", s->id);
  rl_json_add_id (b, "encounter_id", s->encounter_id);
  rl_json_add_id (b, "identity_id", s->identity_id);
  rl_json_add_int (b, "finger", s->finger);
  rl_json_add_int (b, "impression", s->impression);
  rl_json_add_string (b, "image_sha256", s->image_sha256);
  rl_json_add_int (b, "width", s->width);
  rl_json_add_int (b, "height", s->height);
  rl_json_add_int (b, "ppi", s->ppi);
  rl_json_add_int (b, "quality", s->quality);
  rl_json_add_bool (b, "has_template", s->has_template);
  rl_json_add_string (b, "source", s->source);
  json_builder_end_object (b);
}

void
rl_json_encounter (JsonBuilder *b, const RlEncounter *e)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", e->id);
  rl_json_add_id (b, "identity_id", e->identity_id);
  rl_json_add_string (b, "agency", e->agency);
  rl_json_add_time (b, "occurred_at", e->occurred_at);
  rl_json_add_string (b, "purpose", rl_encounter_purpose_to_id (e->purpose));
  rl_json_add_string (b, "place", e->place);
  rl_json_add_string (b, "case_reference", e->case_reference);
  rl_json_add_id (b, "agency_id", e->agency_id);
  /* Biographic data as this agency recorded it, never merged. */
  json_builder_set_member_name (b, "biographic");
  json_builder_begin_object (b);
  rl_json_add_string (b, "family_name", e->family_name);
  rl_json_add_string (b, "given_names", e->given_names);
  rl_json_add_string (b, "date_of_birth", e->date_of_birth);
  rl_json_add_string (b, "nationality", e->nationality);
  rl_json_add_string (b, "sex", e->sex);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

void
rl_json_identity (JsonBuilder *b, const RlIdentity *i)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", i->id);
  rl_json_add_string (b, "reference", i->reference);
  rl_json_add_time (b, "created_at", i->created_at);
  rl_json_add_id (b, "merged_into", i->merged_into);
  rl_json_add_string (b, "family_name", i->family_name);
  rl_json_add_string (b, "given_names", i->given_names);
  rl_json_add_string (b, "date_of_birth", i->date_of_birth);
  rl_json_add_string (b, "nationality", i->nationality);
  rl_json_add_string (b, "sex", i->sex);
  rl_json_add_int (b, "n_encounters", i->n_encounters);
  rl_json_add_int (b, "n_derogatory", i->n_derogatory);
  rl_json_add_time (b, "first_seen", i->first_seen);
  rl_json_add_time (b, "last_seen", i->last_seen);
  json_builder_end_object (b);
}

void
rl_json_derogatory (JsonBuilder *b, const RlDerogatoryRecord *r)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", r->id);
  rl_json_add_id (b, "identity_id", r->identity_id);
  rl_json_add_string (b, "category", rl_derogatory_category_to_id (r->category));
  rl_json_add_id (b, "source_agency_id", r->source_agency_id);
  rl_json_add_string (b, "source_agency", r->source_agency);
  rl_json_add_bool (b, "restricted", r->restricted);
  /* Withheld: the store left summary and dates out; say only who holds it. */
  rl_json_add_bool (b, "withheld", r->withheld);
  if (r->withheld)
    {
      g_autofree char *held = g_strdup_printf ("Held by %s", r->source_agency);
      rl_json_add_string (b, "held_by", held);
    }
  rl_json_add_string (b, "summary", r->withheld ? NULL : r->summary);
  rl_json_add_string (b, "recorded_on", r->withheld ? NULL : r->recorded_on);
  rl_json_add_string (b, "expires_on", r->withheld ? NULL : r->expires_on);
  rl_json_add_time (b, "created_at", r->created_at);
  json_builder_end_object (b);
}

void
rl_json_hit (JsonBuilder *b, const RlHit *h)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", h->id);
  rl_json_add_id (b, "search_id", h->search_id);
  rl_json_add_id (b, "encounter_id", h->encounter_id);
  rl_json_add_id (b, "identity_id", h->identity_id);
  rl_json_add_id (b, "candidate_id", h->candidate_id);
  rl_json_add_double (b, "score", h->score);
  rl_json_add_string (b, "status", rl_hit_status_to_id (h->status));
  rl_json_add_time (b, "created_at", h->created_at);
  json_builder_end_object (b);
}

void
rl_json_hit_row (JsonBuilder *b, const RlHitRow *row)
{
  const RlHit *h = row->hit;

  json_builder_begin_object (b);
  rl_json_add_int (b, "id", h->id);
  rl_json_add_id (b, "search_id", h->search_id);
  rl_json_add_id (b, "encounter_id", h->encounter_id);
  rl_json_add_id (b, "identity_id", h->identity_id);
  rl_json_add_id (b, "candidate_id", h->candidate_id);
  rl_json_add_double (b, "score", h->score);
  rl_json_add_string (b, "status", rl_hit_status_to_id (h->status));
  rl_json_add_time (b, "created_at", h->created_at);
  rl_json_add_string (b, "encounter_agency", row->encounter_agency);
  if (row->records)
    rl_json_add_array (b, "derogatory_records", row->records, (RlJsonItemFunc) rl_json_derogatory);
  else
    {
      json_builder_set_member_name (b, "derogatory_records");
      json_builder_add_null_value (b);
    }
  json_builder_end_object (b);
}

void
rl_json_conclusion (JsonBuilder *b, const RlConclusion *c)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", c->id);
  rl_json_add_id (b, "search_id", c->search_id);
  rl_json_add_id (b, "candidate_id", c->candidate_id);
  rl_json_add_id (b, "probe_sample_id", c->probe_sample_id);
  rl_json_add_id (b, "candidate_sample_id", c->candidate_sample_id);
  rl_json_add_id (b, "examiner_id", c->examiner_id);
  rl_json_add_string (b, "decision", rl_decision_to_id (c->decision));
  rl_json_add_string (b, "reasons", c->reasons);
  rl_json_add_string (b, "notes", c->notes);
  rl_json_add_id (b, "supersedes", c->supersedes);
  rl_json_add_time (b, "created_at", c->created_at);
  json_builder_end_object (b);
}

void
rl_json_verification (JsonBuilder *b, const RlVerification *v)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", v->id);
  rl_json_add_id (b, "conclusion_id", v->conclusion_id);
  rl_json_add_id (b, "verifier_id", v->verifier_id);
  rl_json_add_bool (b, "blind", v->blind);
  rl_json_add_bool (b, "agrees", v->agrees);
  rl_json_add_string (b, "decision", v->decision ? rl_decision_to_id (v->decision) : NULL);
  rl_json_add_string (b, "reasons", v->reasons);
  rl_json_add_time (b, "created_at", v->created_at);
  json_builder_end_object (b);
}

void
rl_json_correction (JsonBuilder *b, const RlCorrection *c)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", c->id);
  rl_json_add_string (b, "kind", rl_correction_kind_to_id (c->kind));
  rl_json_add_id (b, "probe_sample_id", c->probe_sample_id);
  rl_json_add_id (b, "candidate_sample_id", c->candidate_sample_id);
  rl_json_add_id (b, "search_id", c->search_id);
  rl_json_add_id (b, "conclusion_id", c->conclusion_id);
  rl_json_add_id (b, "release_id", c->release_id);
  rl_json_add_double (b, "score", c->score);
  rl_json_add_id (b, "reported_by", c->reported_by);
  rl_json_add_string (b, "reason", c->reason);
  rl_json_add_string (b, "status", rl_correction_status_to_id (c->status));
  rl_json_add_id (b, "reviewed_by", c->reviewed_by);
  rl_json_add_time (b, "reviewed_at", c->reviewed_at);
  rl_json_add_time (b, "created_at", c->created_at);
  json_builder_end_object (b);
}

/* JSON text from the store as a nested value (null when empty or broken). */
static void
add_raw_json (JsonBuilder *b, const char *name, const char *text)
{
  g_autoptr(JsonNode) node = text && *text ? json_from_string (text, NULL) : NULL;

  json_builder_set_member_name (b, name);
  if (node)
    json_builder_add_value (b, g_steal_pointer (&node));
  else
    json_builder_add_null_value (b);
}

void
rl_json_release (JsonBuilder *b, const RlMatcherRelease *r)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", r->id);
  rl_json_add_string (b, "name", r->name);
  rl_json_add_string (b, "state", rl_release_state_to_id (r->state));
  add_raw_json (b, "parameters", r->parameters);
  add_raw_json (b, "metrics", r->metrics);
  rl_json_add_id (b, "author_id", r->author_id);
  rl_json_add_id (b, "approver_id", r->approver_id);
  rl_json_add_string (b, "review_comment", r->review_comment);
  rl_json_add_id (b, "based_on", r->based_on);
  rl_json_add_time (b, "created_at", r->created_at);
  rl_json_add_time (b, "evaluated_at", r->evaluated_at);
  rl_json_add_time (b, "reviewed_at", r->reviewed_at);
  rl_json_add_time (b, "activated_at", r->activated_at);
  rl_json_add_time (b, "retired_at", r->retired_at);
  json_builder_end_object (b);
}

void
rl_json_audit_entry (JsonBuilder *b, const RlAuditEntry *e)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", e->id);
  rl_json_add_time (b, "at", e->at);
  rl_json_add_id (b, "user_id", e->user_id);
  rl_json_add_string (b, "username", e->username);
  rl_json_add_string (b, "action", e->action);
  rl_json_add_string (b, "object_kind", e->object_kind);
  rl_json_add_id (b, "object_id", e->object_id);
  rl_json_add_string (b, "purpose", e->purpose);
  add_raw_json (b, "details", e->details);
  rl_json_add_string (b, "hash", e->hash);
  json_builder_end_object (b);
}

void
rl_json_link (JsonBuilder *b, const RlIdentityLink *l)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", l->id);
  rl_json_add_int (b, "identity_a", l->identity_a);
  rl_json_add_int (b, "identity_b", l->identity_b);
  rl_json_add_string (b, "colour", rl_link_colour_to_id (l->colour));
  rl_json_add_double (b, "score", l->score);
  rl_json_add_time (b, "created_at", l->created_at);
  rl_json_add_id (b, "resolved_by", l->resolved_by);
  rl_json_add_time (b, "resolved_at", l->resolved_at);
  rl_json_add_string (b, "reason", l->reason);
  json_builder_end_object (b);
}

void
rl_json_agency (JsonBuilder *b, const RlAgency *a)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", a->id);
  rl_json_add_string (b, "code", a->code);
  rl_json_add_string (b, "name", a->name);
  json_builder_end_object (b);
}

void
rl_json_access_grant (JsonBuilder *b, const RlAccessGrant *g)
{
  json_builder_begin_object (b);
  rl_json_add_int (b, "id", g->id);
  rl_json_add_string (b, "source_agency", g->source_agency);
  rl_json_add_string (b, "role", g->role ? rl_role_to_id (g->role) : NULL);
  rl_json_add_string (b, "agency", g->agency);
  rl_json_add_string (b, "granted_by", g->granted_by);
  rl_json_add_time (b, "granted_at", g->granted_at);
  json_builder_end_object (b);
}

/* ================================================================ readers */

static gboolean
malformed (GError **error, const char *what, const char *name, const char *problem)
{
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server’s reply is malformed: %s.%s %s"), what,
               name, problem);
  return FALSE;
}

/* The member's node, NULL when absent or null. */
static JsonNode *
member (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

JsonObject *
rl_json_expect_object (JsonNode *node, const char *what, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: %s is not a JSON object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

/* Only an integer node is read as an integer: json_node_get_int() would cast
 * a double, which is undefined behaviour when it is out of range. */
static gboolean
get_int64 (JsonObject *o, const char *what, const char *name, gboolean required, gint64 *out, GError **error)
{
  JsonNode *node = member (o, name);

  *out = 0;
  if (node == NULL)
    return required ? malformed (error, what, name, _("is missing")) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return malformed (error, what, name, _("is not an integer"));
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
rl_json_read_id (JsonObject *o, const char *what, const char *name, gint64 *out, GError **error)
{
  if (!get_int64 (o, what, name, FALSE, out, error))
    return FALSE;
  if (*out < 0)
    {
      *out = 0;
      return malformed (error, what, name, _("is a negative id"));
    }
  return TRUE;
}

gboolean
rl_json_read_int (JsonObject *o, const char *what, const char *name, gint64 min, gint64 max, gint64 *out,
                 GError **error)
{
  if (!get_int64 (o, what, name, TRUE, out, error))
    return FALSE;
  if (*out < min || *out > max)
    {
      g_autofree char *problem = g_strdup_printf (_("is %" G_GINT64_FORMAT ", outside %" G_GINT64_FORMAT
                                                    "…%" G_GINT64_FORMAT), *out, min, max);
      *out = 0;
      return malformed (error, what, name, problem);
    }
  return TRUE;
}

gboolean
rl_json_read_string (JsonObject *o, const char *what, const char *name, char **out, GError **error)
{
  JsonNode *node = member (o, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return malformed (error, what, name, _("is not a string"));
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
rl_json_read_time (JsonObject *o, const char *what, const char *name, gint64 *out, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) dt = NULL;

  *out = 0;
  if (!rl_json_read_string (o, what, name, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!(dt = g_date_time_new_from_iso8601 (text, NULL)))
    return malformed (error, what, name, _("is not an ISO 8601 time"));
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

gboolean
rl_json_read_double (JsonObject *o, const char *what, const char *name, double *out, GError **error)
{
  JsonNode *node = member (o, name);
  GType type;

  *out = NAN;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return malformed (error, what, name, _("is not a number"));
  return TRUE;
}

/* A score: a float (out of range or not a number: refused). */
static gboolean
get_float (JsonObject *o, const char *what, const char *name, float *out, GError **error)
{
  double value;

  *out = NAN;
  if (!rl_json_read_double (o, what, name, &value, error))
    return FALSE;
  if (!isnan (value) && (value > G_MAXFLOAT || value < -G_MAXFLOAT))
    return malformed (error, what, name, _("is out of range"));
  *out = (float) value;
  return TRUE;
}

gboolean
rl_json_read_bool (JsonObject *o, const char *what, const char *name, gboolean *out, GError **error)
{
  JsonNode *node = member (o, name);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return malformed (error, what, name, _("is not true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
rl_json_read_raw (JsonObject *o, const char *what, const char *name, char **out, GError **error)
{
  JsonNode *node = member (o, name);

  *out = node ? json_to_string (node, FALSE) : NULL;
  return TRUE;
}

/* An int-sized member in [min, max]. */
#define GET_INT(o, what, name, min, max, lvalue)                                \
  G_STMT_START {                                                                \
    gint64 v_;                                                                  \
    if (!rl_json_read_int (o, what, name, min, max, &v_, error))                 \
      return NULL;                                                              \
    lvalue = v_;                                                                \
  } G_STMT_END

/* An enum member by its stable id; required unless `optional`. */
#define GET_ENUM(o, what, name, from_id, optional, lvalue)                      \
  G_STMT_START {                                                                \
    g_autofree char *id_ = NULL;                                                \
    if (!rl_json_read_string (o, what, name, &id_, error))                       \
      return NULL;                                                              \
    if (id_ == NULL && !(optional))                                             \
      {                                                                         \
        malformed (error, what, name, _("is missing"));                         \
        return NULL;                                                            \
      }                                                                         \
    if (id_ != NULL && !from_id (id_, &(lvalue)))                               \
      {                                                                         \
        g_autofree char *problem_ = g_strdup_printf (_("has an unknown value “%s”"), id_); \
        malformed (error, what, name, problem_);                                \
        return NULL;                                                            \
      }                                                                         \
  } G_STMT_END

#define CHECK(call) G_STMT_START { if (!(call)) return NULL; } G_STMT_END

#define MAX_FINGER 10

RlUser *
rl_user_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "user", error);
  g_autoptr(RlUser) u = NULL;
  const char *w = "user";

  if (o == NULL)
    return NULL;
  u = g_new0 (RlUser, 1);
  u->active = TRUE;
  CHECK (rl_json_read_id (o, w, "id", &u->id, error));
  CHECK (rl_json_read_string (o, w, "username", &u->username, error));
  CHECK (rl_json_read_string (o, w, "display_name", &u->display_name, error));
  GET_ENUM (o, w, "role", rl_role_from_id, FALSE, u->role);
  CHECK (rl_json_read_string (o, w, "agency", &u->agency, error));
  CHECK (rl_json_read_id (o, w, "agency_id", &u->agency_id, error));
  if (json_object_has_member (o, "active"))
    CHECK (rl_json_read_bool (o, w, "active", &u->active, error));
  if (u->id == 0 || u->username == NULL)
    {
      malformed (error, w, u->id == 0 ? "id" : "username", _("is missing"));
      return NULL;
    }
  if (u->display_name == NULL)
    u->display_name = g_strdup (u->username);
  if (u->agency == NULL)
    u->agency = g_strdup ("");
  return g_steal_pointer (&u);
}

RlSearch *
rl_search_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "search", error);
  g_autoptr(RlSearch) s = NULL;
  const char *w = "search";
  gint64 n_candidates;

  if (o == NULL)
    return NULL;
  s = g_new0 (RlSearch, 1);
  CHECK (rl_json_read_id (o, w, "id", &s->id, error));
  CHECK (rl_json_read_id (o, w, "probe_sample_id", &s->probe_sample_id, error));
  CHECK (rl_json_read_id (o, w, "release_id", &s->release_id, error));
  CHECK (rl_json_read_time (o, w, "created_at", &s->created_at, error));
  GET_ENUM (o, w, "status", rl_search_status_from_id, FALSE, s->status);
  GET_ENUM (o, w, "reason", rl_search_reason_from_id, FALSE, s->reason);
  GET_INT (o, w, "priority", 0, 100, s->priority);
  CHECK (rl_json_read_id (o, w, "claimed_by", &s->claimed_by, error));
  CHECK (rl_json_read_time (o, w, "claimed_at", &s->claimed_at, error));
  CHECK (rl_json_read_id (o, w, "assigned_to", &s->assigned_to, error));
  CHECK (rl_json_read_string (o, w, "case_reference", &s->case_reference, error));
  CHECK (rl_json_read_id (o, w, "probe_encounter_id", &s->probe_encounter_id, error));
  CHECK (rl_json_read_id (o, w, "probe_identity_id", &s->probe_identity_id, error));
  CHECK (rl_json_read_string (o, w, "agency", &s->agency, error));
  GET_INT (o, w, "probe_quality", -1, 100, s->probe_quality);
  GET_INT (o, w, "probe_finger", 0, MAX_FINGER, s->probe_finger);
  CHECK (rl_json_read_int (o, w, "n_candidates", 0, G_MAXUINT32, &n_candidates, error));
  s->n_candidates = (guint) n_candidates;
  CHECK (get_float (o, w, "best_score", &s->best_score, error));
  if (isnan (s->best_score))
    s->best_score = 0;
  return g_steal_pointer (&s);
}

RlSearchCandidate *
rl_candidate_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "candidate", error);
  g_autoptr(RlSearchCandidate) c = NULL;
  const char *w = "candidate";
  gint64 rank;

  if (o == NULL)
    return NULL;
  c = g_new0 (RlSearchCandidate, 1);
  CHECK (rl_json_read_id (o, w, "id", &c->id, error));
  CHECK (rl_json_read_id (o, w, "search_id", &c->search_id, error));
  CHECK (rl_json_read_int (o, w, "rank", 1, G_MAXUINT32, &rank, error));
  c->rank = (guint) rank;
  CHECK (get_float (o, w, "score", &c->score, error));
  CHECK (rl_json_read_id (o, w, "sample_id", &c->sample_id, error));
  CHECK (rl_json_read_id (o, w, "encounter_id", &c->encounter_id, error));
  CHECK (rl_json_read_id (o, w, "identity_id", &c->identity_id, error));
  GET_INT (o, w, "finger", 0, MAX_FINGER, c->finger);
  GET_INT (o, w, "quality", -1, 100, c->quality);
  CHECK (rl_json_read_time (o, w, "encounter_at", &c->encounter_at, error));
  CHECK (rl_json_read_string (o, w, "agency", &c->agency, error));
  CHECK (rl_json_read_string (o, w, "identity_reference", &c->identity_reference, error));
  CHECK (rl_json_read_string (o, w, "family_name", &c->family_name, error));
  CHECK (rl_json_read_string (o, w, "given_names", &c->given_names, error));
  if (c->family_name == NULL)
    c->family_name = g_strdup ("");
  if (c->given_names == NULL)
    c->given_names = g_strdup ("");
  return g_steal_pointer (&c);
}

RlSample *
rl_sample_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "sample", error);
  g_autoptr(RlSample) s = NULL;
  const char *w = "sample";

  if (o == NULL)
    return NULL;
  s = g_new0 (RlSample, 1);
  CHECK (rl_json_read_id (o, w, "id", &s->id, error));
  CHECK (rl_json_read_id (o, w, "encounter_id", &s->encounter_id, error));
  CHECK (rl_json_read_id (o, w, "identity_id", &s->identity_id, error));
  GET_INT (o, w, "finger", 0, MAX_FINGER, s->finger);
  GET_INT (o, w, "impression", 0, 255, s->impression);
  CHECK (rl_json_read_string (o, w, "image_sha256", &s->image_sha256, error));
  GET_INT (o, w, "width", 0, G_MAXINT32, s->width);
  GET_INT (o, w, "height", 0, G_MAXINT32, s->height);
  GET_INT (o, w, "ppi", 0, G_MAXINT32, s->ppi);
  GET_INT (o, w, "quality", -1, 100, s->quality);
  CHECK (rl_json_read_bool (o, w, "has_template", &s->has_template, error));
  CHECK (rl_json_read_string (o, w, "source", &s->source, error));
  return g_steal_pointer (&s);
}

RlConclusion *
rl_conclusion_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "conclusion", error);
  g_autoptr(RlConclusion) c = NULL;
  const char *w = "conclusion";

  if (o == NULL)
    return NULL;
  c = g_new0 (RlConclusion, 1);
  CHECK (rl_json_read_id (o, w, "id", &c->id, error));
  CHECK (rl_json_read_id (o, w, "search_id", &c->search_id, error));
  CHECK (rl_json_read_id (o, w, "candidate_id", &c->candidate_id, error));
  CHECK (rl_json_read_id (o, w, "probe_sample_id", &c->probe_sample_id, error));
  CHECK (rl_json_read_id (o, w, "candidate_sample_id", &c->candidate_sample_id, error));
  CHECK (rl_json_read_id (o, w, "examiner_id", &c->examiner_id, error));
  GET_ENUM (o, w, "decision", rl_decision_from_id, FALSE, c->decision);
  CHECK (rl_json_read_string (o, w, "reasons", &c->reasons, error));
  CHECK (rl_json_read_string (o, w, "notes", &c->notes, error));
  CHECK (rl_json_read_id (o, w, "supersedes", &c->supersedes, error));
  CHECK (rl_json_read_time (o, w, "created_at", &c->created_at, error));
  return g_steal_pointer (&c);
}

RlVerification *
rl_verification_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "verification", error);
  g_autoptr(RlVerification) v = NULL;
  const char *w = "verification";

  if (o == NULL)
    return NULL;
  v = g_new0 (RlVerification, 1);
  CHECK (rl_json_read_id (o, w, "id", &v->id, error));
  CHECK (rl_json_read_id (o, w, "conclusion_id", &v->conclusion_id, error));
  CHECK (rl_json_read_id (o, w, "verifier_id", &v->verifier_id, error));
  CHECK (rl_json_read_bool (o, w, "blind", &v->blind, error));
  CHECK (rl_json_read_bool (o, w, "agrees", &v->agrees, error));
  GET_ENUM (o, w, "decision", rl_decision_from_id, TRUE, v->decision);
  CHECK (rl_json_read_string (o, w, "reasons", &v->reasons, error));
  CHECK (rl_json_read_time (o, w, "created_at", &v->created_at, error));
  return g_steal_pointer (&v);
}

RlCorrection *
rl_correction_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "correction", error);
  g_autoptr(RlCorrection) c = NULL;
  const char *w = "correction";

  if (o == NULL)
    return NULL;
  c = g_new0 (RlCorrection, 1);
  CHECK (rl_json_read_id (o, w, "id", &c->id, error));
  GET_ENUM (o, w, "kind", rl_correction_kind_from_id, FALSE, c->kind);
  CHECK (rl_json_read_id (o, w, "probe_sample_id", &c->probe_sample_id, error));
  CHECK (rl_json_read_id (o, w, "candidate_sample_id", &c->candidate_sample_id, error));
  CHECK (rl_json_read_id (o, w, "search_id", &c->search_id, error));
  CHECK (rl_json_read_id (o, w, "conclusion_id", &c->conclusion_id, error));
  CHECK (rl_json_read_id (o, w, "release_id", &c->release_id, error));
  CHECK (get_float (o, w, "score", &c->score, error));
  CHECK (rl_json_read_id (o, w, "reported_by", &c->reported_by, error));
  CHECK (rl_json_read_string (o, w, "reason", &c->reason, error));
  GET_ENUM (o, w, "status", rl_correction_status_from_id, FALSE, c->status);
  CHECK (rl_json_read_id (o, w, "reviewed_by", &c->reviewed_by, error));
  CHECK (rl_json_read_time (o, w, "reviewed_at", &c->reviewed_at, error));
  CHECK (rl_json_read_time (o, w, "created_at", &c->created_at, error));
  return g_steal_pointer (&c);
}

RlMatcherRelease *
rl_release_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "release", error);
  g_autoptr(RlMatcherRelease) r = NULL;
  const char *w = "release";

  if (o == NULL)
    return NULL;
  r = g_new0 (RlMatcherRelease, 1);
  CHECK (rl_json_read_id (o, w, "id", &r->id, error));
  CHECK (rl_json_read_string (o, w, "name", &r->name, error));
  GET_ENUM (o, w, "state", rl_release_state_from_id, FALSE, r->state);
  CHECK (rl_json_read_raw (o, w, "parameters", &r->parameters, error));
  CHECK (rl_json_read_raw (o, w, "metrics", &r->metrics, error));
  CHECK (rl_json_read_id (o, w, "author_id", &r->author_id, error));
  CHECK (rl_json_read_id (o, w, "approver_id", &r->approver_id, error));
  CHECK (rl_json_read_string (o, w, "review_comment", &r->review_comment, error));
  CHECK (rl_json_read_id (o, w, "based_on", &r->based_on, error));
  CHECK (rl_json_read_time (o, w, "created_at", &r->created_at, error));
  CHECK (rl_json_read_time (o, w, "evaluated_at", &r->evaluated_at, error));
  CHECK (rl_json_read_time (o, w, "reviewed_at", &r->reviewed_at, error));
  CHECK (rl_json_read_time (o, w, "activated_at", &r->activated_at, error));
  CHECK (rl_json_read_time (o, w, "retired_at", &r->retired_at, error));
  if (r->parameters == NULL)
    r->parameters = g_strdup ("{}");
  return g_steal_pointer (&r);
}

RlAuditEntry *
rl_audit_entry_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "audit entry", error);
  g_autoptr(RlAuditEntry) e = NULL;
  const char *w = "entry";

  if (o == NULL)
    return NULL;
  e = g_new0 (RlAuditEntry, 1);
  CHECK (rl_json_read_id (o, w, "id", &e->id, error));
  CHECK (rl_json_read_time (o, w, "at", &e->at, error));
  CHECK (rl_json_read_id (o, w, "user_id", &e->user_id, error));
  CHECK (rl_json_read_string (o, w, "username", &e->username, error));
  CHECK (rl_json_read_string (o, w, "action", &e->action, error));
  CHECK (rl_json_read_string (o, w, "object_kind", &e->object_kind, error));
  CHECK (rl_json_read_id (o, w, "object_id", &e->object_id, error));
  CHECK (rl_json_read_string (o, w, "purpose", &e->purpose, error));
  CHECK (rl_json_read_raw (o, w, "details", &e->details, error));
  CHECK (rl_json_read_string (o, w, "hash", &e->hash, error));
  if (e->action == NULL)
    e->action = g_strdup ("");
  if (e->object_kind == NULL)
    e->object_kind = g_strdup ("");
  if (e->purpose == NULL)
    e->purpose = g_strdup ("");
  if (e->details == NULL)
    e->details = g_strdup ("");
  return g_steal_pointer (&e);
}

GPtrArray *
rl_json_read_array (JsonObject *o, const char *name, RlJsonReadFunc func, GDestroyNotify free_func, GError **error)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: “%s” is not an array"), name);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      GError *local = NULL;
      gpointer item = func (json_array_get_element (array, i), &local);

      if (item == NULL)
        {
          g_propagate_prefixed_error (error, local, "%s[%u]: ", name, i);
          return NULL;
        }
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* ----------------------------------------- analyst, supervisor, steward: readers */

/* A string the store gives as "" when unknown (names, dates of birth). */
static void
empty_if_null (char **s)
{
  if (*s == NULL)
    *s = g_strdup ("");
}

RlHit *
rl_hit_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "hit", error);
  g_autoptr(RlHit) h = NULL;
  const char *w = "hit";

  if (o == NULL)
    return NULL;
  h = g_new0 (RlHit, 1);
  CHECK (rl_json_read_id (o, w, "id", &h->id, error));
  CHECK (rl_json_read_id (o, w, "search_id", &h->search_id, error));
  CHECK (rl_json_read_id (o, w, "encounter_id", &h->encounter_id, error));
  CHECK (rl_json_read_id (o, w, "identity_id", &h->identity_id, error));
  CHECK (rl_json_read_id (o, w, "candidate_id", &h->candidate_id, error));
  CHECK (get_float (o, w, "score", &h->score, error));
  GET_ENUM (o, w, "status", rl_hit_status_from_id, FALSE, h->status);
  CHECK (rl_json_read_time (o, w, "created_at", &h->created_at, error));
  return g_steal_pointer (&h);
}

RlHitRow *
rl_hit_row_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "hit", error);
  g_autoptr(RlHitRow) row = NULL;
  JsonNode *records;

  if (o == NULL)
    return NULL;
  row = g_new0 (RlHitRow, 1);
  CHECK ((row->hit = rl_hit_from_json (node, error)) != NULL);
  CHECK (rl_json_read_string (o, "hit", "encounter_agency", &row->encounter_agency, error));
  records = json_object_get_member (o, "derogatory_records");
  if (records != NULL && !JSON_NODE_HOLDS_NULL (records))
    CHECK ((row->records = rl_json_read_array (o, "derogatory_records", (RlJsonReadFunc) rl_derogatory_from_json,
                                               (GDestroyNotify) rl_derogatory_record_free, error)) != NULL);
  return g_steal_pointer (&row);
}

RlIdentity *
rl_identity_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "identity", error);
  g_autoptr(RlIdentity) i = NULL;
  const char *w = "identity";
  gint64 n;

  if (o == NULL)
    return NULL;
  i = g_new0 (RlIdentity, 1);
  CHECK (rl_json_read_id (o, w, "id", &i->id, error));
  CHECK (rl_json_read_string (o, w, "reference", &i->reference, error));
  CHECK (rl_json_read_time (o, w, "created_at", &i->created_at, error));
  CHECK (rl_json_read_id (o, w, "merged_into", &i->merged_into, error));
  CHECK (rl_json_read_string (o, w, "family_name", &i->family_name, error));
  CHECK (rl_json_read_string (o, w, "given_names", &i->given_names, error));
  CHECK (rl_json_read_string (o, w, "date_of_birth", &i->date_of_birth, error));
  CHECK (rl_json_read_string (o, w, "nationality", &i->nationality, error));
  CHECK (rl_json_read_string (o, w, "sex", &i->sex, error));
  CHECK (rl_json_read_int (o, w, "n_encounters", 0, G_MAXUINT32, &n, error));
  i->n_encounters = (guint) n;
  CHECK (rl_json_read_int (o, w, "n_derogatory", 0, G_MAXUINT32, &n, error));
  i->n_derogatory = (guint) n;
  CHECK (rl_json_read_time (o, w, "first_seen", &i->first_seen, error));
  CHECK (rl_json_read_time (o, w, "last_seen", &i->last_seen, error));
  empty_if_null (&i->reference);
  empty_if_null (&i->family_name);
  empty_if_null (&i->given_names);
  empty_if_null (&i->date_of_birth);
  empty_if_null (&i->nationality);
  empty_if_null (&i->sex);
  return g_steal_pointer (&i);
}

RlEncounter *
rl_encounter_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "encounter", error);
  g_autoptr(RlEncounter) e = NULL;
  const char *w = "encounter";
  JsonNode *bio_node;
  JsonObject *bio;

  if (o == NULL)
    return NULL;
  e = g_new0 (RlEncounter, 1);
  CHECK (rl_json_read_id (o, w, "id", &e->id, error));
  CHECK (rl_json_read_id (o, w, "identity_id", &e->identity_id, error));
  CHECK (rl_json_read_id (o, w, "agency_id", &e->agency_id, error));
  CHECK (rl_json_read_string (o, w, "agency", &e->agency, error));
  CHECK (rl_json_read_time (o, w, "occurred_at", &e->occurred_at, error));
  GET_ENUM (o, w, "purpose", rl_encounter_purpose_from_id, FALSE, e->purpose);
  CHECK (rl_json_read_string (o, w, "place", &e->place, error));
  CHECK (rl_json_read_string (o, w, "case_reference", &e->case_reference, error));
  bio_node = json_object_get_member (o, "biographic");
  if (bio_node != NULL && !JSON_NODE_HOLDS_NULL (bio_node))
    {
      if (!(bio = rl_json_expect_object (bio_node, "encounter.biographic", error)))
        return NULL;
      w = "encounter.biographic";
      CHECK (rl_json_read_string (bio, w, "family_name", &e->family_name, error));
      CHECK (rl_json_read_string (bio, w, "given_names", &e->given_names, error));
      CHECK (rl_json_read_string (bio, w, "date_of_birth", &e->date_of_birth, error));
      CHECK (rl_json_read_string (bio, w, "nationality", &e->nationality, error));
      CHECK (rl_json_read_string (bio, w, "sex", &e->sex, error));
    }
  empty_if_null (&e->agency);
  empty_if_null (&e->place);
  empty_if_null (&e->case_reference);
  empty_if_null (&e->family_name);
  empty_if_null (&e->given_names);
  empty_if_null (&e->date_of_birth);
  empty_if_null (&e->nationality);
  empty_if_null (&e->sex);
  return g_steal_pointer (&e);
}

/* A restricted record the user may not read comes withheld: the reader
 * keeps it so (summary and dates NULL) whatever else the reply holds. */
RlDerogatoryRecord *
rl_derogatory_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "derogatory_record", error);
  g_autoptr(RlDerogatoryRecord) r = NULL;
  const char *w = "derogatory_record";

  if (o == NULL)
    return NULL;
  r = g_new0 (RlDerogatoryRecord, 1);
  CHECK (rl_json_read_id (o, w, "id", &r->id, error));
  CHECK (rl_json_read_id (o, w, "identity_id", &r->identity_id, error));
  GET_ENUM (o, w, "category", rl_derogatory_category_from_id, FALSE, r->category);
  CHECK (rl_json_read_id (o, w, "source_agency_id", &r->source_agency_id, error));
  CHECK (rl_json_read_string (o, w, "source_agency", &r->source_agency, error));
  CHECK (rl_json_read_bool (o, w, "restricted", &r->restricted, error));
  CHECK (rl_json_read_bool (o, w, "withheld", &r->withheld, error));
  CHECK (rl_json_read_time (o, w, "created_at", &r->created_at, error));
  empty_if_null (&r->source_agency);
  if (!r->withheld)
    {
      CHECK (rl_json_read_string (o, w, "summary", &r->summary, error));
      CHECK (rl_json_read_string (o, w, "recorded_on", &r->recorded_on, error));
      CHECK (rl_json_read_string (o, w, "expires_on", &r->expires_on, error));
      empty_if_null (&r->summary);
      empty_if_null (&r->recorded_on);
    }
  return g_steal_pointer (&r);
}

RlIdentityLink *
rl_link_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "link", error);
  g_autoptr(RlIdentityLink) l = NULL;
  const char *w = "link";

  if (o == NULL)
    return NULL;
  l = g_new0 (RlIdentityLink, 1);
  CHECK (rl_json_read_id (o, w, "id", &l->id, error));
  CHECK (rl_json_read_id (o, w, "identity_a", &l->identity_a, error));
  CHECK (rl_json_read_id (o, w, "identity_b", &l->identity_b, error));
  GET_ENUM (o, w, "colour", rl_link_colour_from_id, FALSE, l->colour);
  CHECK (get_float (o, w, "score", &l->score, error));
  CHECK (rl_json_read_time (o, w, "created_at", &l->created_at, error));
  CHECK (rl_json_read_id (o, w, "resolved_by", &l->resolved_by, error));
  CHECK (rl_json_read_time (o, w, "resolved_at", &l->resolved_at, error));
  CHECK (rl_json_read_string (o, w, "reason", &l->reason, error));
  return g_steal_pointer (&l);
}

RlAgency *
rl_agency_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "agency", error);
  g_autoptr(RlAgency) a = NULL;
  const char *w = "agency";

  if (o == NULL)
    return NULL;
  a = g_new0 (RlAgency, 1);
  CHECK (rl_json_read_id (o, w, "id", &a->id, error));
  CHECK (rl_json_read_string (o, w, "code", &a->code, error));
  CHECK (rl_json_read_string (o, w, "name", &a->name, error));
  empty_if_null (&a->code);
  empty_if_null (&a->name);
  return g_steal_pointer (&a);
}

RlAccessGrant *
rl_access_grant_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "grant", error);
  g_autoptr(RlAccessGrant) g = NULL;
  const char *w = "grant";

  if (o == NULL)
    return NULL;
  g = g_new0 (RlAccessGrant, 1);
  CHECK (rl_json_read_id (o, w, "id", &g->id, error));
  CHECK (rl_json_read_string (o, w, "source_agency", &g->source_agency, error));
  GET_ENUM (o, w, "role", rl_role_from_id, TRUE, g->role);
  CHECK (rl_json_read_string (o, w, "agency", &g->agency, error));
  CHECK (rl_json_read_string (o, w, "granted_by", &g->granted_by, error));
  CHECK (rl_json_read_time (o, w, "granted_at", &g->granted_at, error));
  empty_if_null (&g->source_agency);
  return g_steal_pointer (&g);
}

RlAuditReport *
rl_audit_report_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = rl_json_expect_object (node, "audit report", error);
  g_autoptr(RlAuditReport) r = NULL;
  const char *w = "audit report";
  gint64 n_rows;

  if (o == NULL)
    return NULL;
  r = g_new0 (RlAuditReport, 1);
  CHECK (rl_json_read_int (o, w, "n_rows", 0, G_MAXINT64, &n_rows, error));
  r->n_rows = (guint64) n_rows;
  CHECK (rl_json_read_id (o, w, "first_bad_id", &r->first_bad_id, error));
  CHECK (rl_json_read_string (o, w, "problem", &r->problem, error));
  CHECK (rl_json_read_string (o, w, "head_hash", &r->head_hash, error));
  return g_steal_pointer (&r);
}
