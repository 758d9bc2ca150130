/* The store's domain: every rule gives a clear error, nothing half-written,
 * the audit chain catches tampering, readers run beside a writer, a crash
 * loses nothing committed, restricted records stay withheld. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rl-store.h"

typedef struct {
  char    *dir;
  char    *path;
  RlStore *store;
  gint64   border, police, visa;            /* agencies */
  gint64   steward, ex1, ex2, analyst, sup1, sup2, police_analyst;  /* users */
  gint64   identity, encounter, probe_encounter;
  gint64   gallery_sample, probe_sample;
  gint64   baseline;                         /* active release */
} Fixture;

static gint64
add_sample (Fixture *f, gint64 encounter, int finger, const char *content)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (content, strlen (content));
  g_autofree char *hash = rl_store_add_image (f->store, bytes, "png", 300, 400, &error);
  RlSample s = { .encounter_id = encounter, .finger = finger, .impression = RL_IMPRESSION_PLAIN,
                 .image_sha256 = hash, .ppi = 500, .quality = 60, .source = (char *) "test" };
  g_autoptr(GBytes) tpl = g_bytes_new_static ("\x01tpl", 4);
  gint64 id;

  g_assert_no_error (error);
  id = rl_store_add_sample (f->store, &s, tpl, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  RlStore *s;
  RlEncounter e = { 0 };

  f->dir = g_dir_make_tmp ("rl-store-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "ws.db", NULL);
  f->store = s = rl_store_create (f->path, &error);
  g_assert_no_error (error);
  rl_store_set_time (s, 1700000000);

  f->border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  g_assert_no_error (error);
  f->police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  f->visa = rl_store_add_agency (s, "VISA", "Visa Office", &error);
  f->steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->border, &error);
  g_assert_no_error (error);
  /* From now on, adding users needs a data steward. */
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  f->ex1 = rl_store_add_user (s, "ex1", "Eve Examiner", RL_ROLE_EXAMINER, f->border, &error);
  f->ex2 = rl_store_add_user (s, "ex2", "Evan Examiner", RL_ROLE_EXAMINER, f->border, &error);
  f->analyst = rl_store_add_user (s, "an1", "Ann Analyst", RL_ROLE_ANALYST, f->border, &error);
  f->police_analyst = rl_store_add_user (s, "an2", "Pat Analyst", RL_ROLE_ANALYST, f->police, &error);
  f->sup1 = rl_store_add_user (s, "sup1", "Sam Supervisor", RL_ROLE_SUPERVISOR, f->border, &error);
  f->sup2 = rl_store_add_user (s, "sup2", "Sue Supervisor", RL_ROLE_SUPERVISOR, f->visa, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, 0, &error));

  f->baseline = rl_store_add_release (s, "baseline", "{\"threshold\": 40}", 0, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_activate_release (s, f->baseline, &error));
  g_assert_no_error (error);

  f->identity = rl_store_add_identity (s, NULL, &error);
  g_assert_no_error (error);
  e.identity_id = f->identity;
  e.agency_id = f->visa;
  e.occurred_at = 1600000000;
  e.purpose = RL_PURPOSE_VISA_APPLICATION;
  e.family_name = (char *) "Haddad";
  e.given_names = (char *) "Omar";
  e.date_of_birth = (char *) "1985-03-12";
  e.nationality = (char *) "JOR";
  e.sex = (char *) "M";
  f->encounter = rl_store_add_encounter (s, &e, &error);
  g_assert_no_error (error);
  f->gallery_sample = add_sample (f, f->encounter, 2, "gallery print");

  e.agency_id = f->border;
  e.occurred_at = 1650000000;
  e.purpose = RL_PURPOSE_BORDER_CROSSING;
  e.family_name = (char *) "Hadad";
  f->probe_encounter = rl_store_add_encounter (s, &e, &error);
  g_assert_no_error (error);
  f->probe_sample = add_sample (f, f->probe_encounter, 2, "probe print");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->store, rl_store_close);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
