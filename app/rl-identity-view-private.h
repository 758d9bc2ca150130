/* rl-identity-view-private.h — RlIdentityView's state, shared with its
 * actions (rl-identity-view-actions.c). */
#pragma once

#include "rl-encounter-pane.h"
#include "rl-identity-view.h"
#include "rl-timeline.h"

G_BEGIN_DECLS

struct _RlIdentityView {
  AdwWindow parent_instance;

  RlSession  *session;
  gint64      identity_id;
  char       *purpose;        /* the stated purpose of this look, reused for linked records opened from here */
  RlIdentity *identity;       /* summary as last read */
  GPtrArray  *encounters;     /* RlEncounter*, oldest first */
  GPtrArray  *links;          /* RlIdentityLink* of this identity */
  GPtrArray  *rows;           /* rows added to the groups, removed on refresh */
  AdwToast   *toast;          /* the toast on show (not owned; NULL once dismissed) */

  /* template children */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkWidget           *merged_banner;
  GtkLabel            *merged_label;
  GtkButton           *merged_open_button;
  GtkLabel            *summary;
  RlTimeline          *timeline;
  GtkGrid             *ten_print;
  AdwPreferencesGroup *derogatory_group;
  AdwPreferencesGroup *encounters_group;
  AdwPreferencesGroup *links_group;
  AdwPreferencesGroup *history_group;
  GtkRevealer         *encounter_revealer;
  RlEncounterPane     *encounter_pane;
};

/* Reads the identity again (after a merge, split or link resolution) and
 * rebuilds every section; the record stays open (no new audit row). */
void _rl_identity_view_refresh (RlIdentityView *self);
void _rl_identity_view_toast   (RlIdentityView *self, const char *text);
/* Shows toast (taking it), dismissing the one on show: what a toast says
 * about the record is only true until the next change. */
void _rl_identity_view_add_toast (RlIdentityView *self, AdwToast *toast);
void _rl_identity_view_update_actions (RlIdentityView *self);
void _rl_identity_view_class_actions_init (RlIdentityViewClass *klass);

G_END_DECLS
