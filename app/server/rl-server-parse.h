/* rl-server-parse.h — turning what a client sends into checked values:
 * paths against route patterns, bearer tokens, JSON bodies into request
 * structs. No libsoup here, so that the fuzzer (tests/server/fuzz-request.c)
 * drives exactly this code. Every failure is an RL_SERVER_ERROR naming the
 * field and what was wrong with it. */
#pragma once

#include <json-glib/json-glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_SERVER_ERROR (rl_server_error_quark ())
GQuark rl_server_error_quark (void);

typedef enum {
  RL_SERVER_ERROR_BAD_REQUEST,   /* malformed JSON, missing or wrong field */
} RlServerError;

#define RL_ROUTE_MAX_IDS     4
#define RL_JSON_MAX_DEPTH    32     /* nesting of objects/arrays in a body */
#define RL_TEXT_MAX_LENGTH   16384  /* bytes of one text field (reasons, notes) */
#define RL_TOKEN_MAX_LENGTH  256

/* Whether path matches pattern segment by segment ("{id}" = a positive
 * decimal integer without sign or leading zero, fitting gint64). The ids go
 * to ids[] in order. */
gboolean rl_route_match (const char *pattern, const char *path, gint64 ids[RL_ROUTE_MAX_IDS], guint *n_ids);

/* "Bearer TOKEN" (scheme case-insensitive) → TOKEN (newly allocated); NULL
 * when the header is missing, of another scheme, or the token has characters
 * outside RFC 6750's b64token or is too long. */
char *rl_parse_bearer (const char *authorization);

/* Parses a request body that must be one JSON object, in UTF-8, nested at
 * most RL_JSON_MAX_DEPTH deep (checked before parsing, so a hostile body
 * cannot exhaust the stack). */
JsonNode *rl_parse_json_body (const char *data, gsize len, GError **error);

/* Fields of a body object. Missing optional fields keep the default. */
gboolean rl_json_get_string (JsonObject *object, const char *field, gboolean required, gsize max_len,
                             char **out, GError **error);
gboolean rl_json_get_id     (JsonObject *object, const char *field, gboolean required, gint64 *out,
                             GError **error);
gboolean rl_json_get_bool   (JsonObject *object, const char *field, gboolean required, gboolean *out,
                             GError **error);

/* ------------------------------------------------------ request bodies */

typedef struct {
  char *username;
  char *password;
} RlSignInRequest;

typedef struct {
  RlCorrectionKind kind;
  gint64 probe_sample_id;
  gint64 candidate_sample_id;
  gint64 search_id;
  gint64 conclusion_id;
  char  *reason;
  double score;                     /* NAN when not given */
} RlCorrectionRequest;

typedef struct {
  gint64     candidate_id;          /* 0: not on the candidate list */
  gint64     probe_sample_id;       /* 0: the search's probe */
  gint64     candidate_sample_id;   /* 0: the candidate's sample */
  gint64     supersedes;
  RlDecision decision;
  char      *reasons;
  char      *notes;
  /* The correction the conclusion makes, recorded with it in one
   * transaction (NULL: none). Its samples default to the conclusion's. */
  RlCorrectionRequest *correction;
} RlConclusionRequest;

/* A supervisor's decision on a disputed search. */
typedef struct {
  RlDecision decision;
  char      *reasons;
  RlCorrectionRequest *correction;  /* NULL: none */
} RlDisputeRequest;

/* A row a client writes to the audit log itself (an export it made). */
typedef struct {
  char  *action;                    /* one of the actions clients may write: "chart.export" */
  char  *object_kind;
  gint64 object_id;
  char  *purpose;
  char  *details;                   /* JSON object text or NULL */
} RlAuditRequest;

typedef struct {
  gboolean   blind;
  gboolean   agrees;
  RlDecision decision;              /* 0 = not given */
  char      *reasons;
} RlVerificationRequest;

typedef struct {
  RlHitStatus disposition;          /* confirmed, dismissed or escalated */
  char       *reason;
} RlDispositionRequest;

typedef struct {
  gboolean of_value;
  char    *notes;
  char    *markup;                  /* JSON text or NULL */
} RlAnalysisRequest;

/* body: the parsed object (rl_parse_json_body). On failure the struct is
 * left cleared (nothing to free). */
gboolean rl_parse_sign_in      (JsonNode *body, RlSignInRequest *out, GError **error);
gboolean rl_parse_conclusion   (JsonNode *body, RlConclusionRequest *out, GError **error);
gboolean rl_parse_verification (JsonNode *body, RlVerificationRequest *out, GError **error);
gboolean rl_parse_disposition  (JsonNode *body, RlDispositionRequest *out, GError **error);
gboolean rl_parse_correction   (JsonNode *body, RlCorrectionRequest *out, GError **error);
gboolean rl_parse_analysis     (JsonNode *body, RlAnalysisRequest *out, GError **error);
gboolean rl_parse_dispute      (JsonNode *body, RlDisputeRequest *out, GError **error);
gboolean rl_parse_audit        (JsonNode *body, RlAuditRequest *out, GError **error);
/* {"comment": "…"} for release reviews; comment required when required. */
gboolean rl_parse_comment      (JsonNode *body, gboolean required, char **out_comment, GError **error);

void rl_sign_in_request_clear      (RlSignInRequest *request);
void rl_conclusion_request_clear   (RlConclusionRequest *request);
void rl_verification_request_clear (RlVerificationRequest *request);
void rl_disposition_request_clear  (RlDispositionRequest *request);
void rl_correction_request_clear   (RlCorrectionRequest *request);
void rl_analysis_request_clear     (RlAnalysisRequest *request);
void rl_dispute_request_clear      (RlDisputeRequest *request);
void rl_audit_request_clear        (RlAuditRequest *request);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlSignInRequest, rl_sign_in_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlConclusionRequest, rl_conclusion_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlVerificationRequest, rl_verification_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlDispositionRequest, rl_disposition_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlCorrectionRequest, rl_correction_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlAnalysisRequest, rl_analysis_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlDisputeRequest, rl_dispute_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlAuditRequest, rl_audit_request_clear)

G_END_DECLS