count_rows (Fixture *f, const char *table)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
raw_exec (Fixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* ------------------------------------------------------------ tests */

static void
test_migrations_from_empty (Fixture *f, gconstpointer data)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  const char *tables[] = { "agency", "user", "identity", "encounter", "image", "sample", "derogatory_record",
                           "access_grant", "matcher_release", "search", "candidate", "probe_analysis",
                           "candidate_view", "conclusion", "verification", "hit", "hit_disposition",
                           "correction", "release_correction", "identity_link", "audit_log" };

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, rl_store_schema_version ());
  sqlite3_finalize (stmt);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT sql FROM sqlite_schema WHERE name = '%s'", tables[i]);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      /* Every table is STRICT. */
      g_assert_nonnull (strstr ((const char *) sqlite3_column_text (stmt, 0), "STRICT"));
      sqlite3_finalize (stmt);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* A schema-1 workspace (what the first skeleton wrote) migrates forward
   * and keeps its users. */
  {
    g_autofree char *old = g_build_filename (f->dir, "v1.db", NULL);
    g_autoptr(RlStore) store = NULL;
    g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db,
        "CREATE TABLE agency (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16), name TEXT NOT NULL) STRICT;"
        "CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),"
        " display_name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('examiner','analyst','supervisor','data-steward')),"
        " agency_id INTEGER NOT NULL REFERENCES agency(id)) STRICT;"
        "INSERT INTO agency VALUES (1, 'OLD', 'Old agency');"
        "INSERT INTO user VALUES (1, 'old', 'Old User', 'examiner', 1);"
        "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    store = rl_store_open (old, &error);
    g_assert_no_error (error);
    users = rl_store_list_users (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (users->len, ==, 1);
    g_assert_cmpstr (((RlUser *) users->pdata[0])->agency, ==, "OLD");
    g_assert_true (((RlUser *) users->pdata[0])->active);
    g_clear_pointer (&store, rl_store_close);
    g_unlink (old);
    {
      g_autofree char *wal = g_strconcat (old, "-wal", NULL);
      g_autofree char *shm = g_strconcat (old, "-shm", NULL);
      g_unlink (wal);
      g_unlink (shm);
    }
  }
}

static void
test_foreign_database (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (x TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = rl_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a Ridgeline workspace"));
  g_unlink (path);
}

static void
test_damaged_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  /* Checkpoint everything into the main file, then wreck its pages after
   * the header. */
  g_clear_pointer (&f->store, rl_store_close);
  raw_exec (f, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  memset (contents + 4096, 0xA5, len - 4096);
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));

  store = rl_store_open (f->path, &error);
  if (store != NULL)
    {
      /* The header survived: the damage shows on the first read. */
      g_autoptr(GPtrArray) users = rl_store_list_users (store, &error);
      g_assert_null (users);
    }
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, f->path));
}

static void
expect_constraint (GError *error, GQuark domain, int code, const char *fragment)
{
  g_assert_nonnull (error);
  if (error->domain != domain || error->code != code || strstr (error->message, fragment) == NULL)
    g_error ("expected error %d containing “%s”, got %d: %s", code, fragment, error->code, error->message);
}

