/* Import into a workspace and export out of it: NIST's transactions become
 * encounters with samples, nothing is half-imported, a second run skips what
 * is there, and an exported encounter reads back with the same prints. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-image-io.h"
#include "rl-import.h"
#include "rl-store.h"

static char *
temp_dir (void)
{
  return g_dir_make_tmp ("rl-import-XXXXXX", NULL);
}

static RlStore *
new_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_create (path, &error);

  g_assert_no_error (error);
  return store;
}

static guint
count_encounters (RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) identities = rl_store_list_identities (store, NULL, 0, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < identities->len; i++)
    n += ((RlIdentity *) identities->pdata[i])->n_encounters;
  return n;
}

static GBytes *
fake_wsq (gsize len, guint8 seed)
{
  guint8 *data = g_malloc (len);

  /* SOI, then a frame header giving 64 × 80 */
  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 37 + seed);
  memcpy (data, "\xff\xa0\xff\xa2\x00\x11\x00\xff\x00\x50\x00\x40", 12);
  return g_bytes_new_take (data, len);
}

static RlAn2kTransaction *
make_transaction (const char *family, guint n_prints, gboolean bad_last)
{
  RlAn2kTransaction *t = rl_an2k_transaction_new ("0500");
  RlAn2kRecord *type1 = rl_an2k_transaction_get_record (t, 0), *type2;
  const char *name[] = { family, "ANNA MARIA" };
  g_autoptr(GError) error = NULL;

  rl_an2k_record_set_text (type1, 4, "CAR");
  rl_an2k_record_set_text (type1, 5, "20250314");
  rl_an2k_record_set_text (type1, 7, "TESTAGENCY");
  rl_an2k_record_set_text (type1, 8, "TESTAGENCY");
  rl_an2k_record_set_text (type1, 9, "TCN-42");
  rl_an2k_record_set_text (type1, 11, "19.69");
  rl_an2k_record_set_text (type1, 12, "19.69");
  type2 = rl_an2k_transaction_add_record (t, 2, 0);
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (type2, 18), name, 2);
  rl_an2k_record_set_text (type2, 22, "19791231");
  rl_an2k_record_set_text (type2, 24, "F");
  for (guint i = 0; i < n_prints; i++)
    {
      RlAn2kImage image = { .width = 64, .height = 80, .ppi = 500, .finger = i + 1,
                            .impression = RL_IMPRESSION_ROLLED, .compression = RL_AN2K_COMPRESSION_WSQ };
      image.data = fake_wsq (200 + i, (guint8) (i + family[0]));
      if (bad_last && i == n_prints - 1)
        image.ppi = 5000;   /* refused by the store */
      g_assert_nonnull (rl_an2k_transaction_add_fingerprint (t, image.ppi == 500 ? 4 : 14, &image, &error));
      g_assert_no_error (error);
      g_bytes_unref (image.data);
    }
  return t;
}

/* A transaction becomes one encounter with its samples; names, date of birth
 * and sex come from Type-2. */
