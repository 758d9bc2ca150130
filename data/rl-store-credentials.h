/* rl-store-credentials.h — users' passwords, for signing in to ridgeline-server.
 *
 * A password is kept as PBKDF2-HMAC-SHA256 (RFC 8018) of the password with a
 * random 16-byte salt; the iteration count is stored with each hash, so it can
 * be raised later without breaking existing passwords. The password itself is
 * never stored or logged. Setting one is audited ("user.set-password"),
 * without the hash.
 */
#pragma once

#include <glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_PASSWORD_MIN_LENGTH   8
#define RL_PASSWORD_MAX_LENGTH   1024
#define RL_PASSWORD_ITERATIONS   100000

/* PBKDF2-HMAC-SHA256: out_len bytes derived from password and salt. */
void     rl_pbkdf2_hmac_sha256   (const guint8 *password, gsize password_len, const guint8 *salt, gsize salt_len,
                                  guint iterations, guint8 *out, gsize out_len);

/* Sets (or replaces) a user's password. Needs a data steward as actor, or
 * the system (no actor: setting up, the demo). The password must have
 * RL_PASSWORD_MIN_LENGTH to RL_PASSWORD_MAX_LENGTH bytes. */
gboolean rl_store_set_password   (RlStore *store, gint64 user_id, const char *password, GError **error);
/* Same with an explicit iteration count (≥ 1000). */
gboolean rl_store_set_password_full (RlStore *store, gint64 user_id, const char *password, guint iterations,
                                     GError **error);

/* Checks a sign-in: the active user with that name whose password matches,
 * else NULL with RL_STORE_ERROR_PERMISSION and one message for every cause
 * (unknown name, no password set, wrong password, disabled account), so the
 * reply does not tell which names exist. Does not audit and does not change
 * the acting user. */
RlUser  *rl_store_check_password (RlStore *store, const char *username, const char *password, GError **error);

/* Whether the user has a password (users without one cannot sign in to the server). */
gboolean rl_store_user_has_password (RlStore *store, gint64 user_id, gboolean *out_has, GError **error);

/* ------------------------------------------------- server sessions */

/* Signed-in sessions of ridgeline-server, kept in the workspace so that a
 * restarted server still knows them. A session is stored under the SHA-256
 * (64 lower-case hex digits) of its token, never the token: tokens are 256
 * random bits, so a fast hash is enough (nobody can try them all) and the
 * file alone signs nobody in. Times are Unix seconds of the real clock.
 * These are the server's bookkeeping: no role is checked and nothing is
 * audited here (the server audits session.open and session.close). */
#define RL_SESSION_HASH_LEN 64

gboolean rl_store_add_session    (RlStore *store, const char *token_sha256, gint64 user_id, gint64 created_at,
                                  gint64 expires_at, const char *client, GError **error);
/* The user of the session if it is known and not expired at now (*out_user_id
 * 0 otherwise, which is no error); *out_expires_at its end. */
gboolean rl_store_lookup_session (RlStore *store, const char *token_sha256, gint64 now, gint64 *out_user_id,
                                  gint64 *out_expires_at, GError **error);
/* Ends a session (signing out); no error if it was unknown. */
gboolean rl_store_delete_session (RlStore *store, const char *token_sha256, GError **error);
/* Deletes the sessions expired at now; *out_n how many (may be NULL). */
gboolean rl_store_delete_expired_sessions (RlStore *store, gint64 now, guint *out_n, GError **error);

G_END_DECLS