static void
test_constraints (Fixture *f, gconstpointer data)
{
  RlStore *s = f->store;
  g_autoptr(GError) error = NULL;
  RlSample sample = { .encounter_id = f->encounter, .finger = 11, .ppi = 500, .quality = 50 };
  RlEncounter e = { .identity_id = f->identity, .agency_id = f->border, .purpose = RL_PURPOSE_ARREST_BOOKING };
  RlDerogatoryRecord d = { .identity_id = f->identity, .category = RL_DEROGATORY_GANG_MEMBER,
                           .source_agency_id = f->police, .summary = (char *) "x", .recorded_on = (char *) "2020-01-01" };
  RlConclusion c = { .probe_sample_id = f->probe_sample, .candidate_sample_id = f->gallery_sample,
                     .decision = RL_DECISION_IDENTIFICATION, .reasons = (char *) "12 minutiae in agreement" };
  gint64 conclusion, draft;
  sqlite3 *db = NULL;
  char *message = NULL;

  /* samples */
  g_assert_cmpint (rl_store_add_sample (s, &sample, NULL, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "finger position");
  g_clear_error (&error);
  sample.finger = 3;
  sample.quality = 101;
  g_assert_cmpint (rl_store_add_sample (s, &sample, NULL, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "quality");
  g_clear_error (&error);
  sample.quality = 50;
  sample.image_sha256 = (char *) "0000000000000000000000000000000000000000000000000000000000000000";
  g_assert_cmpint (rl_store_add_sample (s, &sample, NULL, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "does not exist");
  g_clear_error (&error);

  /* encounters */
  e.date_of_birth = (char *) "12/03/1985";
  g_assert_cmpint (rl_store_add_encounter (s, &e, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "12/03/1985");
  g_clear_error (&error);
  e.date_of_birth = NULL;
  e.identity_id = 999999;
  g_assert_cmpint (rl_store_add_encounter (s, &e, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "identity 999999");
  g_clear_error (&error);

  /* derogatory records */
  d.summary = (char *) "   ";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "summary");
  g_clear_error (&error);

  /* users */
  g_assert_true (rl_store_set_actor (s, f->ex1, &error));
  g_assert_cmpint (rl_store_add_user (s, "new", "New", RL_ROLE_EXAMINER, f->border, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "Data steward");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  g_assert_cmpint (rl_store_add_user (s, "ex1", "Again", RL_ROLE_EXAMINER, f->border, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "taken");
  g_clear_error (&error);

  /* conclusions: examiners only, with reasons; never edited */
  g_assert_true (rl_store_set_actor (s, f->analyst, &error));
  g_assert_cmpint (rl_store_add_conclusion (s, &c, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "record a conclusion");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->ex1, &error));
  c.reasons = (char *) " ";
  g_assert_cmpint (rl_store_add_conclusion (s, &c, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "reasons");
  g_clear_error (&error);
  c.reasons = (char *) "12 minutiae in agreement";
  conclusion = rl_store_add_conclusion (s, &c, &error);
  g_assert_no_error (error);

  /* the same examiner cannot verify their own conclusion */
  g_assert_cmpint (rl_store_add_verification (s, conclusion, TRUE, TRUE, RL_DECISION_IDENTIFICATION, NULL, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "cannot verify their own conclusion");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->ex2, &error));
  g_assert_cmpint (rl_store_add_verification (s, conclusion, TRUE, TRUE, RL_DECISION_IDENTIFICATION, NULL, &error), >, 0);
  g_assert_no_error (error);

  /* and SQL holds the same rules for anyone going around the API */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE conclusion SET decision = 'exclusion'", NULL, NULL, &message), ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "never changed"));
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM conclusion", NULL, NULL, &message), ==, SQLITE_CONSTRAINT);
  sqlite3_free (message);
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO verification (conclusion_id, verifier_id, blind, agrees, created_at) "
                                            "VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 0, 1, 0)", conclusion, f->ex1);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, &message), ==, SQLITE_CONSTRAINT);
    g_assert_nonnull (strstr (message, "own conclusion"));
    sqlite3_free (message);
  }
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO sample (encounter_id, finger, impression) VALUES (1, 12, 0)", NULL, NULL, &message),
                   ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "finger position is 0 (unknown) to 10"));
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit_log SET purpose = 'x'", NULL, NULL, &message), ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (message, "append-only"));
  sqlite3_free (message);
  sqlite3_close (db);

  /* matcher releases: two-person rule, supervisors only */
  g_assert_true (rl_store_set_actor (s, f->sup1, &error));
  draft = rl_store_add_release (s, "tuned-1", "{\"threshold\": 42}", f->baseline, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, f->sup2, &error));
  g_assert_false (rl_store_review_release (s, draft, TRUE, "ok", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "must be evaluated first");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->sup1, &error));
  g_assert_true (rl_store_set_release_evaluated (s, draft, "{\"fmr\": 0.0001}", NULL, &error));
  g_assert_false (rl_store_review_release (s, draft, TRUE, "ok", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "cannot review it too");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->ex1, &error));
  g_assert_false (rl_store_review_release (s, draft, TRUE, "ok", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "only Supervisor can approve");
  g_clear_error (&error);
  g_assert_false (rl_store_activate_release (s, draft, &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "activate");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->sup2, &error));
  g_assert_false (rl_store_activate_release (s, draft, &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "must be approved first");
  g_clear_error (&error);
  g_assert_false (rl_store_review_release (s, draft, FALSE, "", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "needs a comment");
  g_clear_error (&error);
  g_assert_true (rl_store_review_release (s, draft, TRUE, "fixes two false matches", &error));
  g_assert_true (rl_store_activate_release (s, draft, &error));
  g_assert_no_error (error);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (s, &error);
    g_assert_cmpint (active->id, ==, draft);
    g_assert_cmpint (active->approver_id, ==, f->sup2);
  }
  g_assert_cmpint (rl_store_rollback_release (s, &error), ==, f->baseline);
  g_assert_no_error (error);
  {
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (s, &error);
    g_autoptr(RlMatcherRelease) retired = rl_store_get_release (s, draft, &error);
    g_assert_cmpint (active->id, ==, f->baseline);
    g_assert_cmpint (retired->state, ==, RL_RELEASE_RETIRED);
  }
  g_assert_cmpint (rl_store_rollback_release (s, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, "no earlier release");
  g_clear_error (&error);

  /* identity records need a user and a purpose */
  g_assert_true (rl_store_set_actor (s, 0, &error));
  g_assert_null (rl_store_open_identity (s, f->identity, "case 1", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "signed-in");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->analyst, &error));
  g_assert_null (rl_store_open_identity (s, f->identity, "  ", &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "purpose");
  g_clear_error (&error);
}

static void
test_rollback_on_failure (Fixture *f, gconstpointer data)
{
  RlStore *s = f->store;
  g_autoptr(GError) error = NULL;
  RlStoreCandidateIn candidates[] = {
    { f->gallery_sample, 81.5f },
    { 987654, 40.0f },            /* no such sample: the whole search must go */
  };
  gint64 searches = count_rows (f, "search"), cands = count_rows (f, "candidate"), audit = count_rows (f, "audit_log");

  g_assert_cmpint (rl_store_add_search (s, f->probe_sample, 0, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 3,
                                        candidates, 2, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "candidate 2");
  g_assert_cmpint (count_rows (f, "search"), ==, searches);
  g_assert_cmpint (count_rows (f, "candidate"), ==, cands);
  g_assert_cmpint (count_rows (f, "audit_log"), ==, audit);
  g_clear_error (&error);

  /* An outer transaction rolled back takes inner successful calls with it. */
  g_assert_true (rl_store_begin (s, &error));
  g_assert_cmpint (rl_store_add_identity (s, "ROLLED-BACK", &error), >, 0);
  g_assert_cmpint (rl_store_add_identity (s, "ROLLED-BACK", &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "taken");
  rl_store_rollback (s);
  g_assert_cmpint (count_rows (f, "identity"), ==, 1);
  g_assert_cmpint (count_rows (f, "audit_log"), ==, audit);

  /* And the store still works afterwards. */
  g_clear_error (&error);
  g_assert_cmpint (rl_store_add_search (s, f->probe_sample, 0, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 3,
                                        candidates, 1, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_workflow (Fixture *f, gconstpointer data)
{
  RlStore *s = f->store;
  g_autoptr(GError) error = NULL;
  RlStoreCandidateIn candidates[] = { { f->gallery_sample, 55.0f } };
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(RlSearch) search = NULL;
  RlConclusion c = { 0 };
  gint64 id, conclusion;
  gboolean seen = TRUE;

  id = rl_store_add_search (s, f->probe_sample, 0, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 2, candidates, 1, &error);
  g_assert_no_error (error);
  search = rl_store_get_search (s, id, &error);
  g_assert_cmpint (search->release_id, ==, f->baseline);
  g_assert_cmpuint (search->n_candidates, ==, 1);
  g_assert_cmpfloat (search->best_score, ==, 55.0f);
  g_assert_cmpstr (search->agency, ==, "BORDER");

  /* Both examiners see it; ex1 claims; ex2 no longer sees it. */
  g_assert_true (rl_store_set_actor (s, f->ex2, &error));
  queue = rl_store_list_work_queue (s, &error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);
  g_assert_true (rl_store_set_actor (s, f->ex1, &error));
  g_assert_true (rl_store_claim_search (s, id, &error));
  g_assert_true (rl_store_set_actor (s, f->ex2, &error));
  queue = rl_store_list_work_queue (s, &error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_clear_pointer (&queue, g_ptr_array_unref);
  g_assert_false (rl_store_claim_search (s, id, &error));
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "claimed by Eve Examiner");
  g_clear_error (&error);

  /* ACE-V: analysis, then a candidate, then a late change is flagged. */
  g_assert_true (rl_store_set_actor (s, f->ex1, &error));
  g_assert_cmpint (rl_store_add_probe_analysis (s, id, TRUE, "clear core", NULL, &error), >, 0);
  g_assert_true (rl_store_candidate_seen (s, id, f->ex1, &seen, &error));
  g_assert_false (seen);
  list = rl_store_list_candidates (s, id, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (rl_store_record_candidate_view (s, ((RlSearchCandidate *) list->pdata[0])->id, &error));
  g_assert_true (rl_store_candidate_seen (s, id, f->ex1, &seen, &error));
  g_assert_true (seen);
  g_assert_cmpint (rl_store_add_probe_analysis (s, id, TRUE, "added a minutia", "{\"minutiae\": []}", &error), >, 0);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) audit = rl_store_list_audit (s, "search", id, f->ex1, 1, &error);
    g_assert_cmpstr (((RlAuditEntry *) audit->pdata[0])->action, ==, "analysis.add-after-candidate");
  }

  c.candidate_id = ((RlSearchCandidate *) list->pdata[0])->id;
  c.decision = RL_DECISION_IDENTIFICATION;
  c.reasons = (char *) "14 corresponding minutiae, no unexplained differences";
  conclusion = rl_store_add_conclusion (s, &c, &error);
  g_assert_no_error (error);
  g_clear_pointer (&search, rl_search_free);
  search = rl_store_get_search (s, id, &error);
  g_assert_cmpint (search->status, ==, RL_SEARCH_VERIFICATION);

  /* ex2 verifies, disagreeing: disputed, shown to supervisors. */
  g_assert_true (rl_store_set_actor (s, f->ex2, &error));
  queue = rl_store_list_work_queue (s, &error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);
  g_assert_cmpint (rl_store_add_verification (s, conclusion, TRUE, FALSE, RL_DECISION_INCONCLUSIVE, "distortion", &error), >, 0);
  g_clear_pointer (&search, rl_search_free);
  search = rl_store_get_search (s, id, &error);
  g_assert_cmpint (search->status, ==, RL_SEARCH_DISPUTED);
  g_assert_true (rl_store_set_actor (s, f->sup1, &error));
  queue = rl_store_list_work_queue (s, &error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);

  /* A correction and its review. */
  {
    RlCorrection corr = { .kind = RL_CORRECTION_FALSE_MATCH, .probe_sample_id = f->probe_sample,
                          .candidate_sample_id = f->gallery_sample, .search_id = id, .score = NAN,
                          .reason = (char *) "different core type" };
    gint64 cid;
    g_assert_true (rl_store_set_actor (s, f->ex1, &error));
    cid = rl_store_add_correction (s, &corr, &error);
    g_assert_no_error (error);
    g_assert_true (rl_store_set_actor (s, f->sup1, &error));
    g_assert_true (rl_store_review_correction (s, cid, TRUE, &error));
    g_assert_false (rl_store_review_correction (s, cid, TRUE, &error));
    expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "already Accepted");
    g_clear_error (&error);
  }

  /* A hit: analysts dispose; escalated ones need a supervisor. */
  {
    RlHit hit = { .search_id = id, .encounter_id = f->probe_encounter, .identity_id = f->identity, .score = 55.0f };
    gint64 hid = rl_store_add_hit (s, &hit, &error);
    g_autoptr(RlHit) got = NULL;
    g_assert_no_error (error);
    g_assert_true (rl_store_set_actor (s, f->analyst, &error));
    g_assert_cmpint (rl_store_dispose_hit (s, hid, RL_HIT_DISMISSED, "", &error), ==, 0);
    expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "needs a reason");
    g_clear_error (&error);
    g_assert_cmpint (rl_store_dispose_hit (s, hid, RL_HIT_ESCALATED, "possible alias", &error), >, 0);
    g_assert_cmpint (rl_store_dispose_hit (s, hid, RL_HIT_CONFIRMED, NULL, &error), ==, 0);
    expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "only a supervisor");
    g_clear_error (&error);
    g_assert_true (rl_store_set_actor (s, f->sup1, &error));
    g_assert_cmpint (rl_store_dispose_hit (s, hid, RL_HIT_CONFIRMED, "same person", &error), >, 0);
    got = rl_store_get_hit (s, hid, &error);
    g_assert_cmpint (got->status, ==, RL_HIT_CONFIRMED);
  }

  /* A MID link, resolved with a reason. */
  {
    gint64 other = rl_store_add_identity (s, "OTHER-1", &error);
    gint64 link = rl_store_add_identity_link (s, other, f->identity, 60.0f, &error);
    g_autoptr(GPtrArray) links = NULL;
    g_assert_cmpint (rl_store_add_identity_link (s, f->identity, other, 60.0f, &error), ==, link);
    g_assert_true (rl_store_set_actor (s, f->analyst, &error));
    g_assert_false (rl_store_resolve_identity_link (s, link, RL_LINK_RED, NULL, &error));
    expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, "reason");
    g_clear_error (&error);
    g_assert_true (rl_store_resolve_identity_link (s, link, RL_LINK_WHITE, "name spelled two ways", &error));
    links = rl_store_list_identity_links (s, f->identity, &error);
    g_assert_cmpuint (links->len, ==, 1);
    g_assert_cmpint (((RlIdentityLink *) links->pdata[0])->colour, ==, RL_LINK_WHITE);
  }

  /* Opening the record is audited with the purpose. */
  {
    g_autoptr(RlIdentity) identity = rl_store_open_identity (s, f->identity, "case 2026-0042", &error);
    g_autoptr(GPtrArray) audit = NULL;
    g_assert_no_error (error);
    g_assert_cmpstr (identity->family_name, ==, "Hadad");     /* the latest encounter */
    g_assert_cmpuint (identity->n_encounters, ==, 2);
    audit = rl_store_list_audit (s, "identity", f->identity, 0, 1, &error);
    g_assert_cmpstr (((RlAuditEntry *) audit->pdata[0])->action, ==, "identity.open");
    g_assert_cmpstr (((RlAuditEntry *) audit->pdata[0])->purpose, ==, "case 2026-0042");
    g_assert_cmpstr (((RlAuditEntry *) audit->pdata[0])->username, ==, "an1");
  }
  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (s, &error);
    g_assert_no_error (error);
    g_assert_null (report->problem);
  }
}

