/* rl-sign-in-view.h — choose which of the workspace's users to sign in as. */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_SIGN_IN_VIEW (rl_sign_in_view_get_type ())
G_DECLARE_FINAL_TYPE (RlSignInView, rl_sign_in_view, RL, SIGN_IN_VIEW, GtkWidget)

/* Lists the session's users. Emits "user-chosen" (username) when one is activated. */
void rl_sign_in_view_set_session (RlSignInView *self, RlSession *session);

G_END_DECLS
