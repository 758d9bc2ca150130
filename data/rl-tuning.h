/* rl-tuning.h — matcher tuning from examiners' corrections, and the offline
 * evaluation of a release.
 *
 * The labelled set: corrections (a confirmed false match is an impostor pair,
 * a missed match a genuine one) and conclusions with the examiner who reached
 * them (identification = genuine, exclusion = impostor), plus baseline pairs
 * from the workspace's own prints (same identity and finger = genuine,
 * different identities = impostor; identities joined by an unresolved or
 * "same person" multiple-identity link are not used as impostors). The
 * baseline impostor pairs are split in two halves by a hash of the two sample
 * ids, so the split is the same on every run: tuning sees one half, the
 * evaluation measures the false-match rate on the other ("held out").
 *
 * Tuning searches the parameters of the baseline release (the active one):
 * the comparison's weights and tolerances (a coordinate search), then the
 * match thresholds per quality bucket (raised just above the confirmed false
 * matches), the no-match threshold (lowered to recover missed matches while
 * no more tuning impostors reach examiners) and the score calibration. The
 * winner must not raise the false-match rate at the match threshold on the
 * held-out impostors; it becomes a draft release authored by the acting user,
 * linked to the corrections it used, and is evaluated at once.
 *
 * The evaluation report is the release's metrics JSON, in the format of
 * "Tuning report" in notes/CONTRACTS-2.md (DET curves before and after,
 * operating points, corrections fixed and broken, breakdowns by quality
 * bucket, age group, sex and region, pairs nearest the threshold, and past
 * searches re-run with both releases).
 */
#pragma once

#include <gio/gio.h>

#include "rl-store.h"

G_BEGIN_DECLS

/* Where a tuning run or an evaluation is: the share done (0 … 1, never
 * falling) and what it is doing now, in words for the user. Called on the
 * thread that runs rl_tuning_run / rl_tuning_evaluate, a few hundred times
 * at most; the last call says 1.0 once the result is stored. */
typedef void (*RlTuningProgressFunc) (double fraction, const char *what, gpointer user_data);

typedef struct {
  const char *name;            /* of the draft; NULL: "tuned-" + the store's date and time */
  guint       max_samples;     /* prints used for baseline pairs; 0: 300 */
  guint       max_impostors;   /* baseline impostor pairs (both halves); 0: 3000 */
  guint       max_trials;      /* comparison settings tried; 0: 17 (the baseline and each weight/tolerance down and up) */
  guint       rerun_searches;  /* past searches re-run for the report; 0: 20 */
  RlTuningProgressFunc progress;   /* nullable */
  gpointer             progress_data;
  /* Checked after every progress report and between steps (nullable).
   * Cancelled: the call fails with G_IO_ERROR_CANCELLED and writes nothing
   * (no release row, no report, no audit entry). */
  GCancellable        *cancellable;
} RlTuningOptions;

/* The headline figures, for a command line or a page. */
typedef struct {
  gint64 release_id;           /* the draft (rl_tuning_run) or the evaluated release */
  gint64 baseline_release_id;
  guint  n_genuine, n_impostor, n_held_out;
  guint  n_false_matches, n_false_matches_fixed;
  guint  n_missed_matches, n_missed_matches_fixed;
  guint  n_broken;
  guint  n_trials;             /* settings compared (rl_tuning_run) */
  float  threshold_before, threshold_after;   /* global match threshold */
  double fmr_before, fmr_after;               /* at the match threshold, held-out impostors */
  double fnmr_before, fnmr_after;             /* at the match threshold, genuine pairs */
  guint  n_searches_rerun, n_searches_changed;
} RlTuningSummary;

/* Tunes, creates the draft (author: the acting user, who must be a
 * supervisor), links the corrections, evaluates it and stores the report.
 * Returns the draft's id, 0 on error (nothing half-written). */
gint64   rl_tuning_run      (RlStore *store, const RlTuningOptions *options, RlTuningSummary *out_summary,
                             GError **error);

/* Evaluates a draft (or re-evaluates an evaluated release) against the
 * release it is based on (else the active one) and stores the report with
 * rl_store_set_release_evaluated. options may be NULL. */
gboolean rl_tuning_evaluate (RlStore *store, gint64 release_id, const RlTuningOptions *options,
                             RlTuningSummary *out_summary, GError **error);

/* The stored report of an evaluated release as a PDF: the DET curves before
 * and after on one plot, the operating points, the corrections, the
 * breakdowns, the pairs nearest the threshold and the re-run searches. */
gboolean rl_tuning_write_report_pdf (RlStore *store, gint64 release_id, const char *path, GError **error);

G_END_DECLS
