/* rl-import.c — ANSI/NIST-ITL transactions and image files into the store,
 * and encounters out as transactions.
 *
 * Each file is imported inside one store transaction (rl_store_begin /
 * commit): identity, encounter, images, samples and the audit row that
 * marks the file as done are written together or not at all.
 */
#define G_LOG_DOMAIN "rl-import"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rl-import.h"
#include "rl-remote-private.h"
#include "rl-store-json.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-store-private.h"
#include "rl-template-io.h"

void
rl_import_result_clear (RlImportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->notes, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

static void G_GNUC_PRINTF (2, 3)
note (RlImportResult *result, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (result->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

gboolean
rl_import_is_candidate_name (const char *name)
{
  static const char *extensions[] = {
    ".an2", ".an2k", ".eft", ".ebts", ".nist", ".xml", ".wsq", ".png", ".jpg", ".jpeg",
    ".tif", ".tiff", ".bmp", ".pgm",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
collect_files (const char *path, GPtrArray *files, guint depth)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) here = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  /* A bound on depth keeps a cycle of symbolic links from running forever. */
  if (depth > 32 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return;
  here = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (name[0] == '.')
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR) || rl_import_is_candidate_name (name))
        g_ptr_array_add (here, g_steal_pointer (&child));
    }
  g_ptr_array_sort (here, compare_paths);
  for (guint i = 0; i < here->len; i++)
    collect_files (here->pdata[i], files, depth + 1);
}

GPtrArray *
rl_import_collect_files (const char *const *paths)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (paths != NULL, files);

  for (guint i = 0; paths[i] != NULL; i++)
    collect_files (paths[i], files, 0);
  return files;
}

RlTemplate *
rl_import_extract_template (GBytes *encoded, const char *format, int ppi, gpointer user_data, GError **error)
{
  g_autoptr(RlImage) image = rl_image_load_from_data (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                                      ppi, error);

  return image ? rl_extract_template (image, error) : NULL;
}

/* ---- bookkeeping in the store ---------------------------------------------- */

gboolean
rl_import_was_imported (RlStore *store, const char *file_sha256, gboolean *out_imported, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && file_sha256 != NULL && out_imported != NULL, FALSE);
  stmt = rl_store_stmt (store, "SELECT 1 FROM audit_log WHERE object_kind = 'encounter' AND action = 'import.file' "
                               "AND json_extract(details, '$.sha256') = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, file_sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (store, error, _("Cannot read the import history"));
  *out_imported = rc == SQLITE_ROW;
  return TRUE;
}

GHashTable *
rl_import_load_history (RlStore *store, GError **error)
{
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (rl_store_is_remote (store))
    return g_steal_pointer (&set);
  stmt = rl_store_stmt (store, "SELECT json_extract(details, '$.sha256') FROM audit_log "
                               "WHERE object_kind = 'encounter' AND action = 'import.file'", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (sqlite3_column_text (stmt, 0))
      g_hash_table_add (set, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return rl_store_fail (store, error, _("Cannot read the import history")), NULL;
  return g_steal_pointer (&set);
}

/* Checks the caller's set when there is one, else the audit log. */
static gboolean
was_imported (RlStore *store, const RlImportOptions *options, const char *sha256, gboolean *out, GError **error)
{
  if (options && options->imported)
    {
      *out = g_hash_table_contains (options->imported, sha256);
      return TRUE;
    }
  return rl_import_was_imported (store, sha256, out, error);
}

static void
remember (const RlImportOptions *options, const char *sha256)
{
  if (options && options->imported && sha256)
    g_hash_table_add (options->imported, g_strdup (sha256));
}

/* Who may take prints into a workspace: examiners (tenprints, latents),
 * supervisors and data stewards (reference data). Analysts work on what a
 * search raised and do not enrol. The system (user 0: ridgeline-cli on the
 * file, the demo, the partner gateway) may. The same rule holds on a file
 * and on ridgeline-server, which runs this code acting as the request's user. */
gboolean
rl_import_role_may_import (RlRole role)
{
  return role == RL_ROLE_EXAMINER || role == RL_ROLE_SUPERVISOR || role == RL_ROLE_DATA_STEWARD;
}

gboolean
rl_import_check_role (RlStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  if (rl_store_get_actor (store) == 0)
    return TRUE;
  return rl_store_require_role (store, error, _("import prints"), RL_ROLE_EXAMINER, RL_ROLE_SUPERVISOR,
                                RL_ROLE_DATA_STEWARD, 0);
}

static gint64
find_identity (RlStore *store, const char *reference, GError **error)
{
  /* A reference merged into another identity stands for the one it went
   * into: a new encounter never lands on a merged-away identity. */
  sqlite3_stmt *stmt = rl_store_stmt (store, "WITH RECURSIVE chain (id, next, depth) AS ("
                                             "  SELECT id, merged_into, 0 FROM identity WHERE reference = ?1 "
                                             "  UNION ALL SELECT i.id, i.merged_into, c.depth + 1 FROM identity i "
                                             "  JOIN chain c ON i.id = c.next WHERE c.depth < 1000) "
                                             "SELECT id FROM chain WHERE next IS NULL", error);
  gint64 id = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/* The identity named by reference, made when new; NULL reference: a new one. */
static gint64
identity_for (RlStore *store, const char *reference, GError **error)
{
  gint64 id;

  if (reference == NULL || reference[0] == '\0')
    return rl_store_add_identity (store, NULL, error);
  id = find_identity (store, reference, error);
  if (id != 0)
    return id < 0 ? 0 : id;
  return rl_store_add_identity (store, reference, error);
}

/* The agency an import is attributed to: the one asked for (must exist), or
 * the transaction's originating agency (added when new and the acting user
 * may add agencies), else "IMPORT". */
static gint64
agency_for (RlStore *store, const char *asked, const char *from_file, RlImportResult *result, GError **error)
{
  g_autoptr(RlAgency) agency = NULL;
  g_autoptr(GError) local = NULL;
  const char *code = asked ? asked : from_file;

  if (asked)
    {
      agency = rl_store_get_agency_by_code (store, asked, error);
      return agency ? agency->id : 0;
    }
  if (code == NULL || code[0] == '\0' || strlen (code) > 16)
    code = "IMPORT";
  agency = rl_store_get_agency_by_code (store, code, &local);
  if (agency)
    return agency->id;
  g_clear_error (&local);
  {
    g_autofree char *name = g_strdup_printf (_("Agency %s (from an imported transaction)"), code);
    gint64 id = rl_store_add_agency (store, code, name, &local);
    if (id != 0)
      {
        note (result, _("new agency %s added"), code);
        return id;
      }
  }
  /* Not allowed to add agencies: attribute the import to the user's own. */
  if (rl_store_get_actor (store) != 0)
    {
      g_autoptr(RlUser) user = rl_store_get_user (store, rl_store_get_actor (store), error);
      if (user == NULL)
        return 0;
      note (result, _("agency %s is not in the workspace: attributed to %s"), code, user->agency);
      return user->agency_id;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return 0;
}

static gboolean
record_import (RlStore *store, gint64 encounter_id, const char *source, const char *file_sha256,
               const RlImportResult *result, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *details = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, source ? source : "");
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, file_sha256 ? file_sha256 : "");
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, result->n_samples);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  details = json_generator_to_data (generator, NULL);
  return rl_store_audit (store, "import.file", "encounter", encounter_id, NULL, details, error);
}

/* ---- samples ------------------------------------------------------------------ */

static const char *
format_for (RlAn2kCompression compression)
{
  switch (compression)
    {
    case RL_AN2K_COMPRESSION_WSQ: return "wsq";
    case RL_AN2K_COMPRESSION_JPEG: return "jpeg";
    case RL_AN2K_COMPRESSION_JPEG2000: return "jp2";
    case RL_AN2K_COMPRESSION_PNG: return "png";
    case RL_AN2K_COMPRESSION_NONE:
    case RL_AN2K_COMPRESSION_OTHER:
    default: return NULL;
    }
}

/* Stores one image and its sample. */
static gboolean
add_image_sample (RlStore *store, gint64 encounter_id, GBytes *encoded, const char *format, int width, int height,
                  int ppi, int finger, int impression, const char *source, const char *ground_truth,
                  const RlImportOptions *options, RlImportResult *result, GError **error)
{
  g_autofree char *sha256 = NULL;
  g_autoptr(GBytes) template_data = NULL;
  RlSample sample = { 0 };

  sha256 = rl_store_add_image (store, encoded, format, width, height, error);
  if (sha256 == NULL)
    return FALSE;
  sample.encounter_id = encounter_id;
  sample.finger = finger >= 1 && finger <= 10 ? (RlFingerPosition) finger : RL_FINGER_UNKNOWN;
  sample.impression = (RlImpression) impression;
  sample.image_sha256 = sha256;
  sample.ppi = ppi;
  sample.quality = -1;
  sample.source = (char *) source;
  sample.ground_truth = (char *) ground_truth;
  if (options && options->make_template)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(RlTemplate) tpl = options->make_template (encoded, format, ppi, options->user_data, &local);

      if (tpl)
        {
          tpl->finger = (uint8_t) sample.finger;
          tpl->impression = (uint8_t) impression;
          template_data = rl_template_serialize (tpl);
          sample.quality = tpl->quality;
          result->n_templates++;
        }
      else
        note (result, _("%s: no template (%s); the image is kept"), source, local ? local->message : "?");
    }
  if (rl_store_add_sample (store, &sample, template_data, error) == 0)
    return FALSE;
  result->n_samples++;
  return TRUE;
}

