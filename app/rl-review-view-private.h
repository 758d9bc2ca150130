/* rl-review-view-private.h — RlReviewView's state, shared with its actions. */
#pragma once

#include "rl-comparison-view.h"
#include "rl-print-view.h"
#include "rl-release-params.h"
#include "rl-review-view.h"

G_BEGIN_DECLS

struct _RlReviewView {
  AdwBin parent_instance;

  RlSession    *session;
  RlSearch     *search;
  GPtrArray    *candidates;       /* RlSearchCandidate*, by rank; in verification only the identified one */
  RlImage      *probe_image;
  RlTemplate   *probe_template;
  RlReviewStage stage;
  gboolean      analysed;         /* the signed-in user recorded an analysis of this probe */
  gboolean      revised_after_seen;
  float         match_threshold;  /* NAN when the release does not say */
  /* The parameters of the release the search ran under: its score → FMR
   * calibration gives the candidates' estimated false-match rates (the
   * matcher's own calibration when the release has none). */
  RlReleaseParams release_params;
  RlConclusion *to_verify;        /* verification: the identification under verification;
                                   * dispute: the identification a verifier disagreed with */

  /* The print open beside the probe: a candidate (index >= 0) or a
   * hand-picked sample (index -1, other_sample_id set). */
  int           current;
  gint64        other_sample_id;
  RlImage      *other_image;
  RlTemplate   *other_template;
  RlComparison *comparison_result;
  gint64        shown_sample_id;  /* the sample on the right of the comparison now */

  /* The extractor's output per sample (gint64 sample id → RlExtraction*),
   * for the quality map, enhanced image and skeleton layers. Extraction
   * runs in a GTask thread so opening a comparison never waits for it. */
  GHashTable   *extractions;
  GHashTable   *extracting;       /* sample ids whose extraction is running */
  GHashTable   *layer_errors;     /* sample id → why it has no layers */
  GCancellable *cancellable;

  /* Layers shown on every print of the review (properties, actions). */
  gboolean      show_minutiae;
  gboolean      show_singularities;
  gboolean      show_quality;
  gboolean      show_enhanced;
  gboolean      show_skeleton;

  /* template children */
  AdwToastOverlay  *toast_overlay;
  GtkLabel         *title_label;
  GtkLabel         *stage_label;
  GtkLabel         *revised_label;
  GtkButton        *identity_button;
  GtkButton        *export_button;
  GtkCheckButton   *of_value_check;
  GtkCheckButton   *minutiae_check;
  GtkCheckButton   *singularities_check;
  GtkTextView      *notes_view;
  GtkButton        *analysis_button;
  GtkLabel         *analysis_status;
  GtkWidget        *candidates_box;
  GtkLabel         *candidates_heading;
  GtkColumnView    *candidate_list;
  GtkLabel         *conclusion_heading;
  GtkLabel         *target_label;
  GtkToggleButton  *identification_button;
  GtkToggleButton  *exclusion_button;
  GtkToggleButton  *inconclusive_button;
  GtkEntry         *reasons_entry;
  GtkEntry         *conclusion_notes_entry;
  GtkButton        *conclude_button;
  GtkLabel         *error_label;
  GtkLabel         *history_heading;
  GtkLabel         *history_label;
  GtkStack         *print_stack;
  RlPrintView      *probe_view;
  RlComparisonView *comparison;
  GtkScale         *pairs_scale;
  GtkAdjustment    *pairs_adjustment;
  GtkLabel         *score_label;
  GtkToggleButton  *link_button;
  GtkLabel         *layers_status;
  GtkSpinner       *layers_spinner;
};

void     _rl_review_view_class_actions_init (RlReviewViewClass *klass);
void     _rl_review_view_add_shortcuts      (RlReviewView *self);
void     _rl_review_view_update_actions     (RlReviewView *self);
/* Shows an error under the controls and in a toast. */
void     _rl_review_view_show_error         (RlReviewView *self, const GError *error);
void     _rl_review_view_toast              (RlReviewView *self, const char *text);
RlDecision _rl_review_view_get_chosen_decision (RlReviewView *self);
/* The identity picker (search an identity's prints by hand). */
void     _rl_review_view_pick_identity      (RlReviewView *self);
void     _rl_review_view_choose_chart_file  (RlReviewView *self);
/* Whether an extraction for the layers is still running. */
gboolean _rl_review_view_get_extracting     (RlReviewView *self);

G_END_DECLS
