/* rl-store.c — opening, migrating and closing a workspace; the statement
 * cache, transactions, the acting user; users and agencies. */
#define G_LOG_DOMAIN "rl-store"

#include "rl-store-private.h"
#include "rl-remote-pages-private.h"
#include "rl-remote-private.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (rl-store-error-quark, rl_store_error)

/* PRAGMA application_id: 'RDGL'. A SQLite file with another id is someone
 * else's database and is never migrated. */
#define RL_APPLICATION_ID 0x5244474C

int
rl_store_schema_version (void)
{
  return (int) rl_store_n_migrations;
}

/* ----------------------------------------------------------- helpers */

static RlStoreError
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      return RL_STORE_ERROR_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return RL_STORE_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return RL_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
      return RL_STORE_ERROR_NOT_FOUND;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return RL_STORE_ERROR_PERMISSION;
    default:
      return RL_STORE_ERROR_FAILED;
    }
}

gboolean
rl_store_fail (RlStore *self, GError **error, const char *what)
{
  int rc = sqlite3_extended_errcode (self->db);
  const char *message = sqlite3_errmsg (self->db);
  RlStoreError code = error_code_for (rc);

  if (code == RL_STORE_ERROR_CORRUPT)
    g_set_error (error, RL_STORE_ERROR, code, _("%s: the workspace “%s” is damaged or not a Ridgeline workspace (%s)"),
                 what, self->path, message);
  else
    g_set_error (error, RL_STORE_ERROR, code, "%s: %s", what, message);
  return FALSE;
}

sqlite3_stmt *
rl_store_stmt (RlStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt;

  /* A remote store has no database: whatever reached here is not wired for
   * a remote workspace yet, and must not read anything local. */
  if (rl_store_refuse_remote (self, error, _("This part of Ridgeline")))
    return NULL;
  stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      rl_store_fail (self, error, _("Cannot prepare a query"));
      g_warning ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gpointer
rl_store_query_row (RlStore *self, sqlite3_stmt *stmt, RlStoreRowFunc from_row, const char *what,
                    GError **error, const char *missing_format, ...)
{
  gpointer row = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    row = from_row (stmt);
  else if (rc == SQLITE_DONE)
    {
      va_list args;

      va_start (args, missing_format);
      g_propagate_error (error, g_error_new_valist (RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, missing_format, args));
      va_end (args);
    }
  else
    rl_store_fail (self, error, what);
  sqlite3_reset (stmt);
  return row;
}

gboolean
rl_store_run (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *what)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      rl_store_fail (self, error, what);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
rl_store_query_int64 (RlStore *self, sqlite3_stmt *stmt, gint64 *out, GError **error, const char *what)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, "%s: %s", what, _("not found"));
      return FALSE;
    }
  rl_store_fail (self, error, what);
  sqlite3_reset (stmt);
  return FALSE;
}

gboolean
rl_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

void
rl_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
rl_bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

char *
rl_column_strdup (sqlite3_stmt *stmt, int column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

char *
rl_column_strdup0 (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  return g_strdup (text ? text : "");
}

const char *
rl_enum_to_id (const RlEnumEntry *table, guint n, int value)
{
  for (guint i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].id;
  return "unknown";
}

const char *
rl_enum_to_label (const RlEnumEntry *table, guint n, int value)
{
  for (guint i = 0; i < n; i++)
    if (table[i].value == value)
      return _(table[i].label);
  return _("Unknown");
}

gboolean
rl_enum_from_id (const RlEnumEntry *table, guint n, const char *id, int *out)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (table[i].id, id) == 0)
      {
        *out = table[i].value;
        return TRUE;
      }
  return FALSE;
}

int
rl_column_enum (sqlite3_stmt *stmt, int column, const RlEnumEntry *table, guint n)
{
  int v = 0;
  rl_enum_from_id (table, n, (const char *) sqlite3_column_text (stmt, column), &v);
  return v;
}

char *
rl_json_object (const char *first_key, ...)
{
  GString *s = g_string_new ("{");
  va_list args;
  const char *key = first_key;

  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (s->len > 1)
        g_string_append_c (s, ',');
      g_string_append_printf (s, "\"%s\":\"", key);
      for (const char *p = value ? value : ""; *p; p++)
        {
          guchar c = (guchar) *p;
          if (c == '"' || c == '\\')
            g_string_append_printf (s, "\\%c", c);
          else if (c < 0x20)
            g_string_append_printf (s, "\\u%04x", c);
          else
            g_string_append_c (s, (char) c);
        }
      g_string_append_c (s, '"');
      key = va_arg (args, const char *);
    }
  va_end (args);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------- transactions */