static int
store_impression (guint record_type, guint impression)
{
  if (record_type == 13)
    return RL_IMPRESSION_LATENT;
  return impression <= 8 ? (int) impression : RL_IMPRESSION_PLAIN;
}

static gboolean
import_image_record (RlStore *store, gint64 encounter_id, RlAn2kTransaction *t, RlAn2kRecord *record,
                     const char *source, const RlImportOptions *options, RlImportResult *result, GError **error)
{
  g_auto(RlAn2kImage) image = { 0 };
  g_autoptr(GBytes) encoded = NULL;
  g_autofree char *what = NULL;
  const char *format;
  GError *local = NULL;
  int ppi;

  what = g_strdup_printf (_("%s, Type-%u record (IDC %u)"), source, rl_an2k_record_get_type (record),
                          rl_an2k_record_get_idc (record));
  if (!rl_an2k_record_get_image (t, record, &image, &local))
    {
      g_set_error (error, local->domain, local->code, "%s: %s", what, local->message);
      g_error_free (local);
      return FALSE;
    }
  ppi = (int) image.ppi;
  if (ppi == 0)
    {
      ppi = 500;
      note (result, _("%s: resolution not stated, 500 ppi assumed"), what);
    }
  if (ppi < 100 && image.record_type != 4)
    {
      /* 72 or 96 is a screen default written by image tools, not a scan
       * resolution: say so rather than refuse the print. */
      note (result, _("%s: stated %d ppi is not a friction-ridge scan resolution, 500 ppi assumed"), what, ppi);
      ppi = 500;
    }
  if (ppi < 100 || ppi > 2000)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE,
                   _("%s: %d ppi is outside what Ridgeline compares (100 to 2000 ppi)"), what, ppi);
      return FALSE;
    }
  format = format_for (image.compression);
  if (image.compression == RL_AN2K_COMPRESSION_NONE)
    {
      /* Raw grey pixels: kept losslessly as PNG. */
      g_autoptr(RlImage) raw = NULL;

      if (image.bits_per_pixel != 8)
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED,
                       _("%s: uncompressed images of %u bits per pixel are not read"), what, image.bits_per_pixel);
          return FALSE;
        }
      raw = rl_image_new_from_raw (g_bytes_get_data (image.data, NULL), (int) image.width, (int) image.height, ppi,
                                   &local);
      if (raw)
        encoded = rl_image_encode (raw, "png", &local);
      if (encoded == NULL)
        {
          g_set_error (error, local->domain, local->code, "%s: %s", what, local->message);
          g_error_free (local);
          return FALSE;
        }
      format = "png";
    }
  else if (format == NULL)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED, _("%s: the image compression is not one we read"),
                   what);
      return FALSE;
    }
  else
    encoded = g_bytes_ref (image.data);

  if (!add_image_sample (store, encounter_id, encoded, format, (int) image.width, (int) image.height, ppi,
                         (int) image.finger, store_impression (image.record_type, image.impression), what, NULL,
                         options, result, &local))
    {
      g_set_error (error, local->domain, local->code, "%s: %s", what, local->message);
      g_error_free (local);
      return FALSE;
    }
  if (image.finger > 10 && image.finger != 255)
    note (result, _("%s: finger position %u (not a single finger) stored as unknown"), what, image.finger);
  return TRUE;
}

