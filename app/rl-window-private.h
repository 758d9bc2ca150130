#pragma once

#include "rl-window.h"
#include "rl-sign-in-view.h"

G_BEGIN_DECLS

struct _RlWindow {
  AdwApplicationWindow parent_instance;

  RlSession      *session;
  GSettings      *settings;
  GPtrArray      *pages;          /* RlPage*, in page_info order */
  GPtrArray      *rows;           /* sidebar GtkListBoxRow*, same order */
  gboolean        signing_out;    /* in _rl_window_sign_out: not a sign-out by the server */

  /* template children */
  AdwToastOverlay *toast_overlay;
  GtkStack        *main_stack;
  AdwStatusPage   *error_page;
  RlSignInView    *sign_in_view;
  AdwWindowTitle  *sign_in_title;
  AdwLeaflet      *leaflet;
  GtkListBox      *sidebar_list;
  AdwWindowTitle  *page_title;
  GtkStack        *page_stack;
  GtkMenuButton   *user_button;
  AdwAvatar       *user_avatar;
  GtkLabel        *user_label;
  AdwAvatar       *popover_avatar;
  GtkLabel        *popover_name;
  GtkLabel        *popover_role;
  GtkLabel        *popover_workspace;
};

void _rl_window_class_actions_init (RlWindowClass *klass);
void _rl_window_sign_out           (RlWindow *self);
void _rl_window_update_actions     (RlWindow *self);

G_END_DECLS
