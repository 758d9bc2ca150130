/* rl-remote-private.h — what data/rl-remote*.c share: the HTTP helpers the
 * remote versions of rl_store_* functions are written with, and those
 * functions themselves (each called from the top of its rl_store_*
 * counterpart: `if (self->remote) return rl_remote_xxx (self, ...)`).
 *
 * To wire a store function for a remote workspace:
 *   1. the server route (app/server/rl-server-routes*.c) writes the struct
 *      with rl_json_<struct>() from data/rl-store-json.h;
 *   2. rl_remote_<function>() here calls it with rl_remote_get()/post()/…
 *      and reads the answer with rl_<struct>_from_json();
 *   3. the store function starts with the dispatch line. */
#pragma once

#include <json-glib/json-glib.h>

#include "rl-import.h"
#include "rl-remote.h"
#include "rl-store-json.h"
#include "rl-store-private.h"

G_BEGIN_DECLS

typedef struct _RlRemote RlRemote;

RlRemote *rl_remote_new  (const char *url, GTlsCertificate *pinned, GError **error);
void      rl_remote_free (RlRemote *remote);
/* GET /api/v1/info (no session needed): is a Ridgeline server there? */
gboolean  rl_remote_check_server (RlStore *store, GError **error);

/* One request to the workstation API. path is below /api/v1 ("/queue",
 * "/searches/12/claim"), already escaped. body: a JSON node to send (taken)
 * or NULL. Returns the reply's JSON (NULL with no error for 204 No Content),
 * or NULL with the server's refusal mapped onto RL_STORE_ERROR_* (401 →
 * signed out, 403 → PERMISSION, 404 → NOT_FOUND, 409/422 → CONSTRAINT,
 * 503 → BUSY) and its message, or a network error naming the URL. */
JsonNode *rl_remote_call       (RlStore *store, const char *method, const char *path, JsonNode *body,
                                GError **error);
/* The same with a body that is not JSON (an upload): content_type names it. */
JsonNode *rl_remote_call_upload (RlStore *store, const char *method, const char *path, const char *content_type,
                                 GBytes *body, GError **error);
/* The same for a reply that is not JSON (an image, a template): its bytes
 * and content type; NULL with no error for 204. */
GBytes   *rl_remote_call_bytes (RlStore *store, const char *method, const char *path, char **out_content_type,
                                GError **error);

/* GET path, then one struct from the reply (func reads the whole reply) or
 * the array `member` of the reply as a GPtrArray owning its items. */
gpointer   rl_remote_get_one  (RlStore *store, const char *path, RlJsonReadFunc func, GError **error);
GPtrArray *rl_remote_get_list (RlStore *store, const char *path, const char *member, RlJsonReadFunc func,
                               GDestroyNotify free_func, GError **error);
/* The "id" of a 201 {"id": N} reply to method path with body (taken); 0 on error. */
gint64     rl_remote_create   (RlStore *store, const char *method, const char *path, JsonNode *body,
                               GError **error);
/* A call whose reply does not matter (204, or a struct the caller does not need). */
gboolean   rl_remote_do       (RlStore *store, const char *method, const char *path, JsonNode *body,
                               GError **error);

/* The builder's root, for a body. */
JsonNode  *rl_remote_body     (JsonBuilder *builder);

/* Sets RL_STORE_ERROR_FAILED "<what> is not available on a remote workspace
 * yet" and returns FALSE: for store functions that have no route yet. */
gboolean   rl_remote_unavailable (GError **error, const char *what);

/* Images are sent by a sample holding them (GET /samples/{id}/image): the
 * remote remembers which sample named which image SHA-256. */
void       rl_remote_note_image   (RlStore *store, const char *sha256, gint64 sample_id);
gint64     rl_remote_lookup_image (RlStore *store, const char *sha256);   /* 0: unknown */

/* ---------------------------------------- store functions, remote side */

/* rl-store.c */
gboolean   rl_remote_begin            (RlStore *store, GError **error);
gboolean   rl_remote_commit           (RlStore *store, GError **error);
void       rl_remote_rollback         (RlStore *store);
GPtrArray *rl_remote_list_users       (RlStore *store, GError **error);
RlUser    *rl_remote_get_user         (RlStore *store, gint64 user_id, GError **error);
RlUser    *rl_remote_get_user_by_name (RlStore *store, const char *username, GError **error);
gboolean   rl_remote_set_actor        (RlStore *store, gint64 user_id, GError **error);
gint64     rl_remote_get_actor        (RlStore *store);

