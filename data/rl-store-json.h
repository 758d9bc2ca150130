/* rl-store-json.h — store structs ⇄ the workstation API's JSON objects
 * (docs/server-api.md). The server writes with these and the remote
 * workspace client (rl-remote.c) reads with them, so the two cannot drift.
 *
 * Times are ISO 8601 UTC strings, ids integers (null = none), enums their
 * stable ids ("pending", "identification").
 *
 * Readers take a JSON object from the network: they check every member's
 * type and range (an integer where an integer is wanted — a double is never
 * cast), and fail with RL_STORE_ERROR_CORRUPT naming the object and member
 * ("search.status: unknown value “paused”"). Members the reader does not
 * know are ignored, so a newer server may add some. */
#pragma once

#include <json-glib/json-glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------ writers */

void rl_json_add_string (JsonBuilder *b, const char *name, const char *value);   /* NULL → null */
void rl_json_add_int    (JsonBuilder *b, const char *name, gint64 value);
void rl_json_add_id     (JsonBuilder *b, const char *name, gint64 id);           /* 0 → null */
void rl_json_add_time   (JsonBuilder *b, const char *name, gint64 unix_time);    /* 0 → null */
void rl_json_add_double (JsonBuilder *b, const char *name, double value);        /* NaN → null */
void rl_json_add_bool   (JsonBuilder *b, const char *name, gboolean value);

void rl_json_user         (JsonBuilder *b, const RlUser *user);
void rl_json_search       (JsonBuilder *b, const RlSearch *search);
void rl_json_candidate    (JsonBuilder *b, const RlSearchCandidate *candidate);
void rl_json_sample       (JsonBuilder *b, const RlSample *sample);
void rl_json_encounter    (JsonBuilder *b, const RlEncounter *encounter);
void rl_json_identity     (JsonBuilder *b, const RlIdentity *identity);
void rl_json_derogatory   (JsonBuilder *b, const RlDerogatoryRecord *record);
void rl_json_hit          (JsonBuilder *b, const RlHit *hit);
/* HIT plus "encounter_agency" and "derogatory_records" (null when unread). */
void rl_json_hit_row      (JsonBuilder *b, const RlHitRow *row);
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

/* ------------------------------------------------------------ readers */

/* Member readers: `what` names the object in messages ("search"). An
 * absent or null member reads as the "none" value (0, NULL, NAN, FALSE)
 * unless the reader says it is required. */
gboolean rl_json_read_id     (JsonObject *o, const char *what, const char *name, gint64 *out, GError **error);
gboolean rl_json_read_int    (JsonObject *o, const char *what, const char *name, gint64 min, gint64 max,
                             gint64 *out, GError **error);        /* required, in [min, max] */
gboolean rl_json_read_string (JsonObject *o, const char *what, const char *name, char **out, GError **error);
gboolean rl_json_read_time   (JsonObject *o, const char *what, const char *name, gint64 *out, GError **error);
gboolean rl_json_read_double (JsonObject *o, const char *what, const char *name, double *out, GError **error);
gboolean rl_json_read_bool   (JsonObject *o, const char *what, const char *name, gboolean *out, GError **error);
/* A nested value written back as JSON text (NULL for null or absent). */
gboolean rl_json_read_raw    (JsonObject *o, const char *what, const char *name, char **out, GError **error);

/* The object of a node, or an error naming what was expected. */
JsonObject *rl_json_expect_object (JsonNode *node, const char *what, GError **error);

/* Struct readers: newly allocated, free with the struct's free function. */
typedef gpointer (*RlJsonReadFunc) (JsonNode *node, GError **error);

RlUser            *rl_user_from_json         (JsonNode *node, GError **error);
RlSearch          *rl_search_from_json       (JsonNode *node, GError **error);
RlSearchCandidate *rl_candidate_from_json    (JsonNode *node, GError **error);
RlSample          *rl_sample_from_json       (JsonNode *node, GError **error);
RlConclusion      *rl_conclusion_from_json   (JsonNode *node, GError **error);
RlVerification    *rl_verification_from_json (JsonNode *node, GError **error);
RlCorrection      *rl_correction_from_json   (JsonNode *node, GError **error);
RlMatcherRelease  *rl_release_from_json      (JsonNode *node, GError **error);
RlAuditEntry      *rl_audit_entry_from_json  (JsonNode *node, GError **error);

/* The analyst's, supervisor's and data steward's structs. */
RlHit              *rl_hit_from_json          (JsonNode *node, GError **error);
RlHitRow           *rl_hit_row_from_json      (JsonNode *node, GError **error);
RlIdentity         *rl_identity_from_json     (JsonNode *node, GError **error);
RlEncounter        *rl_encounter_from_json    (JsonNode *node, GError **error);
/* A withheld record stays withheld: summary and dates NULL whatever the reply holds. */
RlDerogatoryRecord *rl_derogatory_from_json   (JsonNode *node, GError **error);
RlIdentityLink     *rl_link_from_json         (JsonNode *node, GError **error);
RlAgency           *rl_agency_from_json       (JsonNode *node, GError **error);
RlAccessGrant      *rl_access_grant_from_json (JsonNode *node, GError **error);
RlAuditReport      *rl_audit_report_from_json (JsonNode *node, GError **error);

/* The array member `name` of object o read item by item: a GPtrArray owning
 * its items (free_func), NULL with an error naming the item that failed. */
GPtrArray *rl_json_read_array (JsonObject *o, const char *name, RlJsonReadFunc func, GDestroyNotify free_func,
                               GError **error);

G_END_DECLS
