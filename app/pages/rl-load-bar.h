/* rl-load-bar.h — the strip above a page (or a review) that says its data
 * is being read from the server (a spinner) or could not be (the server's
 * message and a Retry button). Hidden otherwise: a workspace file loads
 * at once and never shows it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_LOAD_BAR (rl_load_bar_get_type ())
G_DECLARE_FINAL_TYPE (RlLoadBar, rl_load_bar, RL, LOAD_BAR, GtkWidget)

GtkWidget  *rl_load_bar_new          (void);
/* A spinner and text ("Reading the work queue from the server…"). */
void        rl_load_bar_show_loading (RlLoadBar *self, const char *text);
/* The error's message and Retry ("retry" is emitted when clicked). */
void        rl_load_bar_show_error   (RlLoadBar *self, const char *message);
void        rl_load_bar_hide         (RlLoadBar *self);
gboolean    rl_load_bar_is_loading   (RlLoadBar *self);
/* The error shown, or NULL when none is. */
const char *rl_load_bar_get_error    (RlLoadBar *self);

G_END_DECLS
