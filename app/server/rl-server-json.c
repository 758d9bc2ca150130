/* rl-server-json.c — store structs as JSON. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <math.h>

#include "rl-server-json.h"

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
