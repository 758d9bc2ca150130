/* rl-server-parse-pages.h — request bodies of the analyst, supervisor and
 * data-steward routes (identity links, merges and splits, access grants,
 * tuning jobs). Like rl-server-parse.h: no libsoup, driven by the fuzzer,
 * every failure an RL_SERVER_ERROR naming the field. */
#pragma once

#include "rl-server-parse.h"

G_BEGIN_DECLS

#define RL_SPLIT_MAX_ENCOUNTERS 10000

typedef struct {
  RlLinkColour colour;
  char        *reason;
} RlLinkResolveRequest;

/* A merge ({"into": ID, "reason": …}), an undone merge ({"reason": …}). */
typedef struct {
  gint64 into;
  char  *reason;
} RlMergeRequest;

typedef struct {
  GArray *encounter_ids;            /* of gint64, at least one */
  char   *reason;
} RlSplitRequest;

typedef struct {
  gint64 source_agency_id;
  RlRole role;                      /* 0 = any role */
  gint64 agency_id;                 /* 0 = any agency */
} RlGrantRequest;

typedef struct {
  char *name;                       /* NULL: the default name */
  guint trials;                     /* 0: every setting */
} RlTuneRequest;

gboolean rl_parse_link_resolve (JsonNode *body, RlLinkResolveRequest *out, GError **error);
/* into_required: a merge names the identity it goes into; an undo does not. */
gboolean rl_parse_merge        (JsonNode *body, gboolean into_required, RlMergeRequest *out, GError **error);
gboolean rl_parse_split        (JsonNode *body, RlSplitRequest *out, GError **error);
gboolean rl_parse_grant        (JsonNode *body, RlGrantRequest *out, GError **error);
/* body may be NULL (all defaults). */
gboolean rl_parse_tune         (JsonNode *body, RlTuneRequest *out, GError **error);

void rl_link_resolve_request_clear (RlLinkResolveRequest *request);
void rl_merge_request_clear        (RlMergeRequest *request);
void rl_split_request_clear        (RlSplitRequest *request);
void rl_tune_request_clear         (RlTuneRequest *request);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlLinkResolveRequest, rl_link_resolve_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlMergeRequest, rl_merge_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlSplitRequest, rl_split_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlTuneRequest, rl_tune_request_clear)

G_END_DECLS
