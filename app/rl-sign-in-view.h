/* rl-sign-in-view.h — choose which of the workspace's users to sign in as
 * (a file), or sign in to a server with a user name and password. */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_SIGN_IN_VIEW (rl_sign_in_view_get_type ())
G_DECLARE_FINAL_TYPE (RlSignInView, rl_sign_in_view, RL, SIGN_IN_VIEW, GtkWidget)

/* Lists the session's users. Emits "user-chosen" (username) when one is
 * activated. On a remote workspace it asks for a user name and password
 * instead and emits "password-given" (username, password). */
void rl_sign_in_view_set_session    (RlSignInView *self, RlSession *session);
/* A message under the form (a refused sign-in); NULL hides it. */
void rl_sign_in_view_show_message   (RlSignInView *self, const char *message);
/* Focus the user name (or, when typed, the password) of the server form. */
void rl_sign_in_view_focus          (RlSignInView *self);
void rl_sign_in_view_clear_password (RlSignInView *self);

G_END_DECLS
