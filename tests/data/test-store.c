#include <string.h>
/* Store basics: create, reopen, version checks, clear errors. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "rl-store.h"

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-store-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open ("/nonexistent/ridgeline.db", &error);

  g_assert_null (store);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ridgeline.db"));
}

static void
test_create_and_reopen (void)
{
  g_autofree char *path = temp_path ("ws.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  g_autoptr(GPtrArray) users = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_clear_pointer (&store, rl_store_close);

  store = rl_store_create (path, &error);
  g_assert_null (store);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  store = rl_store_open (path, &error);
  g_assert_no_error (error);
  users = rl_store_list_users (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 0);
}

static void
test_newer_version (void)
{
  g_autofree char *path = temp_path ("new.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version=9999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = rl_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_TOO_NEW);
}

static void
test_not_a_database (void)
{
  g_autofree char *path = temp_path ("junk.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "this is not a database, just some text that goes on for a while", -1, NULL));
  store = rl_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/missing-file", test_missing_file);
  g_test_add_func ("/store/create-and-reopen", test_create_and_reopen);
  g_test_add_func ("/store/newer-version", test_newer_version);
  g_test_add_func ("/store/not-a-database", test_not_a_database);
  return g_test_run ();
}
