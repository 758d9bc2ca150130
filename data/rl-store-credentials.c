/* rl-store-credentials.c — passwords (PBKDF2-HMAC-SHA256 with GHmac). */
#define G_LOG_DOMAIN "ridgeline-store"

#include <string.h>
#include <sys/random.h>

#include "rl-store-credentials.h"
#include "rl-remote-private.h"
#include "rl-store-private.h"

#define SALT_LEN 16
#define HASH_LEN 32

void
rl_pbkdf2_hmac_sha256 (const guint8 *password, gsize password_len, const guint8 *salt, gsize salt_len,
                       guint iterations, guint8 *out, gsize out_len)
{
  /* The HMAC keyed with the password is made once and copied for every
   * iteration: keying hashes the key pads, which would double the work. */
  g_autoptr(GHmac) keyed = g_hmac_new (G_CHECKSUM_SHA256, password, password_len);
  guint32 block = 1;

  g_return_if_fail (iterations >= 1);

  for (gsize done = 0; done < out_len; block++)
    {
      guint8 u[HASH_LEN], t[HASH_LEN];
      gsize len = HASH_LEN;
      guint8 counter[4] = { block >> 24, block >> 16, block >> 8, block };
      GHmac *h = g_hmac_copy (keyed);

      /* U1 = HMAC(P, S || INT(i)); T = U1 ^ U2 ^ ... ^ Uc */
      g_hmac_update (h, salt, salt_len);
      g_hmac_update (h, counter, 4);
      g_hmac_get_digest (h, u, &len);
      g_hmac_unref (h);
      memcpy (t, u, HASH_LEN);
      for (guint i = 1; i < iterations; i++)
        {
          h = g_hmac_copy (keyed);
          g_hmac_update (h, u, HASH_LEN);
          len = HASH_LEN;
          g_hmac_get_digest (h, u, &len);
          g_hmac_unref (h);
          for (guint k = 0; k < HASH_LEN; k++)
            t[k] ^= u[k];
        }
      memcpy (out + done, t, MIN (HASH_LEN, out_len - done));
      done += MIN (HASH_LEN, out_len - done);
    }
}

static gboolean
random_bytes (guint8 *buf, gsize len, GError **error)
{
  gsize got = 0;

  while (got < len)
    {
      ssize_t n = getrandom (buf + got, len - got, 0);
      if (n < 0)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("Cannot read random bytes: %s"),
                       g_strerror (errno));
          return FALSE;
        }
      got += (gsize) n;
    }
  return TRUE;
}