static gboolean
import_minutiae_record (RlStore *store, gint64 encounter_id, RlAn2kRecord *record, const char *source,
                        RlImportResult *result, GError **error)
{
  g_autofree char *what = g_strdup_printf (_("%s, Type-9 record (IDC %u)"), source, rl_an2k_record_get_idc (record));
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GBytes) data = NULL;
  GError *local = NULL;
  RlSample sample = { 0 };

  tpl = rl_an2k_record_get_minutiae (record, 0, &local);
  if (tpl == NULL)
    {
      /* Vendor formats (9.004 = U) are kept by nobody: say so. */
      if (g_error_matches (local, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED))
        {
          note (result, _("%s not imported: %s"), what, local->message);
          g_error_free (local);
          return TRUE;
        }
      g_set_error (error, local->domain, local->code, "%s: %s", what, local->message);
      g_error_free (local);
      return FALSE;
    }
  data = rl_template_serialize (tpl);
  sample.encounter_id = encounter_id;
  sample.finger = tpl->finger;
  sample.impression = RL_IMPRESSION_PLAIN;
  sample.ppi = 500;
  sample.quality = -1;
  sample.source = what;
  if (rl_store_add_sample (store, &sample, data, &local) == 0)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", what, local->message);
      g_error_free (local);
      return FALSE;
    }
  result->n_samples++;
  result->n_templates++;
  return TRUE;
}

/* ---- biographic data ---------------------------------------------------------- */

static gint64
date_to_unix (const char *yyyymmdd)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  if (yyyymmdd == NULL || strlen (yyyymmdd) < 8 || sscanf (yyyymmdd, "%4d%2d%2d", &y, &m, &d) != 3)
    return 0;
  dt = g_date_time_new_utc (y, m, d, 12, 0, 0);
  return dt ? g_date_time_to_unix (dt) : 0;
}

static char *
date_of_birth (const char *yyyymmdd)
{
  if (yyyymmdd == NULL || strlen (yyyymmdd) != 8)
    return g_strdup ("");
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (yyyymmdd[i]))
      return g_strdup ("");
  return g_strdup_printf ("%.4s-%.2s-%.2s", yyyymmdd, yyyymmdd + 4, yyyymmdd + 6);
}

static RlEncounterPurpose
purpose_for_tot (const char *tot)
{
  if (tot == NULL)
    return RL_PURPOSE_OTHER;
  if (g_str_equal (tot, "CAR") || g_str_equal (tot, "CNA") || g_str_equal (tot, "CPDR") || g_str_equal (tot, "CPNU"))
    return RL_PURPOSE_ARREST_BOOKING;
  if (g_str_has_prefix (tot, "NFUF") || g_str_has_prefix (tot, "MAP") || g_str_has_prefix (tot, "FAUF"))
    return RL_PURPOSE_BACKGROUND_CHECK;
  if (g_str_has_prefix (tot, "LFS") || g_str_has_prefix (tot, "ULM") || g_str_has_prefix (tot, "TPIS"))
    return RL_PURPOSE_LATENT_CASE;
  return RL_PURPOSE_OTHER;
}

/* Text fields of older transactions are often Latin-1 (or 7-bit ASCII with
 * stray bytes); the store holds UTF-8. Takes text. */
static char *
as_utf8 (char *text)
{
  char *converted;

  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return text;
  converted = g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_free (text);
  return converted ? converted : g_strdup ("");
}

static const char *
sex_code (const char *sex)
{
  if (sex && (g_str_equal (sex, "F") || g_str_equal (sex, "M") || g_str_equal (sex, "X")))
    return sex;
  return "U";
}

/* ---- transactions ------------------------------------------------------------- */

/* The automated search of the new encounter. It is not part of the import's
 * unit of work: the prints are in whatever happens to the search, and a
 * search that fails is a note (the encounter can be searched again). */
static void
search_imported (RlStore *store, const RlImportOptions *options, RlImportResult *result)
{
  g_autoptr(GError) local = NULL;

  if (options == NULL || options->no_search || result->n_templates == 0 || result->encounter_id == 0)
    return;
  if (rl_search_encounter (store, result->encounter_id, &result->search, &local))
    result->searched = TRUE;
  else
    note (result, _("Encounter %" G_GINT64_FORMAT " was imported but not searched: %s"), result->encounter_id,
          local->message);
}