static void
test_import_transaction (void)
{
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlAn2kTransaction) t = make_transaction ("NOWAK", 3, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) encounter = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  RlImportResult result = { 0 };

  g_assert_true (rl_import_transaction (store, t, "nowak.an2", "abc", NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.skipped);
  g_assert_cmpuint (result.n_samples, ==, 3);

  encounter = rl_store_get_encounter (store, result.encounter_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (encounter->family_name, ==, "NOWAK");
  g_assert_cmpstr (encounter->given_names, ==, "ANNA MARIA");
  g_assert_cmpstr (encounter->date_of_birth, ==, "1979-12-31");
  g_assert_cmpstr (encounter->sex, ==, "F");
  g_assert_cmpstr (encounter->agency, ==, "TESTAGENCY");
  g_assert_cmpstr (encounter->case_reference, ==, "TCN-42");
  g_assert_cmpint (encounter->purpose, ==, RL_PURPOSE_ARREST_BOOKING);

  samples = rl_store_list_samples (store, result.encounter_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 3);
  for (guint i = 0; i < samples->len; i++)
    {
      RlSample *s = samples->pdata[i];
      g_autofree char *format = NULL;
      g_autoptr(GBytes) stored = rl_store_get_image (store, s->image_sha256, &format, &error);

      g_assert_nonnull (stored);

      g_assert_no_error (error);
      g_assert_cmpstr (format, ==, "wsq");
      g_assert_cmpint (s->width, ==, 64);
      g_assert_cmpint (s->height, ==, 80);
      g_assert_cmpint (s->ppi, ==, 500);
      g_assert_cmpint (s->impression, ==, RL_IMPRESSION_ROLLED);
      g_assert_cmpint (s->finger, >=, 1);
    }

  /* Same file hash again: skipped, nothing added. */
  rl_import_result_clear (&result);
  g_assert_true (rl_import_transaction (store, t, "nowak.an2", "abc", NULL, &result, &error));
  g_assert_true (result.skipped);
  g_assert_cmpuint (count_encounters (store), ==, 1);
  rl_import_result_clear (&result);
}

/* One bad record: the whole transaction is refused and nothing stays. */
static void
test_all_or_nothing (void)
{
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlAn2kTransaction) t = make_transaction ("BAD", 3, TRUE);
  g_autoptr(GError) error = NULL;
  GBytes *first = NULL;
  g_autofree char *first_hash = NULL;
  g_autoptr(GBytes) stored = NULL;
  RlImportResult result = { 0 };

  g_assert_false (rl_import_transaction (store, t, "bad.an2", "def", NULL, &result, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "bad.an2"));
  g_assert_nonnull (strstr (error->message, "5000 ppi"));
  g_clear_error (&error);
  g_assert_cmpuint (count_encounters (store), ==, 0);
  g_assert_cmpuint (rl_store_count_identities (store, NULL), ==, 0);

  /* The first (good) image was not left behind either. */
  first = rl_an2k_record_get_data (rl_an2k_transaction_find_record (t, 4));
  first_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, first);
  stored = rl_store_get_image (store, first_hash, NULL, &error);
  g_assert_null (stored);
  g_assert_nonnull (error);
  rl_import_result_clear (&result);
}

