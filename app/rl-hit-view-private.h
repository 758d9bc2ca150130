/* rl-hit-view-private.h — what rl-hit-view.c and rl-hit-view-actions.c share. */
#pragma once

#include "rl-comparison-view.h"
#include "rl-hit-view.h"

G_BEGIN_DECLS

struct _RlHitView {
  AdwBin parent_instance;

  RlSession *session;
  RlHit     *hit;
  RlEncounter *encounter;      /* the new encounter */
  gint64     probe_sample_id;
  gint64     candidate_sample_id;

  /* template children */
  GtkLabel  *title_label;
  GtkLabel  *status_label;
  GtkLabel  *subtitle_label;
  GtkBox    *details;
  GtkBox    *comparison_box;
  GtkLabel  *comparison_label;
  GtkEntry  *reason_entry;
  GtkWidget *action_bar;
  GtkLabel  *message_label;

  RlComparisonView *comparison;
};

/* Re-reads the hit and rebuilds the details (after a disposition). */
gboolean _rl_hit_view_reload   (RlHitView *self, GError **error);
/* Shows a message below the actions (NULL hides it); error styles it red. */
void     _rl_hit_view_show_message (RlHitView *self, const char *text, gboolean error);
void     _rl_hit_view_update_actions (RlHitView *self);
void     _rl_hit_view_class_actions_init (GtkWidgetClass *widget_class);

G_END_DECLS
