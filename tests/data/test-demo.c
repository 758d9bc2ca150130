/* The demo workspace: believable, and the same for the same seed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-demo.h"
#include "rl-sharing.h"
#include "rl-template-io.h"

/* The deterministic test's first workspace, kept for the believable test:
 * the print generator is slow under the sanitizers. */
static char *shared_workspace;

static char *
temp_dir (void)
{
  return g_dir_make_tmp ("rl-demo-XXXXXX", NULL);
}

static void
remove_workspace (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", ".partner-keys" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static void
build_full (const char *path, guint n, guint64 seed, guint threads, const char *import_dir, gboolean without_prints)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  RlDemoOptions options = { .n_identities = n, .seed = seed, .n_threads = threads, .import_dir = import_dir,
                            .without_prints = without_prints };

  g_assert_no_error (error);
  g_assert_true (rl_demo_build (store, &options, &error));
  g_assert_no_error (error);
}

static void
build (const char *path, guint n, guint64 seed, guint threads, const char *import_dir)
{
  build_full (path, n, seed, threads, import_dir, FALSE);
}

/* SHA-256 over every row of the tables that make the workspace. */
static char *
content_hash (const char *path)
{
  const char *tables[] = { "agency", "user", "identity", "encounter", "image", "sample", "derogatory_record",
                           "access_grant", "matcher_release", "search", "candidate", "partner",
                           "partner_shared_category", "partner_shared_field", "audit_log" };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      /* The partners' API keys are made at random on every build (a key
       * derived from the seed would be public), so their hashes and shown
       * prefixes differ, and with them the audit chain's hashes: those are
       * left out; everything else must be the same. */
      g_autofree char *sql =
        g_str_equal (tables[t], "partner")
          ? g_strdup ("SELECT id, name, agency_id, active, share_encounter_summary, created_by, created_at, "
                      "agreement_updated_at, revoked_at FROM partner ORDER BY 1")
        : g_str_equal (tables[t], "audit_log")
          ? g_strdup ("SELECT id, at, user_id, username, action, object_kind, object_id, purpose, "
                      "CASE WHEN action = 'partner.add' THEN json_remove (details, '$.key_prefix') ELSE details END "
                      "FROM audit_log ORDER BY 1")
          : g_strdup_printf ("SELECT * FROM %s ORDER BY 1", tables[t]);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_checksum_update (sum, (const guchar *) tables[t], -1);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const void *blob = sqlite3_column_blob (stmt, c);
            g_checksum_update (sum, blob ? blob : (const guchar *) "", sqlite3_column_bytes (stmt, c));
            g_checksum_update (sum, (const guchar *) "\x1f", 1);
          }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

static void
test_deterministic (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *a = g_build_filename (dir, "a.db", NULL);
  g_autofree char *b = g_build_filename (dir, "b.db", NULL);
  g_autofree char *c = g_build_filename (dir, "c.db", NULL);
  g_autofree char *d = g_build_filename (dir, "d.db", NULL);
  g_autofree char *ha = NULL, *hb = NULL, *hc = NULL, *hd = NULL;

  /* Same seed, different thread counts: the same workspace, prints and all.
   * (Two identities: the generator is slow under the sanitizers.) */
  build (a, 2, 42, 1, NULL);
  build (b, 2, 42, 2, NULL);
  ha = content_hash (a);
  hb = content_hash (b);
  g_test_message ("seed 42: %s", ha);
  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpint (query_int (a, "SELECT count(*) FROM image"), >, 0);

  /* Another seed, another workspace. */
  build_full (c, 30, 42, 0, NULL, TRUE);
  build_full (d, 30, 43, 0, NULL, TRUE);
  hc = content_hash (c);
  hd = content_hash (d);
  g_assert_cmpstr (hc, !=, hd);
  remove_workspace (b);
  remove_workspace (c);
  remove_workspace (d);
  shared_workspace = g_steal_pointer (&a);
}