/* Export an encounter, read it back: same people, same image bytes. */
static void
test_export_round_trip (void)
{
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlAn2kTransaction) t = make_transaction ("SILVA", 2, FALSE);
  g_autoptr(RlAn2kTransaction) exported = NULL, back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) again = NULL;
  g_autoptr(GPtrArray) samples_a = NULL, samples_b = NULL;
  RlExportOptions options = { .purpose = "test case 7" };
  RlImportResult result = { 0 }, result2 = { 0 };

  g_assert_true (rl_import_transaction (store, t, "silva.an2", NULL, NULL, &result, &error));
  g_assert_no_error (error);

  options.purpose = NULL;
  g_assert_null (rl_export_encounter (store, result.encounter_id, &options, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  options.purpose = "test case 7";

  exported = rl_export_encounter (store, result.encounter_id, &options, &error);
  g_assert_no_error (error);
  bytes = rl_an2k_write (exported, &error);
  g_assert_no_error (error);
  back = rl_an2k_read (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_an2k_transaction_get_n_records (back), ==, 4);   /* Type-1, 2, two Type-4 */
  g_assert_cmpstr (rl_an2k_field_get_item (rl_an2k_record_get_field (rl_an2k_transaction_find_record (back, 2), 18),
                                           0, 0), ==, "SILVA");
  g_assert_cmpstr (rl_an2k_record_get_text (rl_an2k_transaction_find_record (back, 2), 22), ==, "19791231");
  g_assert_cmpstr (rl_an2k_record_get_text (rl_an2k_transaction_get_record (back, 0), 8), ==, "TESTAGENCY");
  for (guint i = 2; i < 4; i++)
    g_assert_true (g_bytes_equal (rl_an2k_record_get_data (rl_an2k_transaction_get_record (back, i)),
                                  rl_an2k_record_get_data (rl_an2k_transaction_get_record (t, i))));

  /* Imported again: a second encounter with the same samples. */
  g_assert_true (rl_import_transaction (store, back, "exported.an2", NULL, NULL, &result2, &error));
  g_assert_no_error (error);
  again = rl_store_get_encounter (store, result2.encounter_id, &error);
  g_assert_cmpstr (again->family_name, ==, "SILVA");
  g_assert_cmpstr (again->date_of_birth, ==, "1979-12-31");
  samples_a = rl_store_list_samples (store, result.encounter_id, &error);
  samples_b = rl_store_list_samples (store, result2.encounter_id, &error);
  g_assert_cmpuint (samples_a->len, ==, samples_b->len);
  for (guint i = 0; i < samples_a->len; i++)
    {
      RlSample *a = samples_a->pdata[i], *b = samples_b->pdata[i];
      g_assert_cmpstr (a->image_sha256, ==, b->image_sha256);
      g_assert_cmpint (a->finger, ==, b->finger);
      g_assert_cmpint (a->impression, ==, b->impression);
    }
  /* The identity (both encounters, under one reference when SID is given;
   * here two identities, so export the first): Type-1, 2 and its prints. */
  {
    g_autoptr(RlAn2kTransaction) whole = rl_export_identity (store, result.identity_id, &options, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rl_an2k_transaction_get_n_records (whole), ==, 4);
  }
  /* Exports are audited with their purpose. */
  {
    g_autoptr(GPtrArray) audit = rl_store_list_audit (store, "encounter", result.encounter_id, 0, 0, &error);
    gboolean found = FALSE;
    for (guint i = 0; i < audit->len; i++)
      {
        RlAuditEntry *e = audit->pdata[i];
        found |= g_str_equal (e->action, "export.an2k") && g_str_equal (e->purpose, "test case 7");
      }
    g_assert_true (found);
  }
  rl_import_result_clear (&result);
  rl_import_result_clear (&result2);
}

/* Imported by an examiner, who may not add agencies: a transaction from an
 * agency the workspace does not know is attributed to the examiner's own,
 * and the note says so; the audit row names the examiner. */
static void
test_as_examiner (void)
{
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlAn2kTransaction) t = make_transaction ("KIM", 1, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) e = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  RlImportResult result = { 0 };
  gboolean noted = FALSE;
  gint64 agency, examiner, steward;

  agency = rl_store_add_agency (store, "HOME", "Home agency", &error);
  g_assert_no_error (error);
  steward = rl_store_add_user (store, "steward", "Data Steward", RL_ROLE_DATA_STEWARD, agency, &error);
  g_assert_cmpint (steward, >, 0);
  g_assert_true (rl_store_set_actor (store, steward, &error));
  examiner = rl_store_add_user (store, "ex1", "Examiner One", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, examiner, &error));

  g_assert_true (rl_import_transaction (store, t, "kim.an2", "f00d", NULL, &result, &error));
  g_assert_no_error (error);
  e = rl_store_get_encounter (store, result.encounter_id, &error);
  g_assert_cmpstr (e->agency, ==, "HOME");
  for (guint i = 0; i < result.notes->len; i++)
    noted |= strstr (result.notes->pdata[i], "TESTAGENCY") != NULL;
  g_assert_true (noted);
  audit = rl_store_list_audit (store, "encounter", result.encounter_id, examiner, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, >=, 1);
  rl_import_result_clear (&result);
}

/* A Latin-1 name in an old transaction arrives as UTF-8; 2.015 (SID) puts
 * two transactions of the same person under one identity. */
static void
test_latin1_and_sid (void)
{
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlAn2kTransaction) a = make_transaction ("M\xdcLLER", 1, FALSE);
  g_autoptr(RlAn2kTransaction) b = make_transaction ("MULLER", 1, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlEncounter) e = NULL;
  RlImportResult ra = { 0 }, rb = { 0 };

  rl_an2k_record_set_text (rl_an2k_transaction_find_record (a, 2), 15, "NY12345");
  rl_an2k_record_set_text (rl_an2k_transaction_find_record (b, 2), 15, "NY12345");
  g_assert_true (rl_import_transaction (store, a, "a.an2", NULL, NULL, &ra, &error));
  g_assert_no_error (error);
  g_assert_true (rl_import_transaction (store, b, "b.an2", NULL, NULL, &rb, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ra.identity_id, ==, rb.identity_id);
  e = rl_store_get_encounter (store, ra.encounter_id, &error);
  g_assert_cmpstr (e->family_name, ==, "M\xc3\x9cLLER");
  rl_import_result_clear (&ra);
  rl_import_result_clear (&rb);
}

