/* rl-identity-view.h — everything about one person the signed-in user may
 * see: timeline, best print per finger, derogatory records (withheld ones
 * say who holds them), encounters with biographic data as each agency
 * recorded it, identity links and history. Clicking a timeline mark or an
 * encounter opens the encounter beside the record. Analysts resolve links,
 * merge, split and undo merges from here (identity.* actions, each with a
 * confirmation and a reason). An identity merged into another says so and
 * offers to open that one. */
#pragma once

#include <adwaita.h>

#include "rl-encounter-pane.h"
#include "rl-session.h"
#include "rl-timeline.h"

G_BEGIN_DECLS

#define RL_TYPE_IDENTITY_VIEW (rl_identity_view_get_type ())
G_DECLARE_FINAL_TYPE (RlIdentityView, rl_identity_view, RL, IDENTITY_VIEW, AdwWindow)

/* Opens the record (audited with the purpose) and builds the view; NULL with
 * error when the store refuses (no purpose, no such identity, ...). */
RlIdentityView *rl_identity_view_new (RlSession *session, gint64 identity_id, const char *purpose, GError **error);

gint64           rl_identity_view_get_identity_id   (RlIdentityView *self);
RlTimeline      *rl_identity_view_get_timeline      (RlIdentityView *self);
/* The encounter pane when one is shown, else NULL. */
RlEncounterPane *rl_identity_view_get_encounter_pane (RlIdentityView *self);

/* Asks for a purpose (case number or reason), then opens the view over
 * parent. Nothing is opened without one. */
void            rl_identity_view_ask_and_open (GtkWindow *parent, RlSession *session, gint64 identity_id);

G_END_DECLS
