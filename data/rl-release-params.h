/* rl-release-params.h — the parameters of a matcher release, parsed.
 *
 * A release (matcher_release.parameters, JSON) says how the automated
 * search decides: the thresholds that route a search to an automatic
 * match, an automatic no-match or an examiner, per-quality-bucket match
 * thresholds, the comparison's weights and tolerances, and the score → FMR
 * calibration measured with those weights. Tuning writes them; every
 * automated search reads the active release's.
 */
#pragma once

#include <glib.h>

#include "rl-compare.h"
#include "rl-store.h"

G_BEGIN_DECLS

#define RL_RELEASE_MAX_BUCKETS     4
#define RL_RELEASE_MAX_CALIBRATION 32

typedef struct {
  float    match_threshold;        /* best score ≥ this: automatic match */
  float    no_match_threshold;     /* best score < this: automatic no-match */
  int      quality_threshold;      /* probe quality below this: to examiners */
  guint    max_candidates;
  gboolean prefilter;
  /* Match thresholds for pairs whose poorer print is at least min_quality
   * (ascending); a pair below every bucket uses match_threshold. */
  guint    n_buckets;
  struct { int min_quality; float match_threshold; } buckets[RL_RELEASE_MAX_BUCKETS];
  RlCompareParams compare;
  /* Score → FMR measured by tuning with these weights (ascending scores,
   * falling FMR); none = the matcher's own calibration. */
  guint    n_calibration;
  struct { float score; double fmr; } calibration[RL_RELEASE_MAX_CALIBRATION];
} RlReleaseParams;

/* The matcher's defaults: thresholds for FMR 1e-5 (match) and 1e-3 (no
 * match), quality threshold 55, 20 candidates, pre-filter on. */
void     rl_release_params_init_default (RlReleaseParams *params);
/* Missing keys keep their default; a key of the wrong type or out of range
 * is an error naming it. */
gboolean rl_release_params_parse        (const char *json, RlReleaseParams *params, GError **error);
char    *rl_release_params_to_json      (const RlReleaseParams *params);
float    rl_release_params_match_threshold_for (const RlReleaseParams *params, int probe_quality,
                                                int candidate_quality);
double   rl_release_params_score_to_fmr (const RlReleaseParams *params, float score);
/* The active release's parameters (defaults and id 0 when no release is
 * active yet). */
gboolean rl_store_get_active_release_params (RlStore *store, RlReleaseParams *out, gint64 *out_release_id,
                                             GError **error);

G_END_DECLS