/* rl-store-credentials.c */
gboolean   rl_remote_end_user_sessions (RlStore *store, gint64 user_id, guint *out_n, GError **error);
GArray    *rl_remote_list_open_sessions (RlStore *store, GError **error);

/* rl-store-identities.c (samples and images) */
RlSample  *rl_remote_get_sample          (RlStore *store, gint64 sample_id, GError **error);
GPtrArray *rl_remote_list_samples        (RlStore *store, gint64 encounter_id, GError **error);
GPtrArray *rl_remote_list_identity_samples (RlStore *store, gint64 identity_id, GError **error);
GBytes    *rl_remote_get_sample_template (RlStore *store, gint64 sample_id, GError **error);
GBytes    *rl_remote_get_image           (RlStore *store, const char *sha256, char **out_format, GError **error);

/* rl-store-searches.c */
RlSearch  *rl_remote_get_search        (RlStore *store, gint64 search_id, GError **error);
GPtrArray *rl_remote_list_searches     (RlStore *store, RlSearchStatus status, GError **error);
GPtrArray *rl_remote_list_work_queue   (RlStore *store, GError **error);
GPtrArray *rl_remote_list_candidates   (RlStore *store, gint64 search_id, GError **error);
gboolean   rl_remote_claim_search      (RlStore *store, gint64 search_id, GError **error);
gboolean   rl_remote_release_search    (RlStore *store, gint64 search_id, GError **error);
gboolean   rl_remote_assign_search     (RlStore *store, gint64 search_id, gint64 examiner_id, GError **error);
gboolean   rl_remote_record_candidate_view (RlStore *store, gint64 candidate_id, GError **error);
gboolean   rl_remote_candidate_seen    (RlStore *store, gint64 search_id, gint64 user_id, gboolean *out_seen,
                                        GError **error);
gint64     rl_remote_add_probe_analysis (RlStore *store, gint64 search_id, gboolean of_value, const char *notes,
                                         const char *markup_json, GError **error);
gint64     rl_remote_add_conclusion    (RlStore *store, const RlConclusion *conclusion, GError **error);
gint64     rl_remote_add_conclusion_with_correction (RlStore *store, const RlConclusion *conclusion,
                                                     const RlCorrection *correction, GError **error);
gint64     rl_remote_decide_dispute_with_correction (RlStore *store, gint64 search_id, RlDecision decision,
                                                     const char *reasons, const RlCorrection *correction,
                                                     GError **error);
GPtrArray *rl_remote_list_conclusions  (RlStore *store, gint64 search_id, GError **error);
gint64     rl_remote_decide_dispute    (RlStore *store, gint64 search_id, RlDecision decision, const char *reasons,
                                        GError **error);
gint64     rl_remote_get_dispute_decision (RlStore *store, gint64 search_id, GError **error);
RlConclusion *rl_remote_get_disputed_conclusion (RlStore *store, gint64 search_id, GError **error);
gint64     rl_remote_add_verification  (RlStore *store, gint64 conclusion_id, gboolean blind, gboolean agrees,
                                        RlDecision decision, const char *reasons, GError **error);
GPtrArray *rl_remote_list_verifications (RlStore *store, gint64 conclusion_id, GError **error);
gint64     rl_remote_add_correction    (RlStore *store, const RlCorrection *correction, GError **error);
RlCorrection *rl_remote_get_correction (RlStore *store, gint64 correction_id, GError **error);
GPtrArray *rl_remote_list_corrections  (RlStore *store, RlCorrectionStatus status, GError **error);

/* rl-store-releases.c */
RlMatcherRelease *rl_remote_get_release (RlStore *store, gint64 release_id, GError **error);
gboolean   rl_remote_review_release  (RlStore *store, gint64 release_id, gboolean approve, const char *comment,
                                      GError **error);

/* rl-import.c (rl_import_data): POST /api/v1/imports (rl-remote-import.c) */
gboolean   rl_remote_import (RlStore *store, GBytes *data, const char *name, const char *folder, GBytes *sidecar,
                             const RlImportOptions *options, RlImportResult *result, GError **error);

/* rl-store-audit.c */
GPtrArray *rl_remote_list_audit (RlStore *store, const char *object_kind, gint64 object_id, gint64 user_id,
                                 guint limit, GError **error);
gboolean   rl_remote_audit      (RlStore *store, const char *action, const char *object_kind, gint64 object_id,
                                 const char *purpose, const char *details_json, GError **error);

G_END_DECLS
