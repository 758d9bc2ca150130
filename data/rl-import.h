/* rl-import.h — taking prints into a workspace and giving them out again.
 *
 * One file is one unit of work, all or nothing: an ANSI/NIST-ITL
 * transaction (traditional or XML encoding) becomes one encounter with its
 * samples; a single image (WSQ, PNG, JPEG, TIFF...) becomes one encounter
 * with one sample, described by its file name (FINGER_IMPRESSION.ext, as in
 * the FVC sets) or by a sidecar NAME.json.
 *
 * Imports are resumable: a file whose SHA-256 was imported before is
 * skipped (the audit log keeps an "import.file" row per file, with the hash).
 *
 * Export writes an encounter, or every encounter of an identity, as one
 * transaction: Type-1, Type-2 (names, date of birth...), Type-4 for 500 ppi
 * WSQ prints, Type-14 for the others, Type-9 for minutiae-only samples.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "rl-an2k.h"
#include "rl-search.h"
#include "rl-store.h"

G_BEGIN_DECLS

/* Makes a template from an encoded image (for search). NULL with error when
 * the image cannot be decoded or holds no print: the sample is still
 * imported, without a template, and the note says why. */
typedef RlTemplate *(*RlImportTemplateFunc) (GBytes *encoded, const char *format, int ppi,
                                             gpointer user_data, GError **error);

typedef struct {
  const char          *agency_code;     /* NULL: the transaction's ORI (1.008), then "IMPORT" */
  RlImportTemplateFunc make_template;   /* NULL: no templates at import */
  gpointer             user_data;
  /* NULL, or the SHA-256 set from rl_import_load_history: checked instead
   * of the audit log, and kept up to date (bulk imports). */
  GHashTable          *imported;
  /* Each new encounter with templates is searched 1:N as production does
   * (rl_search_encounter: routing, hits, multiple-identity links) once it is
   * stored, unless this is set (bulk loads of reference data). */
  gboolean             no_search;
} RlImportOptions;

typedef struct {
  gboolean   skipped;       /* imported before (same SHA-256): nothing done */
  gint64     identity_id;
  gint64     encounter_id;
  guint      n_samples;
  guint      n_templates;
  GPtrArray *notes;         /* char*: records not imported and why, assumptions made */
  gboolean   searched;      /* the encounter was searched: see search */
  RlSearchOutcome search;
} RlImportResult;

void rl_import_result_clear (RlImportResult *result);

/* Imports one file (and its sidecar NAME.json, if there is one beside it).
 * FALSE with error (and nothing written) when the file is rejected. On a
 * remote workspace (rl_store_open_remote) the file and its sidecar are sent
 * to the server (POST /api/v1/imports), which imports them the same way, in
 * one transaction, as the signed-in user. */
gboolean rl_import_file        (RlStore *store, const char *path, const RlImportOptions *options,
                                RlImportResult *result, GError **error);
/* The same for a file already read: name is its file name ("101_1.png"),
 * folder the name of the folder it was in ("FVC2002_DB1_B": a print named
 * FINGER_IMPRESSION belongs to the person FOLDER-FINGER; NULL for none),
 * sidecar the bytes of its NAME.json or NULL. rl_import_file reads and calls
 * this; ridgeline-server calls it with what a workstation sent. */
gboolean rl_import_data        (RlStore *store, GBytes *data, const char *name, const char *folder,
                                GBytes *sidecar, const RlImportOptions *options, RlImportResult *result,
                                GError **error);
/* Who may import: an examiner, a supervisor or a data steward, or the system
 * (no signed-in user: ridgeline-cli, the demo, the partner gateway). An
 * analyst is refused (RL_STORE_ERROR_PERMISSION). */
gboolean rl_import_check_role  (RlStore *store, GError **error);
/* Whether a user of that role may import (for enabling the GUI's action). */
gboolean rl_import_role_may_import (RlRole role);
/* Imports a transaction already read; source names it in notes and in the
 * audit log, file_sha256 (may be NULL) makes the import resumable. */
gboolean rl_import_transaction (RlStore *store, RlAn2kTransaction *transaction, const char *source,
                                const char *file_sha256, const RlImportOptions *options,
                                RlImportResult *result, GError **error);
/* The SHA-256 (hex) of every file imported before, as a set (one query:
 * use it for bulk imports instead of one look-up per file). On a remote
 * workspace the set starts empty and only remembers this run's files: the
 * server checks its own history for every file it is sent. */
GHashTable *rl_import_load_history (RlStore *store, GError **error);
/* Whether a file with that SHA-256 (hex) was imported before. */
gboolean rl_import_was_imported (RlStore *store, const char *file_sha256, gboolean *out_imported, GError **error);

/* TRUE for file names import takes (by extension: .an2 .an2k .eft .ebts
 * .nist .xml .wsq .png .jpg .jpeg .tif .tiff .bmp .pgm). */
gboolean rl_import_is_candidate_name (const char *name);

/* The files an import of these paths takes: files as given, folders walked
 * recursively (hidden entries skipped) for names rl_import_is_candidate_name
 * accepts, in name order. Of char*, owning. */
GPtrArray *rl_import_collect_files (const char *const *paths);

/* The usual RlImportTemplateFunc: decodes the image and extracts its
 * minutiae with the matcher. */
RlTemplate *rl_import_extract_template (GBytes *encoded, const char *format, int ppi,
                                        gpointer user_data, GError **error);

/* RlImportResult ⇄ the JSON of POST /api/v1/imports (docs/server-api.md):
 * {"skipped", "identity_id", "encounter_id", "samples", "templates",
 *  "notes": [...], "searched", "search": {...} or null}. The reader checks
 * every member (RL_STORE_ERROR_CORRUPT naming it) and fills result (clear it
 * with rl_import_result_clear). */
JsonNode *rl_import_result_to_json   (const RlImportResult *result);
gboolean  rl_import_result_from_json (JsonNode *node, RlImportResult *result, GError **error);

typedef struct {
  gboolean    type14_only;     /* write every print as Type-14 */
  const char *purpose;         /* stated purpose for the audit log (required) */
} RlExportOptions;

RlAn2kTransaction *rl_export_encounter (RlStore *store, gint64 encounter_id, const RlExportOptions *options,
                                        GError **error);
RlAn2kTransaction *rl_export_identity  (RlStore *store, gint64 identity_id, const RlExportOptions *options,
                                        GError **error);

G_END_DECLS