static void
test_believable (void)
{
  g_autofree char *path = g_strdup (shared_workspace);
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(RlAuditReport) report = NULL;
  g_autoptr(RlMatcherRelease) active = NULL;
  guint roles[5] = { 0 };

  if (path == NULL)
    {
      g_test_skip ("the deterministic test did not leave a workspace");
      return;
    }
  dir = g_path_get_dirname (path);
  store = rl_store_open (path, &error);
  g_assert_no_error (error);

  /* ~12 users across every role, 3-5 agencies. */
  users = rl_store_list_users (store, &error);
  g_assert_cmpuint (users->len, >=, 10);
  for (guint i = 0; i < users->len; i++)
    roles[((RlUser *) users->pdata[i])->role]++;
  for (int r = RL_ROLE_EXAMINER; r <= RL_ROLE_DATA_STEWARD; r++)
    g_assert_cmpuint (roles[r], >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM agency"), >=, 3);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM agency"), <=, 7);

  /* Gateway partners with different agreements, set up by the data
   * steward; their keys are new ones, in a file only the user can read. */
  {
    g_autoptr(GPtrArray) partners = rl_store_list_partners (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (partners->len, >=, 2);
    for (guint i = 0; rl_demo_partner_name (i); i++)
      {
        g_autofree char *key = rl_demo_read_partner_key (path, rl_demo_partner_name (i), &error);
        g_autoptr(RlPartner) p = NULL;

        g_assert_no_error (error);
        g_assert_false (g_str_has_prefix (key, "rlp_demo_"));
        p = rl_store_authenticate_partner (store, key, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (p->name, ==, rl_demo_partner_name (i));
        g_assert_cmpuint (p->biographic_fields, !=, 0);
        g_assert_cmpuint (p->derogatory_categories, !=, 0);
      }
    {
      g_autofree char *keys = rl_demo_partner_keys_path (path);
      GStatBuf st;

      g_assert_cmpint (g_stat (keys, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
    g_assert_cmpuint (((RlPartner *) partners->pdata[0])->derogatory_categories, !=,
                      ((RlPartner *) partners->pdata[1])->derogatory_categories);
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM audit_log WHERE action = 'partner.sharing' "
                                      "AND username = 'dwhitfield'"), ==, partners->len);
  }

  /* Every identity has encounters, every encounter a print with an image. */
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM identity"), ==, 2);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM identity i WHERE NOT EXISTS "
                                    "(SELECT 1 FROM encounter e WHERE e.identity_id = i.id)"), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM encounter e WHERE NOT EXISTS "
                                    "(SELECT 1 FROM sample s WHERE s.encounter_id = e.id)"), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sample WHERE image_sha256 IS NULL"), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM image WHERE format = 'png' AND width = 400 AND height = 500 "
                                    "AND substr(data, 2, 3) = CAST('PNG' AS BLOB)"), ==,
                   query_int (path, "SELECT count(*) FROM image"));

  /* Every print has a template from the extractor, and the recent
   * encounter was searched: its candidates' scores are the matcher's own
   * (recomputed here from the stored templates). */
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sample WHERE template IS NULL OR quality IS NULL"), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM search"), >=, 1);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM candidate"), >=, 1);
  {
    g_autoptr(GPtrArray) searches = rl_store_list_searches (store, 0, &error);
    guint checked = 0;
    g_assert_no_error (error);
    for (guint i = 0; i < searches->len; i++)
      {
        RlSearch *search = searches->pdata[i];
        g_autoptr(GBytes) pb = rl_store_get_sample_template (store, search->probe_sample_id, &error);
        g_autoptr(RlTemplate) probe = rl_template_deserialize (g_bytes_get_data (pb, NULL), g_bytes_get_size (pb), &error);
        g_autoptr(GPtrArray) candidates = rl_store_list_candidates (store, search->id, &error);
        g_assert_no_error (error);
        for (guint k = 0; k < candidates->len; k++)
          {
            RlSearchCandidate *c = candidates->pdata[k];
            g_autoptr(GBytes) cb = rl_store_get_sample_template (store, c->sample_id, &error);
            g_autoptr(RlTemplate) tpl = rl_template_deserialize (g_bytes_get_data (cb, NULL), g_bytes_get_size (cb), &error);
            g_assert_no_error (error);
            g_assert_cmpfloat_with_epsilon (rl_compare (probe, tpl, NULL), c->score, 0.01);
            if (k > 0)
              g_assert_cmpfloat (((RlSearchCandidate *) candidates->pdata[k - 1])->score, >=, c->score);
            checked++;
          }
      }
    g_assert_cmpuint (checked, >, 0);
  }

  /* One release active, an earlier one retired. */
  active = rl_store_get_active_release (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (active->name, ==, "2026.1");
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM matcher_release WHERE state = 'retired'"), ==, 1);

  /* The whole history is in the audit log, in time order, chain intact. */
  report = rl_store_verify_audit (store, &error);
  g_assert_no_error (error);
  g_assert_null (report->problem);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id + 1 WHERE b.at < a.at"), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM audit_log WHERE action = 'encounter.add'"), ==,
                   query_int (path, "SELECT count(*) FROM encounter"));

  /* A demo goes into an empty workspace only. */
  {
    RlDemoOptions options = { .n_identities = 1, .seed = 1 };
    g_assert_false (rl_demo_build (store, &options, &error));
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  }
  g_clear_pointer (&store, rl_store_close);
  remove_workspace (path);
  g_rmdir (dir);
}