gboolean
rl_import_transaction (RlStore *store, RlAn2kTransaction *t, const char *source, const char *file_sha256,
                       const RlImportOptions *options, RlImportResult *result, GError **error)
{
  RlAn2kRecord *type1 = rl_an2k_transaction_get_record (t, 0), *type2 = rl_an2k_transaction_find_record (t, 2);
  g_autofree char *family = NULL, *given = NULL, *dob = NULL, *reference = NULL, *tcn = NULL;
  RlEncounter encounter = { 0 };
  gboolean has_prints = FALSE;
  GPtrArray *warnings = rl_an2k_transaction_get_warnings (t);

  g_return_val_if_fail (store != NULL && t != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  if (source == NULL)
    source = _("transaction");
  if (!rl_import_check_role (store, error))
    return FALSE;

  if (file_sha256)
    {
      gboolean done = FALSE;
      if (!was_imported (store, options, file_sha256, &done, error))
        return FALSE;
      if (done)
        {
          result->skipped = TRUE;
          return TRUE;
        }
    }

  for (guint i = 1; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      guint type = rl_an2k_record_get_type (rl_an2k_transaction_get_record (t, i));
      has_prints |= type == 4 || type == 9 || type == 13 || type == 14;
    }
  if (!has_prints)
    {
      g_autoptr(GString) found = g_string_new (NULL);

      for (guint i = 1; i < rl_an2k_transaction_get_n_records (t); i++)
        {
          const char *what = rl_an2k_record_type_describe (rl_an2k_record_get_type (rl_an2k_transaction_get_record (t, i)));
          if (strstr (found->str, what) == NULL)
            g_string_append_printf (found, "%s%s", found->len ? ", " : "", what);
        }
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED,
                   _("%s holds no fingerprint record Ridgeline uses (Type-4, 9, 13 or 14); it has: %s"), source,
                   found->len ? found->str : _("no other record"));
      return FALSE;
    }

  /* Type-2: name (2.018 "FAMILY,GIVEN"), date of birth (2.022), sex (2.024),
   * citizenship (2.021, kept when a 3-letter code). */
  if (type2)
    {
      const char *name = rl_an2k_record_get_text (type2, 18);
      const char *ctz = rl_an2k_record_get_text (type2, 21);
      RlAn2kField *nam = rl_an2k_record_get_field (type2, 18);

      if (nam && rl_an2k_field_get_n_items (nam, 0) >= 2)
        {
          family = g_strdup (rl_an2k_field_get_item (nam, 0, 0));
          given = g_strdup (rl_an2k_field_get_item (nam, 0, 1));
        }
      else if (name)
        {
          const char *comma = strchr (name, ',');
          family = comma ? g_strndup (name, (gsize) (comma - name)) : g_strdup (name);
          given = g_strdup (comma ? comma + 1 : "");
        }
      dob = date_of_birth (rl_an2k_record_get_text (type2, 22));
      encounter.sex = (char *) sex_code (rl_an2k_record_get_text (type2, 24));
      if (ctz && strlen (ctz) == 3 && g_ascii_isupper (ctz[0]) && g_ascii_isupper (ctz[1]) && g_ascii_isupper (ctz[2]))
        encounter.nationality = (char *) ctz;
      /* 2.015 SID / 2.014 FBI number name the person across transactions. */
      if (rl_an2k_record_get_text (type2, 15))
        reference = g_strdup_printf ("SID-%s", rl_an2k_record_get_text (type2, 15));
      if (reference && strlen (reference) > 32)
        g_clear_pointer (&reference, g_free);
    }
  family = as_utf8 (family);
  given = as_utf8 (given);
  encounter.family_name = family ? g_strstrip (family) : (char *) "";
  encounter.given_names = given ? g_strstrip (given) : (char *) "";
  encounter.date_of_birth = dob ? dob : (char *) "";
  encounter.purpose = purpose_for_tot (rl_an2k_record_get_text (type1, 4));
  encounter.occurred_at = date_to_unix (rl_an2k_record_get_text (type1, 5));
  if (encounter.occurred_at == 0)
    encounter.occurred_at = rl_store_now (store);
  tcn = as_utf8 (g_strdup (rl_an2k_record_get_text (type1, 9) ? rl_an2k_record_get_text (type1, 9) : ""));
  encounter.case_reference = tcn;
  encounter.place = (char *) "";

  if (!rl_store_begin (store, error))
    return FALSE;
  encounter.agency_id = agency_for (store, options ? options->agency_code : NULL, rl_an2k_record_get_text (type1, 8),
                                    result, error);
  if (encounter.agency_id == 0)
    goto fail;
  result->identity_id = identity_for (store, reference, error);
  if (result->identity_id == 0)
    goto fail;
  encounter.identity_id = result->identity_id;
  result->encounter_id = rl_store_add_encounter (store, &encounter, error);
  if (result->encounter_id == 0)
    goto fail;

  for (guint i = 1; i < rl_an2k_transaction_get_n_records (t); i++)
    {
      RlAn2kRecord *record = rl_an2k_transaction_get_record (t, i);
      guint type = rl_an2k_record_get_type (record);

      if (type == 4 || type == 13 || type == 14)
        {
          if (!import_image_record (store, result->encounter_id, t, record, source, options, result, error))
            goto fail;
        }
      else if (type == 9)
        {
          if (!import_minutiae_record (store, result->encounter_id, record, source, result, error))
            goto fail;
        }
      else if (type != 2)
        note (result, _("%s: %s record (IDC %u) not imported: Ridgeline does not use it"), source,
              rl_an2k_record_type_describe (type), rl_an2k_record_get_idc (record));
    }
  for (guint i = 0; i < warnings->len; i++)
    note (result, "%s: %s", source, (const char *) warnings->pdata[i]);
  if (!record_import (store, result->encounter_id, source, file_sha256, result, error))
    goto fail;
  if (!rl_store_commit (store, error))
    goto fail;
  remember (options, file_sha256);
  search_imported (store, options, result);
  return TRUE;

fail:
  rl_store_rollback (store);
  result->identity_id = result->encounter_id = 0;
  result->n_samples = result->n_templates = 0;
  return FALSE;
}

/* ---- single images --------------------------------------------------------------- */

/* Width and height from a WSQ frame header (SOF, FF A2), walking the
 * marker segments after SOI; FALSE if the data does not look like WSQ. */
static gboolean
wsq_size (const guint8 *data, gsize len, int *width, int *height)
{
  gsize p = 2;

  if (len < 4 || data[0] != 0xFF || data[1] != 0xA0)
    return FALSE;
  while (p + 4 <= len)
    {
      guint marker, seg_len;

      if (data[p] != 0xFF)
        return FALSE;
      marker = data[p + 1];
      seg_len = ((guint) data[p + 2] << 8) | data[p + 3];
      if (marker == 0xA2)
        {
          /* Lf(2) A(1) B(1) Y(2) X(2) */
          if (p + 10 > len)
            return FALSE;
          *height = (int) (((guint) data[p + 6] << 8) | data[p + 7]);
          *width = (int) (((guint) data[p + 8] << 8) | data[p + 9]);
          return *width > 0 && *height > 0;
        }
      if (seg_len < 2)
        return FALSE;
      p += 2 + seg_len;
    }
  return FALSE;
}