static void
test_restricted_records (Fixture *f, gconstpointer data)
{
  RlStore *s = f->store;
  g_autoptr(GError) error = NULL;
  RlDerogatoryRecord d = { .identity_id = f->identity, .category = RL_DEROGATORY_GANG_MEMBER,
                           .source_agency_id = f->police, .restricted = TRUE,
                           .summary = (char *) "Member of the Eastside crew, informant file 88-12",
                           .recorded_on = (char *) "2019-06-01" };
  RlDerogatoryRecord open = { .identity_id = f->identity, .category = RL_DEROGATORY_REVOKED_VISA,
                              .source_agency_id = f->visa, .restricted = FALSE,
                              .summary = (char *) "Visa revoked after overstay", .recorded_on = (char *) "2021-02-03" };
  g_autoptr(GPtrArray) seen = NULL;
  gint64 grant;

  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);
  g_assert_cmpint (rl_store_add_derogatory_record (s, &open, &error), >, 0);
  g_assert_no_error (error);

  /* A border analyst sees the sharable record and "held by POLICE". */
  g_assert_true (rl_store_set_actor (s, f->analyst, &error));
  seen = rl_store_list_derogatory_records (s, f->identity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);
  for (guint i = 0; i < seen->len; i++)
    {
      RlDerogatoryRecord *r = seen->pdata[i];
      if (r->restricted)
        {
          g_assert_true (r->withheld);
          g_assert_null (r->summary);
          g_assert_null (r->recorded_on);
          g_assert_cmpstr (r->source_agency, ==, "POLICE");
        }
      else
        g_assert_cmpstr (r->summary, ==, "Visa revoked after overstay");
    }
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* The police's own analyst sees everything. */
  g_assert_true (rl_store_set_actor (s, f->police_analyst, &error));
  seen = rl_store_list_derogatory_records (s, f->identity, &error);
  for (guint i = 0; i < seen->len; i++)
    g_assert_false (((RlDerogatoryRecord *) seen->pdata[i])->withheld);
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* Only a data steward grants; the grant takes effect at once. */
  g_assert_true (rl_store_set_actor (s, f->sup1, &error));
  g_assert_cmpint (rl_store_grant_restricted_access (s, f->police, RL_ROLE_ANALYST, f->border, &error), ==, 0);
  expect_constraint (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, "restricted");
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  grant = rl_store_grant_restricted_access (s, f->police, RL_ROLE_ANALYST, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_user_may_read_restricted (s, f->analyst, f->police, &error));
  g_assert_false (rl_store_user_may_read_restricted (s, f->ex1, f->police, &error));  /* an examiner: not granted */
  g_assert_true (rl_store_set_actor (s, f->analyst, &error));
  seen = rl_store_list_derogatory_records (s, f->identity, &error);
  for (guint i = 0; i < seen->len; i++)
    g_assert_false (((RlDerogatoryRecord *) seen->pdata[i])->withheld);
  g_clear_pointer (&seen, g_ptr_array_unref);

  /* Revoked: withheld again. */
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  g_assert_true (rl_store_revoke_restricted_access (s, grant, &error));
  g_assert_true (rl_store_set_actor (s, f->analyst, &error));
  seen = rl_store_list_derogatory_records (s, f->identity, &error);
  {
    guint withheld = 0;
    for (guint i = 0; i < seen->len; i++)
      withheld += ((RlDerogatoryRecord *) seen->pdata[i])->withheld;
    g_assert_cmpuint (withheld, ==, 1);
  }
}

