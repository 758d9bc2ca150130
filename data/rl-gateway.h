/* rl-gateway.h — the partner gateway, without HTTP.
 *
 * A partner (data/rl-sharing.h) submits prints: an ANSI/NIST-ITL
 * transaction (Type-4/13/14 images, WSQ and the others import reads) or a
 * JSON document
 *
 *   {"reference": "CASE-17", "purpose": "visa-application",
 *    "fingers": [{"position": 2, "image": "<base64>", "format": "png|wsq|jpeg", "ppi": 500}]}
 *
 * The prints become an encounter of the partner's agency (under the
 * purpose its agreement states — the one the submission names, which must
 * be among the agreed ones, or else the agreement's first; "other" when the
 * agreement states none; place "Partner query (NAME)", case reference =
 * the partner's reference)
 * under a new identity, and are searched like any other encounter with the
 * active matcher release. The answer is one of
 *
 *   match      the matcher (or, for queued ones, an examiner's verified
 *              identification) says the prints are of a known person: the
 *              answer carries only what the partner's agreement allows —
 *              biographic fields, derogatory categories (for restricted
 *              records only {"held_by": "AGENCY"}) and the encounter summary;
 *   no_match   nobody known (the matcher, or an examiner's exclusion);
 *   queued     grey zone or poor prints: examiners decide; the partner polls
 *              with the transaction id until it is answered.
 *
 * Answers are built when asked for, under the agreement of that moment.
 * Every submission (also refused ones) and every answer given is audited
 * with the partner and its reference.
 */
#pragma once

#include <glib.h>

#include "rl-sharing.h"
#include "rl-store.h"

G_BEGIN_DECLS

#define RL_GATEWAY_ERROR (rl_gateway_error_quark ())
GQuark rl_gateway_error_quark (void);

typedef enum {
  RL_GATEWAY_ERROR_MALFORMED,      /* the submission cannot be read (HTTP 400) */
  RL_GATEWAY_ERROR_TOO_LARGE,      /* over a size limit (413) */
  RL_GATEWAY_ERROR_UNAUTHORIZED,   /* no or a wrong API key (401) */
  RL_GATEWAY_ERROR_FORBIDDEN,      /* the partner may not query (no agreement yet) (403) */
  RL_GATEWAY_ERROR_NOT_FOUND,      /* no such transaction of this partner (404) */
  RL_GATEWAY_ERROR_UNSUPPORTED,    /* a content type the gateway does not take (415) */
  RL_GATEWAY_ERROR_FAILED,         /* our side (500) */
  RL_GATEWAY_ERROR_RATE_LIMITED,   /* too many requests from this client (429) */
} RlGatewayError;

/* The HTTP status for an error from this API (or from the store: 500). */
guint rl_gateway_error_http_status (const GError *error);
/* Stable error code for JSON error replies: "malformed", "too-large", ... */
const char *rl_gateway_error_code (const GError *error);

/* Limits: whatever is sent, we never hold more than this. */
#define RL_GATEWAY_MAX_BODY_BYTES   (24u * 1024 * 1024)  /* a whole submission, as received */
#define RL_GATEWAY_MAX_IMAGE_BYTES  (4u * 1024 * 1024)   /* one decoded image */
#define RL_GATEWAY_MAX_FINGERS      10
#define RL_GATEWAY_MAX_REFERENCE    64
#define RL_GATEWAY_MAX_PURPOSE      32

/* ------------------------------------------------------------ submissions */

typedef struct {
  int     position;     /* RlFingerPosition 1..10, 0 unknown */
  char   *format;       /* "png", "wsq", "jpeg" */
  int     ppi;          /* 100..2000 */
  GBytes *image;        /* the encoded image, as sent */
} RlGatewayFinger;

typedef struct {
  char            *reference;     /* the partner's own reference ("" if none) */
  guint            n_fingers;
  RlGatewayFinger  fingers[RL_GATEWAY_MAX_FINGERS];
  char            *purpose;       /* the purpose id it states ("visa-application"), NULL if none */
} RlGatewaySubmission;

void rl_gateway_submission_free (RlGatewaySubmission *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlGatewaySubmission, rl_gateway_submission_free)

/* Parses a JSON submission. Errors (RL_GATEWAY_ERROR_MALFORMED or
 * _TOO_LARGE) name the field ("fingers[1].image") and, for JSON syntax and
 * base64, the line/column or character where reading stopped. Images are
 * checked to start like the format they claim; they are decoded later. */
RlGatewaySubmission *rl_gateway_parse_json (const guint8 *data, gsize len, GError **error);

/* ------------------------------------------------------------ transactions */

typedef enum {
  RL_GATEWAY_QUEUED = 1,
  RL_GATEWAY_MATCH,
  RL_GATEWAY_NO_MATCH,
} RlGatewayStatus;

const char *rl_gateway_status_to_id (RlGatewayStatus status);   /* "queued", "match", "no_match" */

/* Content types the gateway takes, as a format: "json" or "an2k" (NULL if
 * none). Parameters after ';' are ignored. */
const char *rl_gateway_format_for_content_type (const char *content_type);

/* Takes a partner's submission (format "json" or "an2k"): enrolls it,
 * searches it and returns the answer JSON (what the partner receives), the
 * transaction id in *out_transaction_id. On a malformed submission nothing
 * is enrolled, the refusal is audited and the error says what was wrong. */
char *rl_gateway_submit (RlStore *store, const RlPartner *partner, const char *format, const guint8 *body,
                         gsize len, gint64 *out_transaction_id, RlGatewayStatus *out_status, GError **error);

/* The answer to a transaction of this partner as of now (audited). A queued
 * transaction is answered once examiners completed its search: a verified
 * identification gives a match, a completed search without one (or every
 * candidate excluded) no match. Error _NOT_FOUND for another partner's or an
 * unknown transaction id. */
char *rl_gateway_answer (RlStore *store, const RlPartner *partner, gint64 transaction_id,
                         RlGatewayStatus *out_status, GError **error);

/* Audits a refused request as "gateway.reject": the partner (NULL when the
 * key was missing, unknown or revoked: then the first characters of the key
 * sent, so that a data steward can tell a partner's misconfigured system
 * from a stranger), the client's address, the format and reference when
 * known, and why (the error's code and message). Never fails: a refusal
 * that cannot be audited is logged as a warning. */
void rl_gateway_audit_refusal (RlStore *store, const RlPartner *partner, const char *authorization,
                               const char *client, const char *format, const char *reference, const GError *why);

/* An authenticated, active partner for an "Authorization" header value
 * ("Bearer KEY"); error _UNAUTHORIZED when missing or wrong, _FORBIDDEN when
 * the partner's agreement was never set. */
RlPartner *rl_gateway_authenticate (RlStore *store, const char *authorization, GError **error);
/* The same, auditing a refusal (rl_gateway_audit_refusal) with the client's
 * address. */
RlPartner *rl_gateway_authenticate_audited (RlStore *store, const char *authorization, const char *client,
                                            GError **error);

G_END_DECLS
