#pragma once

#include <adwaita.h>

#include "rl-application.h"
#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_WINDOW (rl_window_get_type ())
G_DECLARE_FINAL_TYPE (RlWindow, rl_window, RL, WINDOW, AdwApplicationWindow)

RlWindow   *rl_window_new            (RlApplication *app);
/* Closes the open workspace (signing out) and opens path: the sign-in view
 * on success, an error page saying what is wrong otherwise. path may be a
 * server's address (https://host:port): a remote workspace, whose
 * certificate is the one accepted in Preferences (server-certificate). */
void        rl_window_open_workspace (RlWindow *self, const char *path);
/* The open workspace, NULL when it could not be opened. */
RlSession  *rl_window_get_session    (RlWindow *self);
/* The sidebar page shown ("queue", "searches", ...), NULL when signed out. */
const char *rl_window_get_page       (RlWindow *self);
/* Shows a page if the signed-in user's role allows it; FALSE otherwise. */
gboolean    rl_window_show_page      (RlWindow *self, const char *page_id);

G_END_DECLS
