/* rl-timeline.h — an identity's encounters over time.
 *
 * One lane per agency; each encounter is a mark shaped by its purpose
 * (circle: border crossing, square: visa, triangle: arrest, ...); derogatory
 * records are red flags and hits orange wedges in their agency's lane. Zoom
 * from decades to a single day with the wheel or +/-, pan by dragging or with
 * Shift+Left/Right, hover for details (the mark under the pointer is
 * ringed); clicking an encounter emits "encounter-activated" with its id.
 * By keyboard: the timeline takes focus; Left/Right move to the previous /
 * next encounter in time (Home/End: first/last), drawn with a focus ring (a
 * rounded square in RL_TIMELINE_FOCUS_COLOUR) and named in the accessible
 * label (date, agency, purpose); Enter or Space emits "encounter-activated"
 * for it. The keys are actions (timeline.*) with bindings.
 * When more than a few hundred encounters are in view, each lane shows how
 * many there are per two-pixel column (a bar coloured by the most common
 * purpose) and a click zooms in there. What is drawn is kept as a texture
 * and reused until the span, size, colours or data change. CSS name:
 * timeline. */
#pragma once

#include <gtk/gtk.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_TYPE_TIMELINE (rl_timeline_get_type ())
G_DECLARE_FINAL_TYPE (RlTimeline, rl_timeline, RL, TIMELINE, GtkWidget)

/* The keyboard focus ring (Adwaita's accent blue). */
#define RL_TIMELINE_FOCUS_COLOUR ((GdkRGBA) { 0.11, 0.44, 0.85, 1.0 })

typedef enum {
  RL_TIMELINE_MARK_DEROGATORY = 1,
  RL_TIMELINE_MARK_HIT,
} RlTimelineMarkKind;

GtkWidget *rl_timeline_new (void);

/* Replaces the encounters (of RlEncounter*; copied) and clears the other
 * marks. Zooms to show them all. */
void       rl_timeline_set_encounters (RlTimeline *self, GPtrArray *encounters);
/* A derogatory record or hit at a time in an agency's lane (label: tooltip). */
void       rl_timeline_add_mark       (RlTimeline *self, RlTimelineMarkKind kind, gint64 at, const char *agency,
                                       const char *label);
guint      rl_timeline_get_n_encounters (RlTimeline *self);
/* The encounter shown elsewhere (e.g. opened in a pane): ringed on the
 * timeline. 0 = none. Cleared by set_encounters. */
void       rl_timeline_set_selected   (RlTimeline *self, gint64 encounter_id);
gint64     rl_timeline_get_selected   (RlTimeline *self);
/* The encounter the keyboard is on (ringed while the timeline has focus),
 * 0 none; setting it scrolls it into view. Cleared by set_encounters. */
void       rl_timeline_set_focused    (RlTimeline *self, gint64 encounter_id);
gint64     rl_timeline_get_focused    (RlTimeline *self);

/* The visible span, seconds since the epoch (UTC). Clamped to one day ..
 * sixty years. */
void       rl_timeline_set_range (RlTimeline *self, gint64 start, gint64 end);
void       rl_timeline_get_range (RlTimeline *self, gint64 *out_start, gint64 *out_end);
/* Multiplies the span by factor (< 1 zooms in) around time `at`. */
void       rl_timeline_zoom      (RlTimeline *self, double factor, gint64 at);

/* Where time t is drawn (widget x), and which lane (0-based, by agency
 * code) an agency has, -1 if none. The y of a lane's centre. */
double     rl_timeline_x_for_time  (RlTimeline *self, gint64 t);
int        rl_timeline_lane_for_agency (RlTimeline *self, const char *agency);
double     rl_timeline_y_for_lane  (RlTimeline *self, int lane);
/* The encounter drawn at (x, y), 0 if none. */
gint64     rl_timeline_encounter_at (RlTimeline *self, double x, double y);

G_END_DECLS