/* A sidecar is a few hundred bytes of JSON; these bound what is parsed. */
#define SIDECAR_MAX_BYTES (64u * 1024)
#define SIDECAR_MAX_DEPTH 16

/* Whether JSON text nests at most max_depth deep. Checked before parsing:
 * json-glib's parser recurses once per level, so a sidecar of 100,000 "["
 * would otherwise exhaust the stack (on the server too, which takes
 * sidecars from the network). */
static gboolean
json_depth_ok (const char *text, gsize len, guint max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > max_depth)
        return FALSE;
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* The sidecar NAME.json (its bytes) as an object; sidecar_name names it in errors. */
static JsonObject *
parse_sidecar (GBytes *sidecar, const char *sidecar_name, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  const char *text;
  gsize len;
  JsonNode *root;

  text = g_bytes_get_data (sidecar, &len);
  if (len > SIDECAR_MAX_BYTES)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%s: a sidecar has at most %u bytes, this one %zu"),
                   sidecar_name, SIDECAR_MAX_BYTES, len);
      return NULL;
    }
  if (len == 0 || text == NULL || !g_utf8_validate (text, (gssize) len, NULL) ||
      memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("%s: a sidecar must be JSON text in UTF-8"),
                   sidecar_name);
      return NULL;
    }
  if (!json_depth_ok (text, len, SIDECAR_MAX_DEPTH))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("%s: nested deeper than %u levels"), sidecar_name,
                   SIDECAR_MAX_DEPTH);
      return NULL;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("%s: %s"), sidecar_name, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX, _("%s: a sidecar must hold one JSON object"),
                   sidecar_name);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
json_string (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;
  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* An integer member in [min, max] (fallback when absent or not an integer).
 * The range is checked on the 64-bit value, before it becomes an int. */
static gboolean
sidecar_int (JsonObject *o, const char *member, int fallback, int min, int max, const char *sidecar_name,
             int *out, GError **error)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;
  gint64 value;

  *out = fallback;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return TRUE;
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_OUT_OF_RANGE,
                   _("%s: %s %" G_GINT64_FORMAT " is out of range (%d to %d)"), sidecar_name, member, value, min, max);
      return FALSE;
    }
  *out = (int) value;
  return TRUE;
}

static gboolean
import_image_file (RlStore *store, const char *base, const char *dir_name, GBytes *bytes, GBytes *sidecar_bytes,
                   const char *file_sha256, const RlImportOptions *options, RlImportResult *result, GError **error)
{
  g_autofree char *stem = NULL, *reference = NULL, *ground_truth = NULL, *sidecar_name = NULL;
  g_autoptr(JsonObject) sidecar = NULL;
  g_autoptr(GError) local = NULL;
  const guint8 *data;
  const char *format = NULL, *dot;
  RlEncounter encounter = { 0 };
  int width = 0, height = 0, ppi = 500, finger = 0, impression = RL_IMPRESSION_PLAIN;
  gsize len;

  data = g_bytes_get_data (bytes, &len);
  dot = strrchr (base, '.');
  stem = dot ? g_strndup (base, (gsize) (dot - base)) : g_strdup (base);
  sidecar_name = g_strconcat (stem, ".json", NULL);

  if (sidecar_bytes && !(sidecar = parse_sidecar (sidecar_bytes, sidecar_name, error)))
    return FALSE;

  /* What the image is. */
  if (wsq_size (data, len, &width, &height))
    format = "wsq";
  else
    {
      g_autoptr(RlImage) image = rl_image_load_from_data (data, len, 0, &local);
      g_autofree char *lower = g_ascii_strdown (base, -1);

      if (image == NULL)
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED, _("%s is not an image we read: %s"), base,
                       local->message);
          return FALSE;
        }
      width = image->width;
      height = image->height;
      ppi = image->ppi > 0 ? image->ppi : 500;
      format = g_str_has_suffix (lower, ".png") ? "png"
               : g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg") ? "jpeg"
               : g_str_has_suffix (lower, ".tif") || g_str_has_suffix (lower, ".tiff") ? "tiff"
               : g_str_has_suffix (lower, ".bmp") ? "bmp" : "pgm";
    }

  /* Who and which finger: the sidecar, else FINGER_IMPRESSION in the name. */
  if (sidecar)
    {
      reference = g_strdup (json_string (sidecar, "identity"));
      if (!sidecar_int (sidecar, "finger", 0, 0, 10, sidecar_name, &finger, error) ||
          !sidecar_int (sidecar, "impression", RL_IMPRESSION_PLAIN, 0, 8, sidecar_name, &impression, error) ||
          !sidecar_int (sidecar, "ppi", ppi, 100, 2000, sidecar_name, &ppi, error))
        return FALSE;
      ground_truth = g_strdup (json_string (sidecar, "ground_truth"));
    }
  else
    {
      const char *underscore = strrchr (stem, '_');
      guint64 n;

      if (underscore == NULL || underscore == stem
          || !g_ascii_string_to_unsigned (underscore + 1, 10, 0, G_MAXINT, &n, NULL))
        {
          g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_SYNTAX,
                       _("%s: cannot tell whose print this is: name it FINGER_IMPRESSION (e.g. 101_1) "
                         "or put a %s beside it"), base, sidecar_name);
          return FALSE;
        }
      /* The finger is named by folder and number: "FVC2002_DB1_B/101". */
      ground_truth = g_strdup_printf ("%s/%.*s", dir_name, (int) (underscore - stem), stem);
      reference = g_strdup_printf ("%.*s-%.*s", 20, dir_name, (int) MIN (11, underscore - stem), stem);
    }
  if (reference && strlen (reference) > 32)
    reference[32] = '\0';
  /* Cut at 32 bytes, a reference must stay UTF-8. */
  if (reference && !g_utf8_validate (reference, -1, NULL))
    {
      const char *end;
      g_utf8_validate (reference, -1, &end);
      reference[end - reference] = '\0';
    }

  if (!rl_store_begin (store, error))
    return FALSE;
  encounter.agency_id = agency_for (store, options ? options->agency_code : NULL, json_string (sidecar, "agency"),
                                    result, error);
  if (encounter.agency_id == 0)
    goto fail;
  result->identity_id = identity_for (store, reference, error);
  if (result->identity_id == 0)
    goto fail;
  encounter.identity_id = result->identity_id;
  encounter.purpose = RL_PURPOSE_OTHER;
  if (json_string (sidecar, "purpose"))
    rl_encounter_purpose_from_id (json_string (sidecar, "purpose"), &encounter.purpose);
  encounter.occurred_at = rl_store_now (store);
  if (json_string (sidecar, "date"))
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (json_string (sidecar, "date"), NULL);
      if (when)
        encounter.occurred_at = g_date_time_to_unix (when);
    }
  encounter.family_name = (char *) (json_string (sidecar, "family_name") ? json_string (sidecar, "family_name") : "");
  encounter.given_names = (char *) (json_string (sidecar, "given_names") ? json_string (sidecar, "given_names") : "");
  encounter.date_of_birth = (char *) (json_string (sidecar, "date_of_birth") ? json_string (sidecar, "date_of_birth") : "");
  encounter.nationality = (char *) (json_string (sidecar, "nationality") ? json_string (sidecar, "nationality") : "");
  encounter.sex = (char *) sex_code (json_string (sidecar, "sex"));
  encounter.case_reference = (char *) (json_string (sidecar, "case_reference") ? json_string (sidecar, "case_reference") : "");
  encounter.place = (char *) "";
  result->encounter_id = rl_store_add_encounter (store, &encounter, error);
  if (result->encounter_id == 0)
    goto fail;
  if (!add_image_sample (store, result->encounter_id, bytes, format, width, height, ppi, finger, impression, base,
                         ground_truth, options, result, error))
    goto fail;
  if (!record_import (store, result->encounter_id, base, file_sha256, result, error))
    goto fail;
  if (!rl_store_commit (store, error))
    goto fail;
  remember (options, file_sha256);
  search_imported (store, options, result);
  return TRUE;

