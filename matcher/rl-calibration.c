/* rl-calibration.c — from score to estimated false-match rate and back.
 *
 * The table is the impostor score distribution's tail: for each score, the
 * share of impostor comparisons that scored at least that much. It was
 * measured with `ridgeline-cli eval --calibrate` (see docs/benchmarks.md for
 * the command and the data: impostor comparisons between different fingers
 * of the tuning sets only, never the held-out set). Between points the FMR
 * is interpolated in log space; beyond the last point it follows the
 * exponential tail fitted to the last points. */
#define G_LOG_DOMAIN "rl-compare"

#include "rl-compare.h"

#include <math.h>

typedef struct { float score; double fmr; } CalibrationPoint;

#define RL_FMR_FLOOR 1e-8

#include "rl-calibration-table.h"

double
rl_score_to_fmr (float score)
{
  const guint n = G_N_ELEMENTS (calibration);

  if (!(score > calibration[0].score))   /* also catches NaN */
    return 1.0;
  for (guint k = 1; k < n; k++)
    if (score <= calibration[k].score)
      {
        double t = (score - calibration[k - 1].score) / (calibration[k].score - calibration[k - 1].score);
        double l = log (calibration[k - 1].fmr) + t * (log (calibration[k].fmr) - log (calibration[k - 1].fmr));
        return exp (l);
      }
  /* exponential tail: log FMR falls linearly with the score, at the slope
   * of the last few points (the very last ones rest on a handful of
   * impostors: a slope from them alone would be too steep) */
  {
    guint from = n >= 4 ? n - 4 : 0;
    double slope = (log (calibration[n - 1].fmr) - log (calibration[from].fmr))
                   / (calibration[n - 1].score - calibration[from].score);

    /* Beyond the data the tail is a model, not a measurement: stop at a
     * floor rather than promise astronomically small rates. */
    return MAX (exp (log (calibration[n - 1].fmr) + slope * (score - calibration[n - 1].score)), RL_FMR_FLOOR);
  }
}

float
rl_score_for_fmr (double target_fmr)
{
  const guint n = G_N_ELEMENTS (calibration);
  float lo = calibration[0].score, hi = 100.0f;

  if (!(target_fmr < 1.0))
    return calibration[0].score;
  target_fmr = MAX (target_fmr, RL_FMR_FLOOR);
  /* rl_score_to_fmr is monotonic: bisect it. */
  if (rl_score_to_fmr (hi) > target_fmr)
    return hi;
  for (int it = 0; it < 40; it++)
    {
      float mid = 0.5f * (lo + hi);

      if (rl_score_to_fmr (mid) > target_fmr)
        lo = mid;
      else
        hi = mid;
    }
  (void) n;
  return hi;
}
