/* rl-comparison-view.h — two prints side by side for an examiner's comparison.
 *
 * The probe (left) and a candidate (right) in two RlPrintViews with linked
 * navigation, the matcher's paired minutiae drawn as numbered
 * correspondences in matching colours, and manual charting: the examiner
 * adds, moves and removes minutiae on either print and links or unlinks
 * correspondences. Counts are properties that update live; "changed" is
 * emitted after every edit of the chart.
 *
 * Keys (besides each print view's): L links the selected probe and
 * candidate minutiae, U unlinks the selected minutia's correspondence,
 * K locks / unlocks navigation. The action comparison.fit fits both prints.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-compare.h"
#include "rl-print-view.h"
#include "rl-types.h"

G_BEGIN_DECLS

#define RL_TYPE_COMPARISON_VIEW (rl_comparison_view_get_type ())
G_DECLARE_FINAL_TYPE (RlComparisonView, rl_comparison_view, RL, COMPARISON_VIEW, GtkWidget)

/* One correspondence: a probe minutia and a candidate minutia that the
 * matcher or the examiner holds to be the same feature. The layout of the
 * first three fields matches the matcher's RlMinutiaPair. */
typedef struct {
  guint16  probe;       /* index into the probe's minutiae */
  guint16  candidate;   /* index into the candidate's minutiae */
  float    strength;    /* matcher's strength; 0 for a charted one */
  gboolean charted;     /* added by the examiner, not by the matcher */
} RlCorrespondence;

GtkWidget        *rl_comparison_view_new                  (void);

RlPrintView      *rl_comparison_view_get_probe_view       (RlComparisonView *self);
RlPrintView      *rl_comparison_view_get_candidate_view   (RlComparisonView *self);

/* Sets both prints (copied; templates may be NULL) and clears every
 * correspondence. */
void              rl_comparison_view_set_prints           (RlComparisonView *self,
                                                           const RlImage    *probe_image,
                                                           const RlTemplate *probe_template,
                                                           const RlImage    *candidate_image,
                                                           const RlTemplate *candidate_template);

/* Both prints from the extractor (image, template and every layer). */
void              rl_comparison_view_set_extractions      (RlComparisonView *self,
                                                           RlExtraction     *probe,
                                                           RlExtraction     *candidate);

/* The matcher's paired minutiae, any order (they are ranked strongest first
 * here). Charted correspondences are kept. visible-pairs is set to show all. */
void              rl_comparison_view_set_matcher_pairs    (RlComparisonView       *self,
                                                           const RlCorrespondence *pairs,
                                                           guint                   n_pairs);

/* The same from the matcher's own result (its pairs; the score is not shown here). */
void              rl_comparison_view_set_comparison       (RlComparisonView       *self,
                                                           const RlComparison     *comparison);

/* Charting by hand. Linking a minutia that already has a correspondence
 * replaces it. Returns FALSE if an index is out of range. */
gboolean          rl_comparison_view_link                 (RlComparisonView *self, guint probe, guint candidate);
gboolean          rl_comparison_view_unlink_probe         (RlComparisonView *self, guint probe);
gboolean          rl_comparison_view_unlink_candidate     (RlComparisonView *self, guint candidate);

/* Undo / redo the examiner's edits (minutiae added, moved, deleted;
 * correspondences linked, unlinked) since the prints or pairs were set.
 * Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y. FALSE when there is nothing to undo/redo. */
gboolean          rl_comparison_view_undo                 (RlComparisonView *self);
gboolean          rl_comparison_view_redo                 (RlComparisonView *self);

/* The correspondences shown now, in their numbering order (number = index + 1).
 * Free with g_free. */
RlCorrespondence *rl_comparison_view_get_correspondences  (RlComparisonView *self, guint *n);

guint             rl_comparison_view_get_n_correspondences (RlComparisonView *self);
guint             rl_comparison_view_get_visible_pairs    (RlComparisonView *self);
void              rl_comparison_view_set_visible_pairs    (RlComparisonView *self, guint n);
gboolean          rl_comparison_view_get_linked           (RlComparisonView *self);
void              rl_comparison_view_set_linked           (RlComparisonView *self, gboolean linked);

G_END_DECLS
