/* rl-review-view.h — one search under ACE-V review.
 *
 * The examiner's working screen for a claimed search: Analysis of the probe
 * alone first (of value?, quality notes, charted features), recorded before
 * any candidate is shown; then the candidate list beside a comparison of the
 * probe and the selected candidate with the matcher's correspondences;
 * Evaluation as a conclusion per candidate (identification, exclusion,
 * inconclusive) that is appended, never edited; Verification of someone
 * else's identification (blind: the first conclusion stays hidden).
 *
 * Exclusions of candidates the matcher scored above the active release's
 * match threshold and identifications of prints outside the candidate list
 * are recorded as corrections for the tuning loop. Everything is written
 * through the session's store and shows the store's refusals as they are.
 */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

G_BEGIN_DECLS

#define RL_TYPE_REVIEW_VIEW (rl_review_view_get_type ())
G_DECLARE_FINAL_TYPE (RlReviewView, rl_review_view, RL, REVIEW_VIEW, AdwBin)

typedef enum {
  RL_REVIEW_STAGE_ANALYSIS,      /* the probe alone; candidates hidden */
  RL_REVIEW_STAGE_COMPARISON,    /* analysis recorded: candidates, comparison, conclusions */
  RL_REVIEW_STAGE_VERIFICATION,  /* a second examiner verifies an identification */
  RL_REVIEW_STAGE_DISPUTE,       /* a supervisor decides a disputed identification */
} RlReviewStage;

/* Loads the search (which the signed-in user should have claimed, or be
 * verifying). Errors when the search or its probe cannot be read. */
RlReviewView  *rl_review_view_new               (RlSession *session, gint64 search_id, GError **error);

/* Opening a review in two steps, for a server (rl-store-load.h): what it
 * reads (the search, its candidates, the release, the probe's image and
 * template, the conclusions, the audit rows saying whether this examiner
 * analysed it already), in any thread; then the view made from that, on
 * the GUI thread (it takes what it keeps from load). rl_review_view_new
 * is both at once. */
typedef struct _RlReviewLoad RlReviewLoad;
RlReviewLoad  *rl_review_load                   (RlStore *store, const RlUser *user, gint64 search_id,
                                                 GError **error);
void           rl_review_load_free              (RlReviewLoad *load);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlReviewLoad, rl_review_load_free)
RlReviewView  *rl_review_view_new_from_load     (RlSession *session, RlReviewLoad *load);
gint64         rl_review_view_get_search_id     (RlReviewView *self);
RlReviewStage  rl_review_view_get_stage         (RlReviewView *self);
/* Whether the candidate list is shown (only after the analysis is recorded). */
gboolean       rl_review_view_get_candidates_visible (RlReviewView *self);
guint          rl_review_view_get_n_candidates  (RlReviewView *self);

/* The same steps the controls (and their keyboard shortcuts) take. Each
 * reports what the store refused in error and shows it in the view too. */
gboolean       rl_review_view_record_analysis   (RlReviewView *self, gboolean of_value, const char *notes,
                                                 GError **error);
/* Selects candidate `index` (0 = rank 1): records the view, opens the comparison. */
gboolean       rl_review_view_select_candidate  (RlReviewView *self, guint index, GError **error);
/* A conclusion on the selected candidate (or the hand-picked sample, see
 * rl_review_view_compare_sample). Returns the conclusion id, 0 on error. */
gint64         rl_review_view_record_conclusion (RlReviewView *self, RlDecision decision, const char *reasons,
                                                 const char *notes, GError **error);
/* Verification of the search's current identification by the signed-in user. */
gint64         rl_review_view_record_verification (RlReviewView *self, gboolean agrees, RlDecision decision,
                                                   const char *reasons, GError **error);
/* Supervisor: the final decision on the disputed pair (shown beside the
 * probe). Returns the conclusion id, 0 on error. */
gint64         rl_review_view_decide_dispute    (RlReviewView *self, RlDecision decision, const char *reasons,
                                                 GError **error);
/* Opens a sample that is not on the candidate list beside the probe (an
 * identity's prints searched by hand). */
gboolean       rl_review_view_compare_sample    (RlReviewView *self, gint64 sample_id, GError **error);
gboolean       rl_review_view_export_chart      (RlReviewView *self, const char *path, GError **error);
/* The comparison view (for tests and screenshots); NULL-safe to use always. */
GtkWidget     *rl_review_view_get_comparison    (RlReviewView *self);

/* The match threshold of the active release (score), NAN when unknown. */
float          rl_review_release_match_threshold (RlStore *store, gint64 release_id);

G_END_DECLS