static RlAuditReport *
verify (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (f->path, &error);
  RlAuditReport *report;

  g_assert_no_error (error);
  report = rl_store_verify_audit (store, &error);
  g_assert_no_error (error);
  return report;
}

static void
test_audit_tamper (Fixture *f, gconstpointer data)
{
  g_autoptr(RlAuditReport) clean = NULL;
  g_autoptr(RlAuditReport) edited = NULL;
  g_autoptr(RlAuditReport) deleted = NULL;
  g_autoptr(RlAuditReport) truncated = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  gint64 n;

  g_clear_pointer (&f->store, rl_store_close);
  n = count_rows (f, "audit_log");
  g_assert_cmpint (n, >=, 10);
  clean = verify (f);
  g_assert_null (clean->problem);
  g_assert_cmpuint (clean->n_rows, ==, (guint64) n);
  g_assert_cmpuint (strlen (clean->head_hash), ==, 64);
  raw_exec (f, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (backup, contents, len, NULL));

  /* Someone with the file drops the guard trigger and edits row 5. */
  raw_exec (f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'nobody' WHERE id = 5");
  edited = verify (f);
  g_assert_nonnull (edited->problem);
  g_assert_cmpint (edited->first_bad_id, ==, 5);
  g_assert_nonnull (strstr (edited->problem, "row 5 was edited"));

  /* Restore, then delete row 7. */
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));
  raw_exec (f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 7");
  deleted = verify (f);
  g_assert_cmpint (deleted->first_bad_id, ==, 7);
  g_assert_nonnull (strstr (deleted->problem, "row 7 was deleted"));

  /* Restore, then delete the last row. */
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));
  {
    g_autofree char *sql = g_strdup_printf ("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = %" G_GINT64_FORMAT, n);
    raw_exec (f, sql);
  }
  truncated = verify (f);
  g_assert_cmpint (truncated->first_bad_id, ==, n);
  g_assert_nonnull (strstr (truncated->problem, "was deleted"));
  g_unlink (backup);
}

