#define G_LOG_DOMAIN "rl-quality"

/* Local and overall print quality. A block is good when its ridges are
 * clear (the Gabor response explains the normalised image), regular (high
 * orientation coherence, a measurable ridge period) and contrasted. */

#include <math.h>

#include "rl-cv.h"
#include "rl-extract-private.h"

static float
ramp (float v, float lo, float hi)
{
  return CLAMP ((v - lo) / (hi - lo), 0.0f, 1.0f);
}

void
rl_quality_blocks (RlExtractCtx *c)
{
  int bw = c->bw, bh = c->bh, nb = bw * bh;
  g_autofree float *qf = g_new0 (float, nb);
  g_autofree float *wf = g_new0 (float, nb);

  c->bquality = g_new0 (uint8_t, (gsize) nb);
  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        int k = by * bw + bx;
        double sne = 0, snn = 0, see = 0;
        int dark = 0, all = 0;
        float clarity, q, median_dev, balance;
        if (!c->bmask[k])
          continue;
        /* Correlation between the normalised image and its enhancement. */
        for (int y = by * RL_BLOCK; y < MIN (c->h, (by + 1) * RL_BLOCK); y++)
          for (int x = bx * RL_BLOCK; x < MIN (c->w, (bx + 1) * RL_BLOCK); x++)
            {
              gsize i = (gsize) y * c->w + x;
              float nv = c->norm[i], ev = c->enh[i];
              sne += nv * ev;
              dark += nv > 0;
              all++;
              snn += nv * nv;
              see += ev * ev;
            }
        clarity = (snn > 0 && see > 0) ? (float) (sne / sqrt (snn * see)) : 0;
        median_dev = c->period_raw[k] > 0 ? fabsf (c->period_raw[k] - c->period[k]) / c->period[k] : 1;
        q = 0.45f * ramp (clarity, 0.25f, 0.8f)
          + 0.35f * ramp (c->coherence[k], 0.15f, 0.7f)
          + 0.20f * (1 - ramp (median_dev, 0.1f, 0.4f));
        q *= 0.5f + 0.5f * ramp (c->contrast[k], 4.0f, 20.0f);
        /* Ridges and valleys about equally wide in a good impression; an
         * over-pressed one has wide ridges and thin valleys, a dry one the
         * reverse. */
        balance = (float) dark / MAX (all, 1);
        q *= 1.0f - 0.5f * ramp (fabsf (balance - 0.5f), 0.15f, 0.3f);
        qf[k] = 100 * q;
        wf[k] = 1;
      }

  /* One 8 × 8 block is too small to judge: average over about three
   * blocks, within the print only. */
  rl_cv_gaussian_blur_f32 (qf, bw, bh, 1.2, NULL, 0);
  rl_cv_gaussian_blur_f32 (wf, bw, bh, 1.2, NULL, 0);
  for (int k = 0; k < nb; k++)
    if (c->bmask[k])
      c->bquality[k] = (uint8_t) CLAMP (lrintf (qf[k] / MAX (wf[k], 1e-3f)), 0, 100);
}

int
rl_quality_score (RlExtractCtx *c)
{
  int nb = c->bw * c->bh, nfg = 0;
  double sum = 0, area;

  for (int k = 0; k < nb; k++)
    if (c->bmask[k])
      {
        nfg++;
        sum += c->bquality[k];
      }
  if (nfg == 0)
    return 0;
  /* A small print area holds fewer minutiae: it is worth less. About
   * 220 × 220 pixels is a full plain impression's useful core. */
  area = MIN (1.0, sqrt ((double) nfg * RL_BLOCK * RL_BLOCK / (220.0 * 220.0)));
  return (int) CLAMP (lrint (sum / nfg * area), 0, 100);
}
