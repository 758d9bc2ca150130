/* rl-release-view.h — one matcher release and its evaluation report.
 *
 * The release's state, author, reviewer and dates, the buttons of the
 * Tuning page's actions (tuning.*), then the report stored as the release's
 * metrics JSON: the DET curves before and after on one plot, the operating
 * points, the headline figures, the corrections fixed and broken, the
 * breakdowns by quality and population group, the past searches re-run and
 * the pairs nearest the threshold. Every pair opens in the comparison view
 * (action release.compare, parameter (probe sample id, candidate sample id)). */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_RELEASE_VIEW (rl_release_view_get_type ())
G_DECLARE_FINAL_TYPE (RlReleaseView, rl_release_view, RL, RELEASE_VIEW, AdwBin)

GtkWidget *rl_release_view_new          (void);
/* Shows release (copied fields are read now; NULL shows the empty state). */
void       rl_release_view_set_release  (RlReleaseView          *self,
                                         RlSession              *session,
                                         const RlMatcherRelease *release);
gint64     rl_release_view_get_release_id (RlReleaseView *self);
/* Opens the two samples side by side in a comparison window (returned). */
GtkWindow *rl_release_view_open_pair    (RlReleaseView *self,
                                         gint64         probe_sample_id,
                                         gint64         candidate_sample_id,
                                         GError       **error);

/* A rate (0..1) as the report shows it: "0.41 %", "0 %", "—" when unknown. */
char      *rl_release_view_format_rate  (double rate);

G_END_DECLS
