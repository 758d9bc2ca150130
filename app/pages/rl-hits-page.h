/* rl-hits-page.h — the sidebar's “Hits” page: the analysts' hit queue.
 *
 * Filters by status ("To do" is what the signed-in user decides: open hits
 * for analysts, escalated and open ones for supervisors), derogatory
 * category, agency (of the encounter or holding a record) and age. A hit
 * opens in its review (rl-hit-view.h) in a window of its own. */
#pragma once

#include "rl-page.h"
#include "rl-hit-view.h"

G_BEGIN_DECLS

#define RL_TYPE_HITS_PAGE (rl_hits_page_get_type ())
G_DECLARE_FINAL_TYPE (RlHitsPage, rl_hits_page, RL, HITS_PAGE, RlPage)

/* Opens the hit's review in a window over the page's window; the page
 * reloads after every disposition made there. */
RlHitView *rl_hits_page_open_hit  (RlHitsPage *self, gint64 hit_id, GError **error);
/* The hit ids listed now (after filtering), in table order. */
GArray    *rl_hits_page_get_hit_ids (RlHitsPage *self);

G_END_DECLS
