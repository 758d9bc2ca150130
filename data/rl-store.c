#define G_LOG_DOMAIN "rl-store"

#include <glib/gi18n-lib.h>
#include "rl-store.h"

#include <sqlite3.h>

G_DEFINE_QUARK (rl-store-error-quark, rl_store_error)

struct _RlStore {
  sqlite3 *db;
  char    *path;
};

#define RL_SCHEMA_VERSION 1

static const char *migration_1 =
  "CREATE TABLE agency ("
  "  id INTEGER PRIMARY KEY,"
  "  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16),"
  "  name TEXT NOT NULL) STRICT;"
  "CREATE TABLE user ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('examiner','analyst','supervisor','data-steward')),"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id)) STRICT;";

static gboolean
set_sqlite_error (GError **error, sqlite3 *db, const char *what)
{
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
migrate (RlStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (error, self->db, _("Cannot read the workspace version"));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > RL_SCHEMA_VERSION)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_TOO_NEW,
                   _("“%s” was made by a newer Ridgeline (schema %d, this version reads up to %d)"),
                   self->path, version, RL_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < 1)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN;%sPRAGMA user_version=1;COMMIT;", migration_1);
      if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          set_sqlite_error (error, self->db, _("Cannot set up the workspace"));
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

static RlStore *
store_open (const char *path, int flags, GError **error)
{
  g_autoptr(RlStore) self = g_new0 (RlStore, 1);

  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED,
                   _("Cannot open the workspace “%s”: %s"), path, sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  if (sqlite3_exec (self->db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("“%s” is not a Ridgeline workspace: %s"), path, sqlite3_errmsg (self->db));
      return NULL;
    }
  if (!migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

RlStore *
rl_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("The workspace “%s” does not exist"), path);
      return NULL;
    }
  return store_open (path, SQLITE_OPEN_READWRITE, error);
}

RlStore *
rl_store_create (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The workspace “%s” already exists"), path);
      return NULL;
    }
  return store_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
}

void
rl_store_close (RlStore *self)
{
  if (self == NULL)
    return;
  sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self);
}

const char *
rl_store_get_path (RlStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

static const struct { RlRole role; const char *id; const char *label; } roles[] = {
  { RL_ROLE_EXAMINER, "examiner", N_("Examiner") },
  { RL_ROLE_ANALYST, "analyst", N_("Analyst") },
  { RL_ROLE_SUPERVISOR, "supervisor", N_("Supervisor") },
  { RL_ROLE_DATA_STEWARD, "data-steward", N_("Data steward") },
};

const char *
rl_role_to_id (RlRole role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return roles[i].id;
  return "unknown";
}

const char *
rl_role_to_label (RlRole role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return _(roles[i].label);
  return _("Unknown");
}

gboolean
rl_role_from_id (const char *id, RlRole *out_role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (roles[i].id, id) == 0)
      {
        if (out_role)
          *out_role = roles[i].role;
        return TRUE;
      }
  return FALSE;
}

void
rl_user_free (RlUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->agency);
  g_free (user);
}

static RlUser *
user_from_row (sqlite3_stmt *stmt)
{
  RlUser *user = g_new0 (RlUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  user->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  rl_role_from_id ((const char *) sqlite3_column_text (stmt, 3), &user->role);
  user->agency = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return user;
}

GPtrArray *
rl_store_list_users (RlStore *self, GError **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_user_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT u.id, u.username, u.display_name, u.role, a.code "
                          "FROM user u JOIN agency a ON a.id = u.agency_id "
                          "ORDER BY u.display_name", -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, _("Cannot list users"));
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, _("Cannot list users"));
      return NULL;
    }
  return g_steal_pointer (&users);
}

RlUser *
rl_store_get_user_by_name (RlStore *self, const char *username, GError **error)
{
  g_autoptr(GPtrArray) users = rl_store_list_users (self, error);

  if (users == NULL)
    return NULL;
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *u = g_ptr_array_index (users, i);
      if (g_strcmp0 (u->username, username) == 0)
        return g_ptr_array_steal_index (users, i);
    }
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No user named “%s”"), username);
  return NULL;
}
