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

/* Ends every open session of another user: a data steward's command (and
 * no other role's), for a lost workstation or someone who left the unit.
 * The rows stay, marked ended by the acting steward at the real clock's now,
 * until they would have expired, so that the server can tell the user why
 * (rl_store_get_session_end); rl_store_lookup_session no longer finds them.
 * Audited as "user.end-sessions" with the number ended, also when there
 * was none. A steward cannot end their own sessions here (signing out does
 * that). *out_n: how many were open (may be NULL). On a remote workspace
 * this is DELETE /api/v1/users/{id}/sessions. */
gboolean rl_store_end_user_sessions (RlStore *store, gint64 user_id, guint *out_n, GError **error);
/* The number of open (not ended, not expired at now) sessions of a user. */
gboolean rl_store_count_user_sessions (RlStore *store, gint64 user_id, gint64 now, guint *out_n, GError **error);

/* Who is signed in: per user with open sessions, how many and when the
 * latest began (Unix seconds). */
typedef struct {
  gint64 user_id;
  guint  n_open;
  gint64 last_opened_at;
} RlUserSessions;

/* The users with open sessions at the real clock's now, by user id (a
 * GArray of RlUserSessions). Data stewards only: who is at work is theirs
 * to see. On a remote workspace this is GET /api/v1/sessions. */
GArray  *rl_store_list_open_sessions (RlStore *store, GError **error);
/* Whether the session was ended by a steward: *out_ended_by the steward's
 * user id and *out_ended_at when (both 0 if the session is unknown, expired
 * or was not ended, which is no error). */
gboolean rl_store_get_session_end (RlStore *store, const char *token_sha256, gint64 now, gint64 *out_ended_by,
                                   gint64 *out_ended_at, GError **error);

G_END_DECLS