/* Minutiae-only samples go out as Type-9 and come back. */
static void
test_minutiae_export (void)
{
  g_autoptr(RlAn2kTransaction) t = rl_an2k_transaction_new (NULL);
  g_autoptr(RlTemplate) tpl = rl_template_new (2, 0), back = NULL;
  g_autoptr(GError) error = NULL;
  RlAn2kRecord *record;

  tpl->height = 400;
  tpl->finger = RL_FINGER_LEFT_INDEX;
  tpl->minutiae[0] = (RlMinutia) { .x = 100, .y = 50, .angle = (float) G_PI / 2, .kind = RL_MINUTIA_ENDING, .reliability = 80 };
  tpl->minutiae[1] = (RlMinutia) { .x = 300, .y = 390, .angle = 0, .kind = RL_MINUTIA_BIFURCATION, .reliability = 30 };
  record = rl_an2k_transaction_add_minutiae (t, tpl, &error);
  g_assert_no_error (error);
  back = rl_an2k_record_get_minutiae (record, 400, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_minutiae, ==, 2);
  g_assert_cmpuint (back->finger, ==, RL_FINGER_LEFT_INDEX);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat_with_epsilon (back->minutiae[i].x, tpl->minutiae[i].x, 0.5);
      g_assert_cmpfloat_with_epsilon (back->minutiae[i].y, tpl->minutiae[i].y, 0.5);
      g_assert_cmpfloat_with_epsilon (back->minutiae[i].angle, tpl->minutiae[i].angle, 0.02);
      g_assert_cmpuint (back->minutiae[i].kind, ==, tpl->minutiae[i].kind);
    }
}

/* Image files named FINGER_IMPRESSION: one identity per finger, one
 * encounter per file; a sidecar describes the person. */
static void
test_image_files (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *set = g_build_filename (dir, "DB9", NULL);
  g_autoptr(RlStore) store = new_store (dir);
  g_autoptr(RlImage) image = rl_image_new (80, 96, 500);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "101_1.png", "101_2.png", "102_1.png", "person.png", "unnamed.png" };
  gint64 identity_101 = 0;

  g_mkdir (set, 0755);
  for (guint y = 0; y < 96; y++)
    for (guint x = 0; x < 80; x++)
      image->pixels[y * 80 + x] = (uint8_t) (((x / 4 + y / 6) % 2) ? 40 : 220);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (set, names[i], NULL);
      image->pixels[i] = (uint8_t) i;   /* different content, different hash */
      png = rl_image_encode (image, "png", &error);
      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
      g_clear_pointer (&png, g_bytes_unref);
    }
  {
    g_autofree char *json = g_build_filename (set, "person.json", NULL);
    const char *text = "{\"identity\": \"CASE-9\", \"finger\": 7, \"impression\": 1, \"family_name\": \"OKAFOR\","
                       " \"date_of_birth\": \"1990-02-03\", \"sex\": \"M\"}";
    g_assert_true (g_file_set_contents (json, text, -1, NULL));
  }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (set, names[i], NULL);
      RlImportResult result = { 0 };
      gboolean ok = rl_import_file (store, path, NULL, &result, &error);

      if (g_str_equal (names[i], "unnamed.png"))
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (error->message, "FINGER_IMPRESSION"));
          g_clear_error (&error);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (result.n_samples, ==, 1);
          if (g_str_has_prefix (names[i], "101_"))
            {
              if (identity_101 == 0)
                identity_101 = result.identity_id;
              g_assert_cmpint (result.identity_id, ==, identity_101);
            }
          if (g_str_equal (names[i], "person.png"))
            {
              g_autoptr(GPtrArray) samples = rl_store_list_samples (store, result.encounter_id, &error);
              g_autoptr(RlEncounter) e = rl_store_get_encounter (store, result.encounter_id, &error);
              RlSample *s = samples->pdata[0];
              g_assert_cmpint (s->finger, ==, RL_FINGER_LEFT_INDEX);
              g_assert_cmpint (s->impression, ==, RL_IMPRESSION_ROLLED);
              g_assert_cmpstr (e->family_name, ==, "OKAFOR");
              g_assert_cmpstr (e->date_of_birth, ==, "1990-02-03");
            }
          if (g_str_equal (names[i], "102_1.png"))
            {
              g_autoptr(GPtrArray) samples = rl_store_list_samples (store, result.encounter_id, &error);
              g_assert_cmpstr (((RlSample *) samples->pdata[0])->ground_truth, ==, "DB9/102");
            }
        }
      rl_import_result_clear (&result);
    }
  g_assert_cmpuint (count_encounters (store), ==, 4);
  g_assert_cmpuint (rl_store_count_identities (store, NULL), ==, 3);

  /* Second run: every file is skipped, whether checked against the audit
   * log one by one or against the history loaded once. */
  for (guint pass = 0; pass < 2; pass++)
    {
      RlImportOptions options = { 0 };

      if (pass == 1)
        {
          options.imported = rl_import_load_history (store, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (g_hash_table_size (options.imported), ==, 4);
        }
      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *path = g_build_filename (set, names[i], NULL);
          RlImportResult result = { 0 };
          g_assert_true (rl_import_file (store, path, &options, &result, &error));
          g_assert_true (result.skipped);
          rl_import_result_clear (&result);
        }
      g_clear_pointer (&options.imported, g_hash_table_unref);
    }
  g_assert_cmpuint (count_encounters (store), ==, 4);
}

