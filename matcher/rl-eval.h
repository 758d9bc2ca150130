/* rl-eval.h — accuracy evaluation with the FVC protocol.
 *
 * Folder layout: FINGER_IMPRESSION.ext (101_1.tif … 110_8.tif), images or
 * templates. Genuine comparisons: every pair of impressions of one finger.
 * Impostor comparisons: the first impression of each finger against the
 * first impression of every other finger (FVC), or every impression against
 * every impression of the other fingers (all-pairs). Error rates follow the
 * FVC definitions (Maio et al., FVC2000). */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

typedef struct {
  guint  n_genuine;
  guint  n_impostor;
  double eer;              /* equal error rate, 0..1 (FVC: middle of [low, high]) */
  double eer_low, eer_high;
  float  eer_threshold;
  double fnmr_at_fmr_1;    /* lowest FNMR among thresholds with FMR ≤ 1 % */
  double fnmr_at_fmr_01;   /* … FMR ≤ 0.1 % */
  double zero_fmr;         /* FNMR at the lowest threshold with no false match */
} RlErrorRates;

/* Error rates from genuine and impostor score lists (higher = more alike). */
void rl_error_rates_compute (const float *genuine, guint n_genuine,
                             const float *impostor, guint n_impostor,
                             RlErrorRates *out);

/* FMR and FNMR at every distinct threshold, FMR falling: the DET curve.
 * Returns the number of points; *fmr, *fnmr, *threshold are newly allocated. */
guint rl_det_curve (const float *genuine, guint n_genuine,
                    const float *impostor, guint n_impostor,
                    double **fmr, double **fnmr, float **threshold);

typedef struct _RlEvaluation RlEvaluation;

typedef enum {
  RL_EVAL_IMPOSTORS_FVC = 0,   /* first impression vs first impression */
  RL_EVAL_IMPOSTORS_ALL = 1,   /* every impression vs every other finger's */
} RlEvalImpostors;

/* Loads a folder of FINGER_IMPRESSION files as templates. Images are read
 * at `ppi` (0: 500) and their minutiae extracted; files that already are
 * templates (ISO/IEC 19794-2, ANSI 378, Ridgeline's own) are read as such
 * when `templates` is TRUE. Fails naming the file that could not be read. */
RlEvaluation *rl_evaluation_new_from_folder (const char *folder, int ppi, gboolean templates, GError **error);
/* From templates already in memory: finger[i], impression[i] label tpl[i]. */
RlEvaluation *rl_evaluation_new (RlTemplate **templates, const guint *finger, const guint *impression, guint n);
void          rl_evaluation_free (RlEvaluation *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlEvaluation, rl_evaluation_free)

guint  rl_evaluation_get_n_templates (RlEvaluation *ev);
guint  rl_evaluation_get_n_fingers (RlEvaluation *ev);
double rl_evaluation_get_extraction_ms (RlEvaluation *ev);    /* mean per image (wall clock, loading included), 0 for templates */
double rl_evaluation_get_extraction_cpu_ms (RlEvaluation *ev); /* the same in CPU time of all threads */
/* Templates in finger, then impression order. */
const RlTemplate *rl_evaluation_get_template (RlEvaluation *ev, guint index);
guint  rl_evaluation_get_finger (RlEvaluation *ev, guint index);
guint  rl_evaluation_get_impression (RlEvaluation *ev, guint index);

/* Runs the comparisons. Fills the rates; the score lists stay available. */
void rl_evaluation_run (RlEvaluation *ev, RlEvalImpostors impostors, RlErrorRates *rates);
/* Comparisons per second of CPU time, one thread, templates prepared. */
double       rl_evaluation_get_comparisons_per_second (RlEvaluation *ev);
const float *rl_evaluation_get_genuine  (RlEvaluation *ev, guint *n);
const float *rl_evaluation_get_impostor (RlEvaluation *ev, guint *n);
/* Names "101_1 101_2" of the pair behind each score. */
const char  *rl_evaluation_get_genuine_label  (RlEvaluation *ev, guint k);
const char  *rl_evaluation_get_impostor_label (RlEvaluation *ev, guint k);

/* Accuracy by quality bucket. A pair belongs to the bucket of the LOWER of
 * its two prints' qualities (the template's 0–100 score): a comparison is
 * only as good as its worse print, and that print is what routes a search to
 * an examiner. Buckets are given by their lowest quality, ascending; the
 * default (NULL) is poor < 40 ≤ fair < 60 ≤ good < 80 ≤ excellent. */
#define RL_EVAL_MAX_QUALITY_BUCKETS 8

typedef struct {
  char   name[24];          /* "poor", "fair", "good", "excellent" or "quality ≥ N" */
  int    min_quality;       /* the bucket holds pairs with min_quality ≤ q < max_quality */
  int    max_quality;       /* 101 for the last bucket */
  guint  n_genuine;
  guint  n_impostor;
  double mean_genuine;      /* NAN when the bucket has no such pair */
  double mean_impostor;
  /* Within the bucket: its genuine pairs against its impostor pairs
   * (rates.eer is 0 and rates.fnmr_at_fmr_1 is 1 when either list is empty). */
  RlErrorRates rates;
  /* The bucket's genuine pairs that fall below the one threshold where ALL
   * impostor pairs (every bucket) give FMR ≤ 1 %: what a single operating
   * point does to this bucket. NAN without genuine pairs. */
  double fnmr_at_global_fmr_1;
} RlEvalQualityBucket;

/* The default bucket boundaries: { 0, 40, 60, 80 }. */
const int *rl_eval_default_quality_buckets (guint *n);
/* Fills out[0 .. n_buckets) from the last rl_evaluation_run's scores.
 * `min_quality`: ascending lowest quality of each bucket, the first one 0
 * (NULL = the default buckets); n_buckets ≤ RL_EVAL_MAX_QUALITY_BUCKETS.
 * Returns the number of buckets filled. */
guint rl_evaluation_get_quality_buckets (RlEvaluation *ev, const int *min_quality, guint n_buckets,
                                         RlEvalQualityBucket *out);
/* The lower of the two prints' qualities behind each score. */
guint rl_evaluation_get_genuine_quality  (RlEvaluation *ev, guint k);
guint rl_evaluation_get_impostor_quality (RlEvaluation *ev, guint k);

/* Writes genuine.csv, impostor.csv, det.csv, det.svg, det.png and
 * quality.csv (the default quality buckets) in `folder`. */
gboolean rl_evaluation_write (RlEvaluation *ev, const char *folder, const char *title, GError **error);

G_END_DECLS