typedef struct {
  const char *path;
  gint64      search_probe;
  gint64      gallery_sample;
  volatile gint done;
  guint       reads;
  guint       torn_reads;
} Concurrency;

static gpointer
reader_thread (gpointer data)
{
  Concurrency *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (c->path, &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (&c->done) || c->reads < 5)
    {
      g_autoptr(GPtrArray) searches = rl_store_list_searches (store, 0, &error);
      g_assert_no_error (error);
      /* Each search is written with its candidates in one transaction: a
       * reader must never see a search with only part of its list. */
      for (guint i = 0; i < searches->len; i++)
        if (((RlSearch *) searches->pdata[i])->n_candidates != 1)
          c->torn_reads++;
      c->reads++;
    }
  return NULL;
}

static void
test_concurrent_reader (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  Concurrency c = { .path = f->path };
  RlStoreCandidateIn candidates[] = { { f->gallery_sample, 50.0f } };
  GThread *thread = g_thread_new ("reader", reader_thread, &c);

  for (int i = 0; i < 150; i++)
    g_assert_cmpint (rl_store_add_search (f->store, f->probe_sample, 0, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 3,
                                          candidates, 1, &error), >, 0);
  g_assert_no_error (error);
  g_atomic_int_set (&c.done, 1);
  g_thread_join (thread);
  g_assert_cmpuint (c.reads, >=, 5);
  g_assert_cmpuint (c.torn_reads, ==, 0);
}

