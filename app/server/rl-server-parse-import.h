/* rl-server-parse-import.h — what a workstation sends to import a file
 * (POST /api/v1/imports, docs/server-api.md): the query's fields and the
 * body (the file's bytes, or multipart/form-data with the file and its
 * sidecar). Failures are RL_SERVER_ERROR_BAD_REQUEST naming the field or
 * part; tests/server/fuzz-import.c drives both. */
#pragma once

#include <glib.h>

#include "rl-server-parse.h"

G_BEGIN_DECLS

#define RL_IMPORT_NAME_MAX_LENGTH 255   /* bytes of a file or folder name */

typedef struct {
  char    *name;       /* the file's name, no folder ("valid1.9.an2") */
  char    *folder;     /* the folder it was in, or NULL */
  char    *agency;     /* agency code to attribute it to, or NULL */
  gboolean templates;  /* extract templates (default TRUE) */
  gboolean search;     /* search the new encounter 1:N (default TRUE) */
} RlImportRequest;

/* query: decoded query fields (may be NULL: then "name" is missing). */
gboolean rl_parse_import_query (GHashTable *query, RlImportRequest *out, GError **error);
void     rl_import_request_clear (RlImportRequest *request);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlImportRequest, rl_import_request_clear)

/* The file and its sidecar from a body: multipart/form-data (content_type
 * with its boundary parameter) with a part "file" and at most one "sidecar"
 * (and nothing else, at most 8 parts), or any other content type: the whole
 * body is the file, no sidecar. *out_sidecar is NULL when none was sent. The
 * parts are slices of body (no copy). */
gboolean rl_parse_import_body (const char *content_type, GBytes *body, GBytes **out_file, GBytes **out_sidecar,
                               GError **error);

G_END_DECLS
