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

/* Imports one file. FALSE with error (and nothing written) when the file is
 * rejected. */
gboolean rl_import_file        (RlStore *store, const char *path, const RlImportOptions *options,
                                RlImportResult *result, GError **error);
/* Imports a transaction already read; source names it in notes and in the
 * audit log, file_sha256 (may be NULL) makes the import resumable. */
gboolean rl_import_transaction (RlStore *store, RlAn2kTransaction *transaction, const char *source,
                                const char *file_sha256, const RlImportOptions *options,
                                RlImportResult *result, GError **error);
/* The SHA-256 (hex) of every file imported before, as a set (one query:
 * use it for bulk imports instead of one look-up per file). */
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

typedef struct {
  gboolean    type14_only;     /* write every print as Type-14 */
  const char *purpose;         /* stated purpose for the audit log (required) */
} RlExportOptions;

RlAn2kTransaction *rl_export_encounter (RlStore *store, gint64 encounter_id, const RlExportOptions *options,
                                        GError **error);
RlAn2kTransaction *rl_export_identity  (RlStore *store, gint64 identity_id, const RlExportOptions *options,
                                        GError **error);

G_END_DECLS