gboolean
rl_store_refuse_remote (RlStore *self, GError **error, const char *what)
{
  if (self->remote == NULL)
    return FALSE;
  rl_remote_unavailable (error, what);
  return TRUE;
}

static gboolean
exec (RlStore *self, const char *sql, GError **error, const char *what)
{
  if (rl_store_refuse_remote (self, error, what))
    return FALSE;
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return rl_store_fail (self, error, what);
  return TRUE;
}

gboolean
rl_store_begin (RlStore *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->remote)
    return rl_remote_begin (self, error);
  if (self->tx_depth == 0)
    {
      /* IMMEDIATE: take the write lock now, so that the audit chain's last
       * hash we read cannot change under us. */
      if (!exec (self, "BEGIN IMMEDIATE", error, _("Cannot start a transaction")))
        return FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT rl_%u", self->tx_depth);
      if (!exec (self, sql, error, _("Cannot start a transaction")))
        return FALSE;
    }
  self->tx_depth++;
  return TRUE;
}

gboolean
rl_store_commit (RlStore *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->remote)
    return rl_remote_commit (self, error);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth == 1)
    {
      if (!exec (self, "COMMIT", error, _("Cannot save the changes")))
        {
          rl_store_rollback (self);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("RELEASE rl_%u", self->tx_depth - 1);
      if (!exec (self, sql, error, _("Cannot save the changes")))
        {
          rl_store_rollback (self);
          return FALSE;
        }
    }
  self->tx_depth--;
  return TRUE;
}

void
rl_store_rollback (RlStore *self)
{
  g_return_if_fail (self != NULL);

  if (self->remote)
    {
      rl_remote_rollback (self);
      return;
    }
  g_return_if_fail (self->tx_depth > 0);

  /* Rolled-back samples may leave ids that the next samples reuse. */
  rl_store_drop_search_cache (self);
  if (self->tx_depth == 1)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO rl_%u; RELEASE rl_%u",
                                              self->tx_depth - 1, self->tx_depth - 1);
      sqlite3_exec (self->db, sql, NULL, NULL, NULL);
    }
  self->tx_depth--;
}

void
rl_store_set_time (RlStore *self, gint64 unix_time)
{
  g_return_if_fail (self != NULL);
  self->fixed_time = unix_time;
}

gint64
rl_store_now (RlStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fixed_time != 0 ? self->fixed_time : g_get_real_time () / G_USEC_PER_SEC;
}

/* --------------------------------------------------------- open/close */

static gboolean
read_pragma_int (RlStore *self, const char *sql, int *out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return rl_store_fail (self, error, _("Cannot read the workspace"));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot read the workspace"));
  return TRUE;
}

static gboolean
migrate (RlStore *self, GError **error)
{
  int version = 0, app_id = 0, n_tables = 0;

  if (!read_pragma_int (self, "PRAGMA user_version", &version, error) ||
      !read_pragma_int (self, "PRAGMA application_id", &app_id, error) ||
      !read_pragma_int (self, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", &n_tables, error))
    return FALSE;

  if (version > (int) rl_store_n_migrations)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_TOO_NEW,
                   _("“%s” was made by a newer Ridgeline (schema %d, this version reads up to %d)"),
                   self->path, version, (int) rl_store_n_migrations);
      return FALSE;
    }
  /* Schema 1 predates the application id; any other id, or tables in a file
   * without a version, means it is some other program's database. */
  if ((app_id != 0 && app_id != RL_APPLICATION_ID) || (version == 0 && n_tables > 0))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("“%s” is an SQLite database but not a Ridgeline workspace"), self->path);
      return FALSE;
    }

  for (int v = version; v < (int) rl_store_n_migrations; v++)
    {
      g_autofree char *what = g_strdup_printf (_("Cannot update the workspace to schema %d"), v + 1);
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version=%d; PRAGMA application_id=%d;",
                                               v + 1, RL_APPLICATION_ID);

      if (!rl_store_begin (self, error))
        return FALSE;
      if (!exec (self, rl_store_migrations[v], error, what) || !exec (self, bump, error, what))
        {
          rl_store_rollback (self);
          return FALSE;
        }
      if (!rl_store_commit (self, error))
        return FALSE;
      g_debug ("Migrated %s to schema %d", self->path, v + 1);
    }
  return TRUE;
}

