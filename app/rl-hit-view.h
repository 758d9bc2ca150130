/* rl-hit-view.h — an analyst's review of one hit.
 *
 * A new encounter's prints matched an identity with derogatory records. The
 * view shows what the analyst decides on: the records' categories, who holds
 * them, sharable or restricted (a restricted record the user may not read
 * says only "Held by AGENCY": the store never hands its content over), the
 * match score with its estimated false-match rate and the release's
 * threshold, the probe and the matched print side by side with the
 * matcher's correspondences, and the encounter's biographic data beside the
 * identity's with the differences marked. The analyst confirms, dismisses
 * (with a reason) or escalates to a supervisor, who decides escalated hits;
 * every disposition goes through the store, which audits it. The person's
 * full record opens from here (a purpose is asked first).
 */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_HIT_VIEW (rl_hit_view_get_type ())
G_DECLARE_FINAL_TYPE (RlHitView, rl_hit_view, RL, HIT_VIEW, AdwBin)

/* Loads the hit as the session's user may see it; NULL with error when the
 * hit cannot be read. */
RlHitView   *rl_hit_view_new              (RlSession *session, gint64 hit_id, GError **error);
gint64       rl_hit_view_get_hit_id       (RlHitView *self);
RlHitStatus  rl_hit_view_get_status       (RlHitView *self);
/* The reason typed for the next disposition. */
void         rl_hit_view_set_reason       (RlHitView *self, const char *reason);
/* What the Confirm / Dismiss / Escalate buttons (and their shortcuts) do,
 * with the typed reason: the store's refusal is returned and shown. */
gboolean     rl_hit_view_dispose          (RlHitView *self, RlHitStatus disposition, GError **error);
/* Whether the signed-in user may dispose of the hit now (an analyst an open
 * one, a supervisor an open or escalated one). */
gboolean     rl_hit_view_can_dispose      (RlHitView *self);
/* The comparison of probe and matched print (for tests and screenshots). */
GtkWidget   *rl_hit_view_get_comparison   (RlHitView *self);

G_END_DECLS
