/* rl-session.h — an open workspace and who is signed in to it.
 *
 * The window owns one session per open workspace; pages read the store and
 * the signed-in user from it and reload when "user" changes. */
#pragma once

#include <gtk/gtk.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_TYPE_SESSION (rl_session_get_type ())
G_DECLARE_FINAL_TYPE (RlSession, rl_session, RL, SESSION, GObject)

/* Takes ownership of store. */
RlSession    *rl_session_new              (RlStore *store);
RlStore      *rl_session_get_store        (RlSession *self);
const char   *rl_session_get_path         (RlSession *self);
/* The signed-in user, or NULL when nobody is signed in. */
const RlUser *rl_session_get_user         (RlSession *self);
gboolean      rl_session_sign_in          (RlSession *self, const char *username, GError **error);
/* A remote workspace: signs in to the server with a password (POST
 * /api/v1/session); the server then acts for this user on every call. */
gboolean      rl_session_sign_in_with_password (RlSession *self, const char *username, const char *password,
                                                GError **error);
/* A server that no longer accepts the session (it restarted, the session
 * expired) makes the store forget its token: this then signs the session
 * out too ("signed-in" becomes FALSE). Returns whether still signed in. */
gboolean      rl_session_check_server_session (RlSession *self);
/* Whether the store is a server (rl_store_open_remote). */
gboolean      rl_session_is_remote        (RlSession *self);
/* A short name of the workspace for titles: the file's name, or the
 * server's host for a remote workspace. */
char         *rl_session_dup_workspace_name (RlSession *self);
/* On a remote workspace this also ends the session on the server (DELETE
 * /api/v1/session). */
void          rl_session_sign_out         (RlSession *self);
/* Translated "Display Name" and "Role · AGENCY" of the signed-in user, "" if none. */
const char   *rl_session_get_display_name (RlSession *self);
const char   *rl_session_get_role_summary (RlSession *self);
/* Emits "identities-changed" (after a merge, split or link resolution) so
 * that every open record and list reads them again. */
void          rl_session_identities_changed (RlSession *self);

/* A cancellable for one load (rl-store-load.h) made for the signed-in
 * user: rl_session_cancel_loads() cancels it, and signing out, the server
 * dropping the session and the session's end call that. Caller owns it. */
GCancellable *rl_session_new_cancellable  (RlSession *self);
void          rl_session_cancel_loads     (RlSession *self);

/* Destroys window once the user signed in now signs out (or another signs
 * in on this session): a review, a person's record or a hit opened by one
 * user must not stay open, and act, for the next. */
void          rl_session_close_on_sign_out (RlSession *self, GtkWindow *window);

G_END_DECLS
