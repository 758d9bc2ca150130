#pragma once

#include <adwaita.h>

#include "rl-application.h"

G_BEGIN_DECLS

#define RL_TYPE_WINDOW (rl_window_get_type ())
G_DECLARE_FINAL_TYPE (RlWindow, rl_window, RL, WINDOW, AdwApplicationWindow)

RlWindow *rl_window_new (RlApplication *app);

G_END_DECLS