gboolean
rl_store_set_password_full (RlStore *self, gint64 user_id, const char *password, guint iterations,
                            GError **error)
{
  g_autoptr(RlUser) user = NULL;
  g_autofree char *details = NULL;
  guint8 salt[SALT_LEN], hash[HASH_LEN];
  sqlite3_stmt *stmt;
  gsize len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  len = strlen (password);
  if (len < RL_PASSWORD_MIN_LENGTH || len > RL_PASSWORD_MAX_LENGTH)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("A password needs %d to %d characters; this one has %zu"), RL_PASSWORD_MIN_LENGTH,
                   RL_PASSWORD_MAX_LENGTH, len);
      return FALSE;
    }
  if (iterations < 1000)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%u PBKDF2 iterations are too few (at least 1000)"), iterations);
      return FALSE;
    }
  if (self->actor_id != 0 && !rl_store_require_role (self, error, _("set passwords"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if (!(user = rl_store_get_user (self, user_id, error)))
    return FALSE;
  if (!random_bytes (salt, sizeof salt, error))
    return FALSE;
  rl_pbkdf2_hmac_sha256 ((const guint8 *) password, len, salt, sizeof salt, iterations, hash, sizeof hash);

  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO user_credential (user_id, salt, iterations, hash, set_at, set_by) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "ON CONFLICT (user_id) DO UPDATE SET salt = excluded.salt, "
                                    "iterations = excluded.iterations, hash = excluded.hash, "
                                    "set_at = excluded.set_at, set_by = excluded.set_by", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_blob (stmt, 2, salt, sizeof salt, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, iterations);
  sqlite3_bind_blob (stmt, 4, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, rl_store_now (self));
  rl_bind_id_or_null (stmt, 6, self->actor_id);
  if (!rl_store_run (self, stmt, error, _("Cannot store the password")))
    goto fail;
  details = rl_json_object ("username", user->username, NULL);
  if (!rl_store_audit_append (self, "user.set-password", "user", user_id, NULL, details, error))
    goto fail;
  return rl_store_commit (self, error);

fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_set_password (RlStore *self, gint64 user_id, const char *password, GError **error)
{
  return rl_store_set_password_full (self, user_id, password, RL_PASSWORD_ITERATIONS, error);
}

static void
set_wrong (GError **error)
{
  g_set_error_literal (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION, _("Wrong user name or password"));
}

RlUser *
rl_store_check_password (RlStore *self, const char *username, const char *password, GError **error)
{
  g_autoptr(RlUser) user = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 salt[SALT_LEN] = { 0 }, stored[HASH_LEN] = { 0 }, hash[HASH_LEN];
  gint64 iterations = RL_PASSWORD_ITERATIONS;
  gboolean found = FALSE;
  guint8 diff = 0;
  sqlite3_stmt *stmt;
  gsize len;

  g_return_val_if_fail (self != NULL, NULL);

  if (username == NULL || password == NULL || (len = strlen (password)) > RL_PASSWORD_MAX_LENGTH)
    {
      set_wrong (error);
      return NULL;
    }
  user = rl_store_get_user_by_name (self, username, &local_error);
  if (user == NULL && !g_error_matches (local_error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (user != NULL)
    {
      if (!(stmt = rl_store_stmt (self, "SELECT salt, iterations, hash FROM user_credential WHERE user_id = ?1",
                                  error)))
        return NULL;
      sqlite3_bind_int64 (stmt, 1, user->id);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == SALT_LEN &&
          sqlite3_column_bytes (stmt, 2) == HASH_LEN)
        {
          memcpy (salt, sqlite3_column_blob (stmt, 0), SALT_LEN);
          iterations = sqlite3_column_int64 (stmt, 1);
          memcpy (stored, sqlite3_column_blob (stmt, 2), HASH_LEN);
          found = iterations >= 1 && iterations <= 100000000;
        }
      sqlite3_reset (stmt);
    }
  /* The hash is computed for unknown names too, so that the time taken
   * does not tell which names exist. */
  rl_pbkdf2_hmac_sha256 ((const guint8 *) password, len, salt, SALT_LEN,
                         found ? (guint) iterations : RL_PASSWORD_ITERATIONS, hash, HASH_LEN);
  for (guint i = 0; i < HASH_LEN; i++)
    diff |= hash[i] ^ stored[i];
  if (!found || diff != 0 || !user->active)
    {
      set_wrong (error);
      return NULL;
    }
  return g_steal_pointer (&user);
}

gboolean
rl_store_user_has_password (RlStore *self, gint64 user_id, gboolean *out_has, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM user_credential WHERE user_id = ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (!rl_store_query_int64 (self, stmt, &n, error, _("Cannot read the user’s credentials")))
    return FALSE;
  if (out_has)
    *out_has = n > 0;
  return TRUE;
}

/* ------------------------------------------------- server sessions */

static gboolean
valid_token_hash (const char *token_sha256, GError **error)
{
  if (token_sha256 != NULL && strlen (token_sha256) == RL_SESSION_HASH_LEN &&
      strspn (token_sha256, "0123456789abcdef") == RL_SESSION_HASH_LEN)
    return TRUE;
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
               _("A session is kept under the SHA-256 of its token (64 lower-case hex digits)"));
  return FALSE;
}

gboolean
rl_store_add_session (RlStore *self, const char *token_sha256, gint64 user_id, gint64 created_at, gint64 expires_at,
                      const char *client, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!valid_token_hash (token_sha256, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "INSERT INTO server_session (token_sha256, user_id, created_at, expires_at, client) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, created_at);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  sqlite3_bind_text (stmt, 5, client ? client : "", -1, SQLITE_TRANSIENT);
  return rl_store_run (self, stmt, error, _("Cannot record the session"));
}

gboolean
rl_store_lookup_session (RlStore *self, const char *token_sha256, gint64 now, gint64 *out_user_id,
                         gint64 *out_expires_at, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_user_id != NULL, FALSE);
  *out_user_id = 0;
  if (out_expires_at)
    *out_expires_at = 0;
  /* Anything but a well-formed hash is simply no session. */
  if (!valid_token_hash (token_sha256, NULL))
    return TRUE;
  /* Read only: an expired row stays until rl_store_delete_expired_sessions,
   * so that checking a token never waits for the write lock. */
  if (!(stmt = rl_store_stmt (self, "SELECT user_id, expires_at FROM server_session "
                                    "WHERE token_sha256 = ?1 AND expires_at > ?2 AND ended_at IS NULL", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_user_id = sqlite3_column_int64 (stmt, 0);
      if (out_expires_at)
        *out_expires_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot read the session"));
  return TRUE;
}

gboolean
rl_store_delete_session (RlStore *self, const char *token_sha256, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!valid_token_hash (token_sha256, NULL))
    return TRUE;
  if (!(stmt = rl_store_stmt (self, "DELETE FROM server_session WHERE token_sha256 = ?1", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_sha256, -1, SQLITE_TRANSIENT);
  return rl_store_run (self, stmt, error, _("Cannot end the session"));
}

gboolean
rl_store_delete_expired_sessions (RlStore *self, gint64 now, guint *out_n, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!(stmt = rl_store_stmt (self, "DELETE FROM server_session WHERE expires_at <= ?1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!rl_store_run (self, stmt, error, _("Cannot delete expired sessions")))
    return FALSE;
  if (out_n)
    *out_n = (guint) sqlite3_changes (self->db);
  return TRUE;
}

gboolean
rl_store_count_user_sessions (RlStore *self, gint64 user_id, gint64 now, guint *out_n, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!(stmt = rl_store_stmt (self, "SELECT count(*) FROM server_session "
                                    "WHERE user_id = ?1 AND expires_at > ?2 AND ended_at IS NULL", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!rl_store_query_int64 (self, stmt, &n, error, _("Cannot count the user’s sessions")))
    return FALSE;
  if (out_n)
    *out_n = (guint) CLAMP (n, 0, G_MAXUINT);
  return TRUE;
}

gboolean
rl_store_end_user_sessions (RlStore *self, gint64 user_id, guint *out_n, GError **error)
{
  g_autoptr(RlUser) user = NULL;
  g_autofree char *details = NULL;
  g_autofree char *count = NULL;
  sqlite3_stmt *stmt;
  gint64 now;
  guint n;

  g_return_val_if_fail (self != NULL, FALSE);
  if (out_n)
    *out_n = 0;
  if (self->remote)
    return rl_remote_end_user_sessions (self, user_id, out_n, error);
  if (!rl_store_require_role (self, error, _("end another user’s sessions"), RL_ROLE_DATA_STEWARD, 0))
    return FALSE;
  if (!(user = rl_store_get_user (self, user_id, error)))
    return FALSE;
  if (user_id == self->actor_id)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                   _("%s cannot end their own sessions here: signing out ends a session"), user->username);
      return FALSE;
    }

  /* Sessions are kept in the real clock's seconds (the server's), not the
   * store's clock. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  if (!rl_store_begin (self, error))
    return FALSE;
  if (!(stmt = rl_store_stmt (self, "UPDATE server_session SET ended_at = ?3, ended_by = ?4 "
                                    "WHERE user_id = ?1 AND expires_at > ?2 AND ended_at IS NULL", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, self->actor_id);
  if (!rl_store_run (self, stmt, error, _("Cannot end the user’s sessions")))
    goto fail;
  n = (guint) sqlite3_changes (self->db);
  count = g_strdup_printf ("%u", n);
  details = rl_json_object ("username", user->username, "sessions", count, NULL);
  if (!rl_store_audit_append (self, "user.end-sessions", "user", user_id, NULL, details, error) ||
      !rl_store_commit (self, error))
    goto fail;
  if (out_n)
    *out_n = n;
  return TRUE;

fail:
  rl_store_rollback (self);
  return FALSE;
}

gboolean
rl_store_get_session_end (RlStore *self, const char *token_sha256, gint64 now, gint64 *out_ended_by,
                          gint64 *out_ended_at, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_ended_by != NULL && out_ended_at != NULL, FALSE);
  *out_ended_by = 0;
  *out_ended_at = 0;
  if (!valid_token_hash (token_sha256, NULL))
    return TRUE;
  if (!(stmt = rl_store_stmt (self, "SELECT coalesce(ended_by, 0), ended_at FROM server_session "
                                    "WHERE token_sha256 = ?1 AND expires_at > ?2 AND ended_at IS NOT NULL", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_ended_by = sqlite3_column_int64 (stmt, 0);
      *out_ended_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (self, error, _("Cannot read the session"));
  return TRUE;
}

GArray *
rl_store_list_open_sessions (RlStore *self, GError **error)
{
  g_autoptr(GArray) out = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  if (self->remote)
    return rl_remote_list_open_sessions (self, error);
  if (!rl_store_require_role (self, error, _("see who is signed in"), RL_ROLE_DATA_STEWARD, 0))
    return NULL;
  if (!(stmt = rl_store_stmt (self, "SELECT user_id, count(*), max(created_at) FROM server_session "
                                    "WHERE expires_at > ?1 AND ended_at IS NULL GROUP BY user_id ORDER BY user_id",
                              error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  out = g_array_new (FALSE, TRUE, sizeof (RlUserSessions));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RlUserSessions row = { sqlite3_column_int64 (stmt, 0), (guint) CLAMP (sqlite3_column_int64 (stmt, 1), 0, G_MAXUINT),
                             sqlite3_column_int64 (stmt, 2) };
      g_array_append_val (out, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (self, error, _("Cannot read the open sessions"));
      return NULL;
    }
  return g_steal_pointer (&out);
}