fail:
  rl_store_rollback (store);
  result->identity_id = result->encounter_id = 0;
  result->n_samples = result->n_templates = 0;
  return FALSE;
}

gboolean
rl_import_data (RlStore *store, GBytes *bytes, const char *name, const char *folder, GBytes *sidecar,
                const RlImportOptions *options, RlImportResult *result, GError **error)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *base = NULL;
  const guint8 *data;
  gsize len, i = 0;
  gboolean done = FALSE;

  g_return_val_if_fail (store != NULL && bytes != NULL && name != NULL && result != NULL, FALSE);

  if (rl_store_is_remote (store))
    return rl_remote_import (store, bytes, name, folder, sidecar, options, result, error);

  memset (result, 0, sizeof *result);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  base = g_path_get_basename (name);
  data = g_bytes_get_data (bytes, &len);
  if (len > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%s is over the %u-byte limit"), base,
                   RL_AN2K_MAX_FILE_SIZE);
      return FALSE;
    }
  /* Before the history: who may not import does not learn what was. */
  if (!rl_import_check_role (store, error))
    return FALSE;
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  if (!was_imported (store, options, sha256, &done, error))
    return FALSE;
  if (done)
    {
      result->skipped = TRUE;
      return TRUE;
    }

  while (i < len && i < 64 && (g_ascii_isspace (data[i]) || data[i] >= 0x80))
    i++;
  if (rl_an2k_sniff (data, len) || (i < len && data[i] == '<'))
    {
      g_autoptr(RlAn2kTransaction) t = NULL;
      g_autoptr(GError) read_error = NULL;

      if (rl_an2k_sniff (data, len))
        t = rl_an2k_read (bytes, &read_error);
      else
        t = rl_an2k_read_xml ((const char *) data, len, &read_error);
      if (t == NULL)
        {
          g_set_error (error, read_error->domain, read_error->code, "%s: %s", base, read_error->message);
          return FALSE;
        }
      rl_import_result_clear (result);
      return rl_import_transaction (store, t, base, sha256, options, result, error);
    }
  return import_image_file (store, base, folder && *folder ? folder : ".", bytes, sidecar, sha256, options, result,
                            error);
}

/* NAME.json beside path, if there is one (NULL, no error, when not). */
static GBytes *
read_sidecar_file (const char *path, GError **error)
{
  g_autofree char *stem = NULL, *json_path = NULL;
  const char *dot = strrchr (path, '.'), *slash = strrchr (path, G_DIR_SEPARATOR);
  g_autoptr(GError) local = NULL;
  char *contents = NULL;
  gsize len = 0;
  GStatBuf st;

  stem = dot && (slash == NULL || dot > slash) ? g_strndup (path, (gsize) (dot - path)) : g_strdup (path);
  json_path = g_strconcat (stem, ".json", NULL);
  if (!g_file_test (json_path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  if (g_stat (json_path, &st) == 0 && (guint64) st.st_size > SIDECAR_MAX_BYTES)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%s: a sidecar has at most %u bytes"),
                   json_path, SIDECAR_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (json_path, &contents, &len, &local))
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_IO, _("Cannot read “%s”: %s"), json_path, local->message);
      return NULL;
    }
  return g_bytes_new_take (contents, len);
}

