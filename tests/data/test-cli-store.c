/* ridgeline-cli demo / users / audit, as a user runs them. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

static int
run (char **out, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
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
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %s%s", (char *) argv->pdata[1], out && *out ? *out : "", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
test_demo_users_audit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-cli-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run (NULL, "demo", "--identities", "8", "--seed", "3", "--no-prints", "--quiet", "--db", db, NULL), ==, 0);
  /* A second demo into the same file is refused, the file kept. */
  g_assert_cmpint (run (NULL, "demo", "--identities", "8", "--db", db, "--quiet", NULL), ==, 1);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run (&out, "users", "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "data-steward"));
  g_assert_nonnull (strstr (out, "examiner"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (&out, "audit", "verify", "--db", db, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "OK:"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, "audit", "list", "--db", db, "--kind", "identity", "--limit", "3", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "identity.add"));
  g_clear_pointer (&out, g_free);

  /* Tamper with row 20 behind the store's back: verify names it. */
  raw_exec (db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '{}' WHERE id = 20");
  g_assert_cmpint (run (&out, "audit", "verify", "--db", db, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "row 20 was edited"));
  g_clear_pointer (&out, g_free);

  /* Bad input: clear messages, usage errors exit 2. */
  g_assert_cmpint (run (NULL, "audit", "verify", NULL), ==, 2);
  g_assert_cmpint (run (NULL, "audit", "frobnicate", "--db", db, NULL), ==, 2);
  {
    g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
    g_assert_cmpint (run (NULL, "audit", "verify", "--db", missing, NULL), ==, 1);
  }
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *f = g_strconcat (db, suffixes[i], NULL);
        g_unlink (f);
      }
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/demo-users-audit", test_demo_users_audit);
  return g_test_run ();
}