static RlStore *
store_open (const char *path, int flags, GError **error)
{
  g_autoptr(RlStore) self = g_new0 (RlStore, 1);

  self->ref_count = 1;
  self->path = g_strdup (path);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sqlite3_finalize);
  if (sqlite3_open_v2 (path, &self->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, RL_STORE_ERROR, error_code_for (sqlite3_errcode (self->db)),
                   _("Cannot open the workspace “%s”: %s"), path, sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 10000);
  /* synchronous=FULL: a committed transaction survives a power cut too. */
  if (sqlite3_exec (self->db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;",
                    NULL, NULL, NULL) != SQLITE_OK)
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
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("The workspace “%s” does not exist"), path);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("“%s” is a folder, not a workspace file"), path);
      return NULL;
    }
  return store_open (path, SQLITE_OPEN_READWRITE, error);
}

RlStore *
rl_store_create (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("The workspace “%s” already exists"), path);
      return NULL;
    }
  return store_open (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
}

RlStore *
rl_store_open_remote (const char *url, GTlsCertificate *pinned, GError **error)
{
  g_autoptr(RlStore) self = NULL;
  RlRemote *remote;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (pinned == NULL || G_IS_TLS_CERTIFICATE (pinned), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(remote = rl_remote_new (url, pinned, error)))
    return NULL;
  self = g_new0 (RlStore, 1);
  self->ref_count = 1;
  self->remote = remote;
  self->path = g_strdup (rl_remote_get_url (self));
  /* Something must answer there as a Ridgeline server before the sign-in
   * view offers to sign in. */
  if (!rl_remote_check_server (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
rl_store_is_remote (RlStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->remote != NULL;
}

static void
free_search_cache (RlStore *self)
{
  if (self->search_cache != NULL && self->search_cache_free != NULL)
    self->search_cache_free (self->search_cache);
  self->search_cache = NULL;
  self->search_cache_free = NULL;
  self->search_cache_changed = NULL;
}

void
rl_store_drop_search_cache (RlStore *self)
{
  if (self->search_cache != NULL && self->search_cache_changed != NULL)
    self->search_cache_changed (self->search_cache, FALSE);
  else
    free_search_cache (self);
}

void
rl_store_templates_replaced (RlStore *self)
{
  if (self->search_cache != NULL && self->search_cache_changed != NULL)
    self->search_cache_changed (self->search_cache, TRUE);
  else
    free_search_cache (self);
}

RlStore *
rl_store_hold (RlStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
rl_store_close (RlStore *self)
{
  if (self == NULL)
    return;
  /* A load still running in a worker (rl-store-load.c) holds the store:
   * the last of them frees it. */
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  while (self->tx_depth > 0)
    rl_store_rollback (self);
  free_search_cache (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->remote, rl_remote_free);
  if (self->db)
    sqlite3_close_v2 (self->db);
  g_free (self->actor_name);
  g_free (self->path);
  g_free (self);
}

const char *
rl_store_get_path (RlStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

gboolean
rl_store_check_integrity (RlStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  if (rl_store_refuse_remote (self, error, _("Checking the workspace file")))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check(20)", -1, &stmt, NULL) != SQLITE_OK)
    return rl_store_fail (self, error, _("Cannot check the workspace"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot check the workspace"));
  if (problems->len > 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The workspace “%s” is damaged: %s"),
                   self->path, problems->str);
      return FALSE;
    }
  return TRUE;
}

/* -------------------------------------------------------------- roles */

static const RlEnumEntry role_table[] = {
  { RL_ROLE_EXAMINER, "examiner", N_("Examiner") },
  { RL_ROLE_ANALYST, "analyst", N_("Analyst") },
  { RL_ROLE_SUPERVISOR, "supervisor", N_("Supervisor") },
  { RL_ROLE_DATA_STEWARD, "data-steward", N_("Data steward") },
};

const char *
rl_role_to_id (RlRole role)
{
  return rl_enum_to_id (role_table, G_N_ELEMENTS (role_table), role);
}

const char *
rl_role_to_label (RlRole role)
{
  return rl_enum_to_label (role_table, G_N_ELEMENTS (role_table), role);
}

gboolean
rl_role_from_id (const char *id, RlRole *out_role)
{
  int v;

  if (!rl_enum_from_id (role_table, G_N_ELEMENTS (role_table), id, &v))
    return FALSE;
  if (out_role)
    *out_role = (RlRole) v;
  return TRUE;
}

gboolean
rl_store_require_role (RlStore *self, GError **error, const char *action, ...)
{
  va_list args;
  gboolean ok = FALSE;
  g_autoptr(GString) allowed = g_string_new (NULL);
  int role;

  va_start (args, action);
  while ((role = va_arg (args, int)) != 0)
    {
      if (self->actor_id != 0 && self->actor_role == (RlRole) role)
        ok = TRUE;
      g_string_append_printf (allowed, "%s%s", allowed->len ? _(" or ") : "", rl_role_to_label (role));
    }
  va_end (args);
  if (ok)
    return TRUE;
  if (self->actor_id == 0)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                 _("Only a signed-in user can %s (%s)"), action, allowed->str);
  else
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                 _("%s is %s: only %s can %s"), self->actor_name,
                 rl_role_to_label (self->actor_role), allowed->str, action);
  return FALSE;
}

/* -------------------------------------------------------------- users */

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

RlUser *
rl_user_copy (const RlUser *user)
{
  RlUser *copy;

  if (user == NULL)
    return NULL;
  copy = g_memdup2 (user, sizeof *user);
  copy->username = g_strdup (user->username);
  copy->display_name = g_strdup (user->display_name);
  copy->agency = g_strdup (user->agency);
  return copy;
}

#define USER_COLUMNS "SELECT u.id, u.username, u.display_name, u.role, a.code, u.agency_id, u.active " \
                     "FROM user u JOIN agency a ON a.id = u.agency_id "

static RlUser *
user_from_row (sqlite3_stmt *stmt)
{
  RlUser *user = g_new0 (RlUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = rl_column_strdup0 (stmt, 1);
  user->display_name = rl_column_strdup0 (stmt, 2);
  rl_role_from_id ((const char *) sqlite3_column_text (stmt, 3), &user->role);
  user->agency = rl_column_strdup0 (stmt, 4);
  user->agency_id = sqlite3_column_int64 (stmt, 5);
  user->active = sqlite3_column_int (stmt, 6) != 0;
  return user;
}

GPtrArray *
rl_store_list_users (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_users (self, error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_user_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, USER_COLUMNS "ORDER BY u.display_name, u.id", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list users"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&users);
}

static RlUser *
get_user (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *missing)
{
  return rl_store_query_row (self, stmt, (RlStoreRowFunc) user_from_row, _("Cannot read a user"), error, "%s", missing);
}

RlUser *
rl_store_get_user_by_name (RlStore *self, const char *username, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_user_by_name (self, username, error);
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, USER_COLUMNS "WHERE u.username = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  missing = g_strdup_printf (_("No user named “%s”"), username);
  return get_user (self, stmt, error, missing);
}

RlUser *
rl_store_get_user (RlStore *self, gint64 user_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_user (self, user_id, error);
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, USER_COLUMNS "WHERE u.id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  missing = g_strdup_printf (_("No user with id %" G_GINT64_FORMAT), user_id);
  return get_user (self, stmt, error, missing);
}

gboolean
rl_store_set_actor (RlStore *self, gint64 user_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_set_actor (self, user_id, error);
  g_autoptr(RlUser) user = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (user_id == 0)
    {
      self->actor_id = 0;
      self->actor_role = 0;
      self->actor_agency_id = 0;
      g_clear_pointer (&self->actor_name, g_free);
      return TRUE;
    }
  if (!(user = rl_store_get_user (self, user_id, error)))
    return FALSE;
  if (!user->active)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                   _("The account “%s” is disabled"), user->username);
      return FALSE;
    }
  self->actor_id = user->id;
  self->actor_role = user->role;
  self->actor_agency_id = user->agency_id;
  g_free (self->actor_name);
  self->actor_name = g_strdup (user->username);
  return TRUE;
}

gint64
rl_store_get_actor (RlStore *self)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_actor (self);
  g_return_val_if_fail (self != NULL, 0);
  return self->actor_id;
}

gint64
rl_store_add_user (RlStore *self, const char *username, const char *display_name, RlRole role,
                   gint64 agency_id, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 n_stewards = 0, id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (username != NULL, 0);

  if (username[0] == '\0' || strlen (username) > 64 || strpbrk (username, " \t\n/\\") != NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("“%s” is not a valid user name: use 1 to 64 characters without spaces or slashes"), username);
      return 0;
    }
  if (!rl_role_from_id (rl_role_to_id (role), NULL))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("Unknown role %d for user “%s”"),
                   (int) role, username);
      return 0;
    }
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM user WHERE role = 'data-steward' AND active", error)) ||
      !rl_store_query_int64 (self, stmt, &n_stewards, error, _("Cannot add the user")))
    goto fail;
  if (n_stewards > 0 && !rl_store_require_role (self, error, _("add users"), RL_ROLE_DATA_STEWARD, 0))
    goto fail;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO user (username, display_name, role, agency_id) "
                                    "VALUES (?1, ?2, ?3, ?4)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, display_name ? display_name : username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, rl_role_to_id (role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, agency_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_autofree char *what = g_strdup_printf (_("Cannot add the user “%s”"), username);
      if ((sqlite3_extended_errcode (self->db)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT, _("%s: the name is taken"), what);
      else if ((sqlite3_extended_errcode (self->db)) == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("%s: there is no agency with id %" G_GINT64_FORMAT), what, agency_id);
      else
        rl_store_fail (self, error, what);
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  details = rl_json_object ("username", username, "role", rl_role_to_id (role), NULL);
  if (!rl_store_audit_append (self, "user.add", "user", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;

fail:
  rl_store_rollback (self);
  return 0;
}

/* ----------------------------------------------------------- agencies */

void
rl_agency_free (RlAgency *agency)
{
  if (agency == NULL)
    return;
  g_free (agency->code);
  g_free (agency->name);
  g_free (agency);
}

gint64
rl_store_add_agency (RlStore *self, const char *code, const char *name, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  g_autofree char *details = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (code != NULL && name != NULL, 0);

  if (code[0] == '\0' || strlen (code) > 16)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("“%s” is not a valid agency code: use 1 to 16 characters"), code);
      return 0;
    }
  if (self->actor_id != 0 && !rl_store_require_role (self, error, _("add agencies"), RL_ROLE_DATA_STEWARD, 0))
    return 0;
  if (!rl_store_begin (self, error))
    return 0;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO agency (code, name) VALUES (?1, ?2)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Cannot add the agency “%s”: the code is taken"), code);
      else
        rl_store_fail (self, error, _("Cannot add the agency"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);
  details = rl_json_object ("code", code, "name", name, NULL);
  if (!rl_store_audit_append (self, "agency.add", "agency", id, NULL, details, error))
    goto fail;
  if (!rl_store_commit (self, error))
    return 0;
  return id;
fail:
  rl_store_rollback (self);
  return 0;
}

static RlAgency *
agency_from_row (sqlite3_stmt *stmt)
{
  RlAgency *agency = g_new0 (RlAgency, 1);
  agency->id = sqlite3_column_int64 (stmt, 0);
  agency->code = rl_column_strdup0 (stmt, 1);
  agency->name = rl_column_strdup0 (stmt, 2);
  return agency;
}

GPtrArray *
rl_store_list_agencies (RlStore *self, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_list_agencies (self, error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_agency_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!(stmt = rl_store_stmt (self, "SELECT id, code, name FROM agency ORDER BY code", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, agency_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot list agencies"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&list);
}

static RlAgency *
get_agency (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *missing)
{
  return rl_store_query_row (self, stmt, (RlStoreRowFunc) agency_from_row, _("Cannot read an agency"), error, "%s", missing);
}

RlAgency *
rl_store_get_agency (RlStore *self, gint64 agency_id, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_agency (self, agency_id, error);
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT id, code, name FROM agency WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, agency_id);
  missing = g_strdup_printf (_("No agency with id %" G_GINT64_FORMAT), agency_id);
  return get_agency (self, stmt, error, missing);
}

RlAgency *
rl_store_get_agency_by_code (RlStore *self, const char *code, GError **error)
{
  if (self != NULL && self->remote != NULL)
    return rl_remote_get_agency_by_code (self, code, error);
  g_autofree char *missing = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);
  if (!(stmt = rl_store_stmt (self, "SELECT id, code, name FROM agency WHERE code = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  missing = g_strdup_printf (_("No agency with code “%s”"), code);
  return get_agency (self, stmt, error, missing);
}