static void
test_crash_mid_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(RlAuditReport) report = NULL;
  pid_t pid;
  int status;

  g_clear_pointer (&f->store, rl_store_close);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child commits one identity, then dies in the middle of a
       * second transaction. */
      GError *child_error = NULL;
      RlStore *store = rl_store_open (f->path, &child_error);
      if (store == NULL || rl_store_add_identity (store, "COMMITTED", &child_error) == 0)
        _exit (3);
      if (!rl_store_begin (store, &child_error) || rl_store_add_identity (store, "HALF-DONE", &child_error) == 0)
        _exit (4);
      _exit (0);   /* no commit, no close: as if the process were killed */
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  f->store = rl_store_open (f->path, &error);
  g_assert_no_error (error);
  list = rl_store_list_identities (f->store, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((RlIdentity *) list->pdata[1])->reference, ==, "COMMITTED");
  report = rl_store_verify_audit (f->store, &error);
  g_assert_null (report->problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("migrations-from-empty", test_migrations_from_empty);
  ADD ("foreign-database", test_foreign_database);
  ADD ("damaged-file", test_damaged_file);
  ADD ("constraints", test_constraints);
  ADD ("rollback-on-failure", test_rollback_on_failure);
  ADD ("workflow", test_workflow);
  ADD ("restricted-records", test_restricted_records);
  ADD ("audit-tamper", test_audit_tamper);
  ADD ("concurrent-reader", test_concurrent_reader);
  ADD ("crash-mid-transaction", test_crash_mid_transaction);
  return g_test_run ();
}
