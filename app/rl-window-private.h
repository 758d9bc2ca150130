#pragma once

#include "rl-window.h"

G_BEGIN_DECLS

struct _RlWindow {
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwWindowTitle *title;
};

void _rl_window_class_actions_init (RlWindowClass *klass);

G_END_DECLS