static void
test_inconsistencies (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);

  /* Enough people for the rarer things to occur; the biographic history
   * alone (without prints) keeps the test quick. */
  build_full (path, 150, 3, 0, NULL, TRUE);
  /* Some identities carry different spellings or dates of birth across
   * their encounters; some carry derogatory records; some are restricted. */
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM (SELECT identity_id FROM encounter GROUP BY identity_id "
                                    "HAVING count(DISTINCT family_name || '/' || given_names) > 1)"), >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM (SELECT identity_id FROM encounter GROUP BY identity_id "
                                    "HAVING count(DISTINCT date_of_birth) > 1)"), >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT identity_id) FROM derogatory_record"), >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT identity_id) FROM derogatory_record"), <, 50);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM derogatory_record WHERE restricted"), >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM derogatory_record WHERE NOT restricted"), >, 0);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT purpose) FROM encounter"), >=, 5);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT agency_id) FROM encounter"), >=, 4);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sample"), ==, 0);
  /* Histories span years, across agencies and purposes, up to "now". */
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM (SELECT identity_id FROM encounter GROUP BY identity_id "
                                    "HAVING max(occurred_at) - min(occurred_at) > 3 * 365 * 86400 "
                                    "AND count(DISTINCT agency_id) > 1)"), >, 10);
  g_assert_cmpint (query_int (path, "SELECT max(occurred_at) FROM encounter"), <=, rl_demo_now ());
  remove_workspace (path);
  g_rmdir (dir);
}

static void
test_import (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *fvc = g_build_filename (shared ? shared : "../shared", "fingerprints", "FVC2002_DB1_B", NULL);
  g_autofree char *dir = NULL, *path = NULL;

  if (!g_file_test (fvc, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no FVC2002_DB1_B in RIDGELINE_SHARED");
      return;
    }
  dir = temp_dir ();
  path = g_build_filename (dir, "ws.db", NULL);
  build (path, 0, 5, 0, fvc);
  /* One identity per finger, every impression enrolled, the truth kept. */
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM identity"), ==, 10);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sample"), ==, 80);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT ground_truth) FROM sample"), ==, 10);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM sample WHERE ground_truth = 'FVC2002_DB1_B/101' AND source = '101_1.tif'"), ==, 1);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM image WHERE format = 'png'"), ==, 80);
  remove_workspace (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/believable", test_believable);
  g_test_add_func ("/demo/inconsistencies", test_inconsistencies);
  g_test_add_func ("/demo/import", test_import);
  return g_test_run ();
}
