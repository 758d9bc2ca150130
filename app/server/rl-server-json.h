/* rl-server-json.h — store structs as the API's JSON objects
 * (docs/server-api.md). Times are ISO 8601 UTC strings, ids integers, enums
 * their stable ids ("pending", "identification"). */
#pragma once

#include <json-glib/json-glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

void rl_json_add_string (JsonBuilder *b, const char *name, const char *value);   /* NULL → null */
void rl_json_add_int    (JsonBuilder *b, const char *name, gint64 value);
void rl_json_add_id     (JsonBuilder *b, const char *name, gint64 id);           /* 0 → null */
void rl_json_add_time   (JsonBuilder *b, const char *name, gint64 unix_time);    /* 0 → null */
void rl_json_add_double (JsonBuilder *b, const char *name, double value);        /* NaN → null */
void rl_json_add_bool   (JsonBuilder *b, const char *name, gboolean value);

void rl_json_search       (JsonBuilder *b, const RlSearch *search);
void rl_json_candidate    (JsonBuilder *b, const RlSearchCandidate *candidate);
void rl_json_sample       (JsonBuilder *b, const RlSample *sample);
void rl_json_encounter    (JsonBuilder *b, const RlEncounter *encounter);
void rl_json_identity     (JsonBuilder *b, const RlIdentity *identity);
void rl_json_derogatory   (JsonBuilder *b, const RlDerogatoryRecord *record);
void rl_json_hit          (JsonBuilder *b, const RlHit *hit);
void rl_json_conclusion   (JsonBuilder *b, const RlConclusion *conclusion);
void rl_json_verification (JsonBuilder *b, const RlVerification *verification);
void rl_json_correction   (JsonBuilder *b, const RlCorrection *correction);
void rl_json_release      (JsonBuilder *b, const RlMatcherRelease *release);
void rl_json_audit_entry  (JsonBuilder *b, const RlAuditEntry *entry);
void rl_json_link         (JsonBuilder *b, const RlIdentityLink *link);
void rl_json_agency       (JsonBuilder *b, const RlAgency *agency);
void rl_json_access_grant (JsonBuilder *b, const RlAccessGrant *grant);

/* A member holding an array of items of a GPtrArray, each written by func. */
typedef void (*RlJsonItemFunc) (JsonBuilder *b, gconstpointer item);
void rl_json_add_array (JsonBuilder *b, const char *name, GPtrArray *items, RlJsonItemFunc func);

G_END_DECLS
