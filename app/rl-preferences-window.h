/* rl-preferences-window.h — the workspace (a file on this computer, or a
 * server with its accepted certificate) and the style. */
#pragma once

#include <adwaita.h>

#include "rl-application.h"

G_BEGIN_DECLS

#define RL_TYPE_PREFERENCES_WINDOW (rl_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (RlPreferencesWindow, rl_preferences_window, RL, PREFERENCES_WINDOW, AdwPreferencesWindow)

RlPreferencesWindow *rl_preferences_window_new (RlApplication *app);
/* Connect to the server address typed: shows its certificate's fingerprint
 * to accept (a dialog) unless it is the one accepted before. */
void                 rl_preferences_window_connect (RlPreferencesWindow *self);
/* The certificate dialog on screen, NULL when none (for tests). */
AdwMessageDialog    *rl_preferences_window_get_certificate_dialog (RlPreferencesWindow *self);

G_END_DECLS
