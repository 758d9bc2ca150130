#define G_LOG_DOMAIN "rl-widgets"

#include "rl-measure.h"

#include <math.h>

double
rl_measure_distance_mm (const RlImage *image,
                        double x0, double y0, double x1, double y1)
{
  int ppi;

  g_return_val_if_fail (image != NULL, 0.0);

  ppi = image->ppi > 0 ? image->ppi : 500;
  return hypot (x1 - x0, y1 - y0) * 25.4 / ppi;
}

/* Bilinear sample; the caller keeps (x, y) inside [0, w-1] × [0, h-1]. */
static float
sample_bilinear (const RlImage *image, double x, double y)
{
  int x0 = (int) floor (x), y0 = (int) floor (y);
  int x1 = MIN (x0 + 1, image->width - 1), y1 = MIN (y0 + 1, image->height - 1);
  float fx = (float) (x - x0), fy = (float) (y - y0);
  const uint8_t *row0 = image->pixels + (gsize) y0 * image->width;
  const uint8_t *row1 = image->pixels + (gsize) y1 * image->width;
  float top = row0[x0] * (1 - fx) + row0[x1] * fx;
  float bottom = row1[x0] * (1 - fx) + row1[x1] * fx;

  return top * (1 - fy) + bottom * fy;
}

/* Counts runs of "dark" samples that lie strictly inside the profile: a run
 * touching the first or last sample is the ridge under an end point. Runs
 * separated by less than min_gap samples are one ridge (a skeleton crossed
 * at a slant, a pore inside a ridge). */
static int
count_inner_runs (const gboolean *dark, int n, int min_gap)
{
  int count = 0, i = 0;

  /* Skip the ridge under the first end point. */
  while (i < n && dark[i])
    i++;
  while (i < n)
    {
      int gap;

      while (i < n && !dark[i])
        i++;
      if (i >= n)
        break;
      for (;;)
        {
          while (i < n && dark[i])
            i++;
          gap = 0;
          while (i + gap < n && !dark[i + gap] && gap < min_gap)
            gap++;
          if (i + gap < n && gap < min_gap && dark[i + gap])
            {
              i += gap;
              continue;
            }
          break;
        }
      if (i >= n)
        break;          /* the run reaches the last point: not counted */
      count++;
    }
  return count;
}

int
rl_measure_ridge_count (const RlImage *image,
                        gboolean       is_skeleton,
                        double x0, double y0, double x1, double y1)
{
  /* Four samples per pixel so a one-pixel skeleton line is never stepped over. */
  const double step = 0.25;
  double length;
  int n, i;
  g_autofree float *profile = NULL;
  g_autofree gboolean *dark = NULL;

  g_return_val_if_fail (image != NULL && image->pixels != NULL, -1);

  if (x0 < 0 || y0 < 0 || x1 < 0 || y1 < 0 ||
      x0 > image->width - 1 || x1 > image->width - 1 ||
      y0 > image->height - 1 || y1 > image->height - 1)
    return -1;
  length = hypot (x1 - x0, y1 - y0);
  if (length < 1.0)
    return -1;

  n = (int) ceil (length / step) + 1;
  profile = g_new (float, n);
  dark = g_new0 (gboolean, n);
  for (i = 0; i < n; i++)
    {
      double t = (double) i / (n - 1);
      double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);

      if (is_skeleton)
        {
          int px = (int) floor (x + 0.5), py = (int) floor (y + 0.5);
          profile[i] = image->pixels[(gsize) MIN (py, image->height - 1) * image->width + MIN (px, image->width - 1)];
        }
      else
        profile[i] = sample_bilinear (image, x, y);
    }

  if (is_skeleton)
    {
      for (i = 0; i < n; i++)
        dark[i] = profile[i] < 128;
      /* Crossing a slanted 8-connected line can leave a gap of up to one pixel. */
      return count_inner_runs (dark, n, (int) (1.5 / step));
    }

  {
    /* Adaptive threshold: midway between the darkest and lightest sample
     * within about two ridge periods (≈ 9 px each at 500 ppi), with
     * hysteresis so noise on a ridge flank does not split it. Where the
     * local contrast is tiny there is no ridge structure to count. */
    int half = (int) (9.0 / step);
    gboolean in_ridge = FALSE;

    for (i = 0; i < n; i++)
      {
        int a = MAX (0, i - half), b = MIN (n - 1, i + half), j;
        float lo = 255, hi = 0, mid, hyst;

        for (j = a; j <= b; j++)
          {
            lo = MIN (lo, profile[j]);
            hi = MAX (hi, profile[j]);
          }
        if (hi - lo < 24)
          {
            in_ridge = FALSE;
            continue;
          }
        mid = (lo + hi) / 2;
        hyst = (hi - lo) * 0.12f;
        if (in_ridge && profile[i] > mid + hyst)
          in_ridge = FALSE;
        else if (!in_ridge && profile[i] < mid - hyst)
          in_ridge = TRUE;
        dark[i] = in_ridge;
      }
    return count_inner_runs (dark, n, (int) (1.0 / step));
  }
}