gboolean
rl_import_file (RlStore *store, const char *path, const RlImportOptions *options, RlImportResult *result,
                GError **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) sidecar = NULL;
  g_autofree char *base = NULL, *dir = NULL, *dir_name = NULL;
  GError *local = NULL;

  g_return_val_if_fail (store != NULL && path != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  base = g_path_get_basename (path);
  dir = g_path_get_dirname (path);
  dir_name = g_path_get_basename (dir);
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_IO, _("Cannot read “%s”: %s"), path, local->message);
      g_error_free (local);
      return FALSE;
    }
  if (g_mapped_file_get_length (mapped) > RL_AN2K_MAX_FILE_SIZE)
    {
      g_set_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_TOO_LARGE, _("%s is over the %u-byte limit"), base,
                   RL_AN2K_MAX_FILE_SIZE);
      return FALSE;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  /* A sidecar only describes a single image; a transaction describes itself. */
  if (!rl_an2k_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    {
      sidecar = read_sidecar_file (path, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  rl_import_result_clear (result);
  return rl_import_data (store, bytes, base, dir_name, sidecar, options, result, error);
}

/* ---- export --------------------------------------------------------------------- */

static void
set_type1 (RlAn2kRecord *type1, RlStore *store, const RlEncounter *encounter)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (encounter->occurred_at);
  g_autofree char *date = when ? g_date_time_format (when, "%Y%m%d") : g_strdup ("19700101");
  g_autofree char *tcn = NULL;
  const char *agency = encounter->agency && encounter->agency[0] ? encounter->agency : "RIDGELINE";

  rl_an2k_record_set_text (type1, 4, encounter->purpose == RL_PURPOSE_ARREST_BOOKING ? "CAR"
                                     : encounter->purpose == RL_PURPOSE_LATENT_CASE ? "LFS" : "NFUF");
  rl_an2k_record_set_text (type1, 5, date);
  rl_an2k_record_set_text (type1, 7, agency);
  rl_an2k_record_set_text (type1, 8, agency);
  tcn = encounter->case_reference && encounter->case_reference[0]
        ? g_strdup (encounter->case_reference)
        : g_strdup_printf ("RL-%" G_GINT64_FORMAT, encounter->id);
  rl_an2k_record_set_text (type1, 9, tcn);
  rl_an2k_record_set_text (type1, 11, "19.69");
  rl_an2k_record_set_text (type1, 12, "19.69");
  (void) store;
}

static void
set_type2 (RlAn2kRecord *type2, const RlEncounter *encounter)
{
  if (encounter->family_name[0] || encounter->given_names[0])
    {
      const char *name[] = { encounter->family_name, encounter->given_names };
      rl_an2k_field_add_subfield (rl_an2k_record_set_field (type2, 18), name, 2);
    }
  if (encounter->nationality[0])
    rl_an2k_record_set_text (type2, 21, encounter->nationality);
  if (strlen (encounter->date_of_birth) == 10)
    {
      g_autofree char *dob = g_strdup_printf ("%.4s%.2s%.2s", encounter->date_of_birth, encounter->date_of_birth + 5,
                                              encounter->date_of_birth + 8);
      rl_an2k_record_set_text (type2, 22, dob);
    }
  rl_an2k_record_set_text (type2, 24, encounter->sex && encounter->sex[0] ? encounter->sex : "U");
}

static RlAn2kCompression
compression_for (const char *format)
{
  if (g_strcmp0 (format, "wsq") == 0)
    return RL_AN2K_COMPRESSION_WSQ;
  if (g_strcmp0 (format, "jpeg") == 0)
    return RL_AN2K_COMPRESSION_JPEG;
  if (g_strcmp0 (format, "jp2") == 0)
    return RL_AN2K_COMPRESSION_JPEG2000;
  if (g_strcmp0 (format, "png") == 0)
    return RL_AN2K_COMPRESSION_PNG;
  return RL_AN2K_COMPRESSION_OTHER;
}

static gboolean
export_samples (RlStore *store, RlAn2kTransaction *t, gint64 encounter_id, const RlExportOptions *options,
                GError **error)
{
  g_autoptr(GPtrArray) samples = rl_store_list_samples (store, encounter_id, error);

  if (samples == NULL)
    return FALSE;
  for (guint i = 0; i < samples->len; i++)
    {
      RlSample *sample = samples->pdata[i];
      g_auto(RlAn2kImage) image = { 0 };
      g_autofree char *format = NULL;

      if (sample->image_sha256 == NULL)
        {
          g_autoptr(GBytes) data = rl_store_get_sample_template (store, sample->id, error);
          g_autoptr(RlTemplate) tpl = NULL;

          if (data == NULL)
            {
              if (error && *error)
                return FALSE;
              continue;
            }
          tpl = rl_template_deserialize (g_bytes_get_data (data, NULL), g_bytes_get_size (data), error);
          if (tpl == NULL || rl_an2k_transaction_add_minutiae (t, tpl, error) == NULL)
            return FALSE;
          continue;
        }
      image.data = rl_store_get_image (store, sample->image_sha256, &format, error);
      if (image.data == NULL)
        return FALSE;
      image.width = (guint) sample->width;
      image.height = (guint) sample->height;
      image.ppi = (guint) sample->ppi;
      image.finger = sample->finger;
      image.impression = sample->impression;
      image.bits_per_pixel = 8;
      image.compression = compression_for (format);
      if (image.compression == RL_AN2K_COMPRESSION_OTHER)
        {
          /* TIFF, BMP, PGM: re-encoded losslessly as PNG for the exchange. */
          g_autoptr(RlImage) decoded = rl_image_load_from_data (g_bytes_get_data (image.data, NULL),
                                                                g_bytes_get_size (image.data), sample->ppi, error);
          g_autoptr(GBytes) png = decoded ? rl_image_encode (decoded, "png", error) : NULL;
          if (png == NULL)
            return FALSE;
          g_bytes_unref (image.data);
          image.data = g_steal_pointer (&png);
          image.compression = RL_AN2K_COMPRESSION_PNG;
        }
      if (rl_an2k_transaction_add_fingerprint (t, options->type14_only || image.compression != RL_AN2K_COMPRESSION_WSQ
                                                  || image.ppi < 490 || image.ppi > 510 ? 14 : 4,
                                               &image, error) == NULL)
        return FALSE;
    }
  return TRUE;
}

static RlAn2kTransaction *
export_encounters (RlStore *store, GPtrArray *encounters, const char *object_kind, gint64 object_id,
                   const RlExportOptions *options, GError **error)
{
  g_autoptr(RlAn2kTransaction) t = rl_an2k_transaction_new ("0500");
  RlEncounter *latest;
  g_autofree char *details = NULL;

  if (options == NULL || rl_is_blank (options->purpose))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("An export needs a stated purpose"));
      return NULL;
    }
  if (encounters->len == 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("Nothing to export: no encounter"));
      return NULL;
    }
  latest = encounters->pdata[encounters->len - 1];
  set_type1 (rl_an2k_transaction_get_record (t, 0), store, latest);
  set_type2 (rl_an2k_transaction_add_record (t, 2, 0), latest);
  for (guint i = 0; i < encounters->len; i++)
    if (!export_samples (store, t, ((RlEncounter *) encounters->pdata[i])->id, options, error))
      return NULL;
  if (rl_an2k_transaction_get_n_records (t) <= 2)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("Nothing to export: no prints"));
      return NULL;
    }
  details = g_strdup_printf ("{\"records\":%u}", rl_an2k_transaction_get_n_records (t));
  if (!rl_store_audit (store, "export.an2k", object_kind, object_id, options->purpose, details, error))
    return NULL;
  return g_steal_pointer (&t);
}