/* NIST's files: those with fingerprint records import, the others are
 * refused with a reason naming what they hold. */
static void
test_shared_files (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *an2k = shared ? g_build_filename (shared, "interchange", "an2k", NULL) : NULL;
  g_autofree char *dir = temp_dir ();
  g_autoptr(RlStore) store = new_store (dir);
  static const char *with_prints[] = {
    "valid1.1.an2", "valid1.2.an2", "valid1.4.an2", "valid1.5.an2", "valid1.6.an2", "valid1.7.an2",
    "valid1.8.an2", "valid1.9.an2", "valid1.11.an2", "valid1.14.an2", "valid1.15.an2", "valid1.16.an2",
    "All-Supported-Records-test-comp.xml",
  };
  static const char *without[] = {
    "valid1.3.an2", "valid1.10.an2", "valid1.13.an2", "type_3_wvu.an2", "type_5_wvu.an2", "type_6_wvu.an2",
    "sign_raw.an2", "sign_vec.an2", "face_jpb_DOM_GMT_DCS.an2",
  };

  if (an2k == NULL || !g_file_test (an2k, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("../shared/interchange/an2k is absent");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (with_prints); i++)
    {
      g_autofree char *path = g_build_filename (an2k, with_prints[i], NULL);
      g_autoptr(GError) error = NULL;
      RlImportResult result = { 0 };

      g_assert_true (rl_import_file (store, path, NULL, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.n_samples, >=, 1);
      for (guint k = 0; k < result.notes->len; k++)
        g_test_message ("%s", (const char *) result.notes->pdata[k]);
      rl_import_result_clear (&result);
    }
  for (guint i = 0; i < G_N_ELEMENTS (without); i++)
    {
      g_autofree char *path = g_build_filename (an2k, without[i], NULL);
      g_autoptr(GError) error = NULL;
      RlImportResult result = { 0 };

      g_assert_false (rl_import_file (store, path, NULL, &result, &error));
      g_assert_error (error, RL_AN2K_ERROR, RL_AN2K_ERROR_UNSUPPORTED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, without[i]));
      rl_import_result_clear (&result);
    }
  g_assert_cmpuint (count_encounters (store), ==, G_N_ELEMENTS (with_prints));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/transaction", test_import_transaction);
  g_test_add_func ("/import/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/import/export-round-trip", test_export_round_trip);
  g_test_add_func ("/import/minutiae-export", test_minutiae_export);
  g_test_add_func ("/import/latin1-and-sid", test_latin1_and_sid);
  g_test_add_func ("/import/as-examiner", test_as_examiner);
  g_test_add_func ("/import/image-files", test_image_files);
  g_test_add_func ("/import/shared-files", test_shared_files);
  return g_test_run ();
}
