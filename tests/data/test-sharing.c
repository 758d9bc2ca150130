/* Gateway partners and sharing agreements: only a data steward edits them,
 * the API key is given once and only its hash is kept, a revoked key is
 * refused, every change is audited; and the same through ridgeline-cli. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "rl-sharing.h"
#include "rl-store.h"

typedef struct {
  char   *dir;
  char   *db;
  gint64  border, partner_agency;
  gint64  steward, supervisor;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;

  f->dir = g_dir_make_tmp ("rl-sharing-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  s = rl_store_create (f->db, &error);
  g_assert_no_error (error);
  f->border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  f->partner_agency = rl_store_add_agency (s, "ALDOVA", "Aldova Police", &error);
  g_assert_no_error (error);
  f->steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->border, &error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  f->supervisor = rl_store_add_user (s, "super", "Sam Supervisor", RL_ROLE_SUPERVISOR, f->border, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->db, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static gint64
count (const char *db, const char *sql)
{
  sqlite3 *h = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (db, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (h, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (h));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (h);
  return v;
}

static void
test_steward_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (f->db, &error);
  g_autofree char *key = NULL;
  g_autoptr(RlPartner) p = NULL;
  g_autoptr(RlPartner) authed = NULL;
  gint64 id;

  g_assert_no_error (error);

  /* Nobody signed in, or a supervisor: refused, nothing written. */
  g_assert_cmpint (rl_store_add_partner (s, "aldova", f->partner_agency, NULL, &key, &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->supervisor, &error));
  g_assert_cmpint (rl_store_add_partner (s, "aldova", f->partner_agency, NULL, &key, &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Data steward"));
  g_clear_error (&error);
  g_assert_null (key);
  g_assert_cmpint (count (f->db, "SELECT count(*) FROM partner"), ==, 0);

  /* The data steward adds it: a fresh random key, only its hash stored. */
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  id = rl_store_add_partner (s, "aldova", f->partner_agency, NULL, &key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_nonnull (key);
  g_assert_true (g_str_has_prefix (key, "rlp_"));
  g_assert_cmpuint (strlen (key), ==, 4 + 48);
  {
    g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM partner WHERE key_sha256 = '%s'", hash);
    g_autofree char *leak = g_strdup_printf ("SELECT count(*) FROM partner WHERE key_sha256 = '%s' OR key_prefix = '%s'",
                                             key, key);
    g_assert_cmpint (count (f->db, sql), ==, 1);
    g_assert_cmpint (count (f->db, leak), ==, 0);
  }

  /* A new partner shares nothing. */
  p = rl_store_get_partner (s, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->name, ==, "aldova");
  g_assert_cmpstr (p->agency, ==, "ALDOVA");
  g_assert_true (p->active);
  g_assert_cmpuint (p->derogatory_categories, ==, 0);
  g_assert_cmpuint (p->biographic_fields, ==, 0);
  g_assert_false (p->encounter_summary);
  g_assert_true (g_str_has_prefix (key, p->key_prefix));

  /* Names are unique; a second partner gets another key. */
  g_assert_cmpint (rl_store_add_partner (s, "aldova", f->partner_agency, NULL, NULL, &error), ==, 0);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "name is taken"));
  g_clear_error (&error);

  /* The key authenticates; a wrong one does not, nor an empty one. */
  authed = rl_store_authenticate_partner (s, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (authed->id, ==, id);
  g_assert_null (rl_store_authenticate_partner (s, "rlp_000000000000000000000000000000000000000000000000", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_null (rl_store_authenticate_partner (s, "", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Only the steward changes the agreement, and it is kept exactly. */
  g_assert_true (rl_store_set_actor (s, f->supervisor, &error));
  g_assert_false (rl_store_set_partner_sharing (s, id, RL_DEROGATORY_ALL, RL_BIOGRAPHIC_ALL, TRUE, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  g_assert_true (rl_store_set_partner_sharing (s, id,
                                               RL_DEROGATORY_BIT (RL_DEROGATORY_CRIMINAL_CONVICTION)
                                               | RL_DEROGATORY_BIT (RL_DEROGATORY_REVOKED_VISA),
                                               RL_BIOGRAPHIC_FAMILY_NAME | RL_BIOGRAPHIC_SEX, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&p, rl_partner_free);
  p = rl_store_get_partner_by_name (s, "aldova", &error);
  g_assert_no_error (error);
  g_assert_true (rl_partner_shares_category (p, RL_DEROGATORY_CRIMINAL_CONVICTION));
  g_assert_true (rl_partner_shares_category (p, RL_DEROGATORY_REVOKED_VISA));
  g_assert_false (rl_partner_shares_category (p, RL_DEROGATORY_KNOWN_SUSPECTED_TERRORIST));
  g_assert_true (rl_partner_shares_field (p, RL_BIOGRAPHIC_FAMILY_NAME));
  g_assert_false (rl_partner_shares_field (p, RL_BIOGRAPHIC_DATE_OF_BIRTH));
  g_assert_true (p->encounter_summary);
  g_assert_cmpint (p->agreement_updated_at, >, 0);

  /* Revoked: the key is refused, the agreement frozen. */
  g_assert_true (rl_store_revoke_partner (s, id, &error));
  g_assert_no_error (error);
  g_assert_null (rl_store_authenticate_partner (s, key, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (rl_store_set_partner_sharing (s, id, 0, 0, FALSE, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Every change in the audit log, in the steward's name, with what changed. */
  {
    g_autoptr(GPtrArray) audit = rl_store_list_audit (s, "partner", id, 0, 0, &error);
    gboolean add = FALSE, sharing = FALSE, revoke = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      {
        RlAuditEntry *e = audit->pdata[i];
        g_assert_cmpstr (e->username, ==, "steward");
        g_assert_null (strstr (e->details, key));
        add |= g_str_equal (e->action, "partner.add");
        revoke |= g_str_equal (e->action, "partner.revoke");
        if (g_str_equal (e->action, "partner.sharing"))
          {
            sharing = TRUE;
            g_assert_nonnull (strstr (e->details, "\"categories\":\"criminal-conviction,revoked-visa\""));
            g_assert_nonnull (strstr (e->details, "\"fields\":\"family_name,sex\""));
            g_assert_nonnull (strstr (e->details, "\"categories_before\":\"none\""));
          }
      }
    g_assert_true (add && sharing && revoke);
  }
  {
    g_autoptr(RlAuditReport) report = rl_store_verify_audit (s, &error);
    g_assert_no_error (error);
    g_assert_null (report->problem);
  }
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  guint32 set = 1;
  g_autofree char *text = NULL;

  g_assert_true (rl_sharing_parse_categories (" none ", &set, &error));
  g_assert_cmpuint (set, ==, 0);
  g_assert_true (rl_sharing_parse_categories ("all", &set, &error));
  g_assert_cmpuint (set, ==, RL_DEROGATORY_ALL);
  text = rl_sharing_format_categories (set);
  g_assert_nonnull (strstr (text, "known-suspected-terrorist"));
  g_assert_nonnull (strstr (text, "law-enforcement-alert"));
  g_clear_pointer (&text, g_free);
  g_assert_true (rl_sharing_parse_categories ("revoked-visa, gang-member", &set, &error));
  text = rl_sharing_format_categories (set);
  g_assert_cmpstr (text, ==, "revoked-visa,gang-member");
  g_assert_false (rl_sharing_parse_categories ("revoked-visa,parking-fines", &set, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "parking-fines"));
  g_clear_error (&error);
  g_assert_true (rl_sharing_parse_fields ("all", &set, &error));
  g_assert_cmpuint (set, ==, RL_BIOGRAPHIC_ALL);
  g_assert_false (rl_sharing_parse_fields ("family_name,religion", &set, &error));
  g_assert_nonnull (strstr (error->message, "religion"));
}

static int
run_cli (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("RIDGELINE_CLI");
  va_list args;
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first);
  for (const char *a = first; a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                               &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  g_autoptr(RlPartner) p = NULL;
  const char *k;

  /* A supervisor is refused with the store's message. */
  g_assert_cmpint (run_cli (&out, &err, "partner", "add", "aldova", "--agency", "ALDOVA", "--db", f->db,
                            "--as", "super", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "only Data steward can add partners"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The steward adds it; the key is printed once. */
  g_assert_cmpint (run_cli (&out, &err, "partner", "add", "aldova", "--agency", "ALDOVA", "--db", f->db,
                            "--as", "steward", NULL), ==, 0);
  k = strstr (out, "rlp_");
  g_assert_nonnull (k);
  key = g_strndup (k, 4 + 48);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&out, &err, "partner", "set-sharing", "aldova", "--categories", "criminal-conviction,gang-member",
                            "--fields", "family_name,date_of_birth", "--encounter-summary", "yes",
                            "--db", f->db, "--as", "steward", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "gang-member"));
  g_assert_nonnull (strstr (out, "date_of_birth"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A bad category is a usage error naming it; nothing changes. */
  g_assert_cmpint (run_cli (&out, &err, "partner", "set-sharing", "aldova", "--categories", "tax-evasion",
                            "--db", f->db, "--as", "steward", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "tax-evasion"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* list and show never print the key again. */
  g_assert_cmpint (run_cli (&out, &err, "partner", "list", "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "aldova"));
  g_assert_nonnull (strstr (out, "2 categories, 2 fields, summary yes"));
  g_assert_null (strstr (out, key));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "partner", "show", "aldova", "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "criminal-conviction"));
  g_assert_null (strstr (out, key));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  p = rl_store_authenticate_partner (s, key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->derogatory_categories, ==,
                    RL_DEROGATORY_BIT (RL_DEROGATORY_CRIMINAL_CONVICTION) | RL_DEROGATORY_BIT (RL_DEROGATORY_GANG_MEMBER));
  g_assert_cmpuint (p->biographic_fields, ==, RL_BIOGRAPHIC_FAMILY_NAME | RL_BIOGRAPHIC_DATE_OF_BIRTH);
  g_clear_pointer (&s, rl_store_close);

  g_assert_cmpint (run_cli (&out, &err, "partner", "revoke", "aldova", "--db", f->db, "--as", "steward", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  s = rl_store_open (f->db, &error);
  g_assert_null (rl_store_authenticate_partner (s, key, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sharing/parse", test_parse);
  g_test_add ("/sharing/steward-only", Fixture, NULL, fixture_set_up, test_steward_only, fixture_tear_down);
  g_test_add ("/sharing/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
