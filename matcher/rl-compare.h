/* rl-compare.h — 1:1 fingerprint comparison.
 *
 * The comparison is invariant to rotation and translation and tolerant of
 * elastic distortion and partial overlap. It works in three steps:
 *
 *  1. every minutia gets a rotation-invariant local descriptor: a bit-coded
 *     "cylinder" that records where its neighbours lie, and in which relative
 *     direction they point, in the minutia's own frame (after Cappelli, Ferrara
 *     and Maltoni's Minutia Cylinder-Code), restricted to the area the print
 *     actually covers so that partial prints are not penalised;
 *  2. the most similar descriptor pairs seed candidate alignments;
 *  3. each seed is consolidated greedily: a pair joins when it lands within a
 *     distance and angle tolerance that grows with its distance from the seed
 *     (skin stretches more far from where it is pressed); the best alignment
 *     is refined by least squares and scored by the number of paired minutiae
 *     relative to the number of minutiae both prints show in their overlap.
 *
 * Scores run from 0 (nothing in common) to 100. They are calibrated: see
 * rl_score_to_fmr() and rl_score_for_fmr().
 */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

/* Indices into each template's minutiae, strongest first. */
typedef struct {
  guint16 probe;
  guint16 candidate;
  float   strength;   /* 0..1: local similarity of the two minutiae */
} RlMinutiaPair;

typedef struct {
  float          score;     /* 0..100 */
  guint          n_pairs;
  RlMinutiaPair *pairs;     /* n_pairs entries, strongest first */
} RlComparison;

float  rl_compare         (const RlTemplate *probe,
                           const RlTemplate *candidate,
                           RlComparison    **out_comparison /* nullable */);
void   rl_comparison_free (RlComparison *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlComparison, rl_comparison_free)

/* The comparison's weights and tolerances, which matcher releases tune
 * (data/rl-release-params.h). The defaults are what the calibration table
 * was measured with: other values shift the score distribution, so a
 * release that changes them carries its own calibration. */
typedef struct {
  float  sim_min;            /* local similarity below this seeds no pairing */
  float  seed_dist_tol;      /* px: pairing tolerance at the seed ... */
  float  seed_dist_growth;   /* ... plus this share of the distance to it */
  double angle_tol;          /* radians: largest direction difference of a pair */
  float  final_dist_tol;     /* px: the same two for the final pairing */
  float  final_dist_growth;
  float  pair_weight_floor;  /* a pair weighs this plus its local similarity */
  float  min_overlap;        /* minutiae in the overlap counted at least this many */
} RlCompareParams;

void  rl_compare_params_init_default (RlCompareParams *params);

/* Estimated false-match rate of a score (the share of impostor comparisons
 * that score at least this much), and the threshold for a target FMR.
 * Measured down to about 1e-4 (see rl-calibration-table.h); below that the
 * tail is extrapolated exponentially, and never below 1e-8. */
double rl_score_to_fmr  (float score);
float  rl_score_for_fmr (double target_fmr);

/* A template prepared for comparison: descriptors computed once, laid out
 * for the comparison's inner loop. rl_compare() prepares both templates on
 * every call; a caller that compares one template many times (1:N search,
 * evaluation) prepares it once with this. */
typedef struct _RlPreparedTemplate RlPreparedTemplate;

RlPreparedTemplate *rl_prepared_template_new  (const RlTemplate *tpl);
void                rl_prepared_template_free (RlPreparedTemplate *prepared);
guint               rl_prepared_template_get_n_minutiae (const RlPreparedTemplate *prepared);
/* Bytes this prepared template occupies in memory. */
gsize               rl_prepared_template_get_size (const RlPreparedTemplate *prepared);
float               rl_compare_prepared (const RlPreparedTemplate *probe,
                                         const RlPreparedTemplate *candidate,
                                         RlComparison            **out_comparison /* nullable */);
/* The same with other weights and tolerances (NULL = the defaults, the
 * same scores as rl_compare_prepared()). */
float               rl_compare_prepared_with (const RlPreparedTemplate *probe,
                                              const RlPreparedTemplate *candidate,
                                              const RlCompareParams    *params /* nullable */,
                                              RlComparison            **out_comparison /* nullable */);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlPreparedTemplate, rl_prepared_template_free)

G_END_DECLS