RlAn2kTransaction *
rl_export_encounter (RlStore *store, gint64 encounter_id, const RlExportOptions *options, GError **error)
{
  g_autoptr(RlEncounter) encounter = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_return_val_if_fail (store != NULL, NULL);
  encounter = rl_store_get_encounter (store, encounter_id, error);
  if (encounter == NULL)
    return NULL;
  g_ptr_array_add (one, encounter);
  return export_encounters (store, one, "encounter", encounter_id, options, error);
}

RlAn2kTransaction *
rl_export_identity (RlStore *store, gint64 identity_id, const RlExportOptions *options, GError **error)
{
  g_autoptr(GPtrArray) encounters = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  encounters = rl_store_list_encounters (store, identity_id, error);
  if (encounters == NULL)
    return NULL;
  return export_encounters (store, encounters, "identity", identity_id, options, error);
}

/* ---- the result as JSON (POST /api/v1/imports) ------------------------------------ */

JsonNode *
rl_import_result_to_json (const RlImportResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const RlSearchOutcome *o = &result->search;

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (b);
  rl_json_add_bool (b, "skipped", result->skipped);
  rl_json_add_id (b, "identity_id", result->identity_id);
  rl_json_add_id (b, "encounter_id", result->encounter_id);
  rl_json_add_int (b, "samples", result->n_samples);
  rl_json_add_int (b, "templates", result->n_templates);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; result->notes && i < result->notes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (result->notes, i));
  json_builder_end_array (b);
  rl_json_add_bool (b, "searched", result->searched);
  json_builder_set_member_name (b, "search");
  if (!result->searched)
    json_builder_add_null_value (b);
  else
    {
      /* As POST /encounters/{id}/search answers. */
      json_builder_begin_object (b);
      rl_json_add_id (b, "search_id", o->search_id);
      rl_json_add_string (b, "status", o->search_id ? rl_search_status_to_id (o->status) : NULL);
      rl_json_add_string (b, "reason", o->search_id ? rl_search_reason_to_id (o->reason) : NULL);
      rl_json_add_double (b, "best_score", o->best_score);
      rl_json_add_id (b, "best_identity_id", o->best_identity_id);
      rl_json_add_id (b, "best_sample_id", o->best_sample_id);
      rl_json_add_id (b, "hit_id", o->hit_id);
      rl_json_add_int (b, "n_links", o->n_links);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
read_outcome (JsonObject *o, RlSearchOutcome *out, GError **error)
{
  g_autofree char *status = NULL, *reason = NULL;
  double score = 0;
  gint64 n_links = 0;

  if (!rl_json_read_id (o, "search", "search_id", &out->search_id, error) ||
      !rl_json_read_string (o, "search", "status", &status, error) ||
      !rl_json_read_string (o, "search", "reason", &reason, error) ||
      !rl_json_read_double (o, "search", "best_score", &score, error) ||
      !rl_json_read_id (o, "search", "best_identity_id", &out->best_identity_id, error) ||
      !rl_json_read_id (o, "search", "best_sample_id", &out->best_sample_id, error) ||
      !rl_json_read_id (o, "search", "hit_id", &out->hit_id, error) ||
      !rl_json_read_int (o, "search", "n_links", 0, G_MAXUINT, &n_links, error))
    return FALSE;
  if ((status && !rl_search_status_from_id (status, &out->status)) ||
      (reason && !rl_search_reason_from_id (reason, &out->reason)))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: search.%s: unknown value “%s”"),
                   status && !rl_search_status_from_id (status, NULL) ? "status" : "reason",
                   status && !rl_search_status_from_id (status, NULL) ? status : reason);
      return FALSE;
    }
  /* A score is a similarity of a few hundred at most: anything the float
   * cannot hold is a broken reply, refused before the conversion. */
  if (isnan (score))
    score = 0;
  if (!(score >= -1e6 && score <= 1e6))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: search.best_score %g is out of range"), score);
      return FALSE;
    }
  out->best_score = (float) score;
  out->n_links = (guint) n_links;
  return TRUE;
}

gboolean
rl_import_result_from_json (JsonNode *node, RlImportResult *result, GError **error)
{
  JsonObject *o, *search_object;
  JsonNode *notes, *search;
  gint64 samples = 0, templates = 0;

  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  if (!(o = rl_json_expect_object (node, "import", error)) ||
      !rl_json_read_bool (o, "import", "skipped", &result->skipped, error) ||
      !rl_json_read_id (o, "import", "identity_id", &result->identity_id, error) ||
      !rl_json_read_id (o, "import", "encounter_id", &result->encounter_id, error) ||
      !rl_json_read_int (o, "import", "samples", 0, G_MAXUINT, &samples, error) ||
      !rl_json_read_int (o, "import", "templates", 0, G_MAXUINT, &templates, error) ||
      !rl_json_read_bool (o, "import", "searched", &result->searched, error))
    return FALSE;
  result->n_samples = (guint) samples;
  result->n_templates = (guint) templates;
  notes = json_object_get_member (o, "notes");
  if (notes && !JSON_NODE_HOLDS_NULL (notes))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (notes))
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                       _("The server’s reply is malformed: import.notes is not an array"));
          return FALSE;
        }
      array = json_node_get_array (notes);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            {
              g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                           _("The server’s reply is malformed: import.notes[%u] is not a string"), i);
              return FALSE;
            }
          g_ptr_array_add (result->notes, g_strdup (json_node_get_string (item)));
        }
    }
  search = json_object_get_member (o, "search");
  if (result->searched)
    {
      if (!(search_object = rl_json_expect_object (search, "import.search", error)) ||
          !read_outcome (search_object, &result->search, error))
        return FALSE;
    }
  return TRUE;
}
