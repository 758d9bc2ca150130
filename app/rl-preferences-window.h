/* rl-preferences-window.h — the workspace file and the style. */
#pragma once

#include <adwaita.h>

#include "rl-application.h"

G_BEGIN_DECLS

#define RL_TYPE_PREFERENCES_WINDOW (rl_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (RlPreferencesWindow, rl_preferences_window, RL, PREFERENCES_WINDOW, AdwPreferencesWindow)

RlPreferencesWindow *rl_preferences_window_new (RlApplication *app);

G_END_DECLS
