#define G_LOG_DOMAIN "rl-enhance"

/* Image conditioning: contrast normalisation, orientation field,
 * segmentation, ridge period, contextual Gabor filtering, binarisation and
 * thinning. Everything works at 500 ppi. */

#include <math.h>
#include <string.h>

#include "rl-cv.h"
#include "rl-extract-private.h"

/* Contrast normalisation window (pixels, odd): about two ridge periods, so
 * every window holds ridge and valley. */
#define NORM_WINDOW 17
/* Below this local grey standard deviation a region is treated as flat:
 * normalising it would only amplify sensor noise. */
#define MIN_STD 6.0f

/* Gabor filter bank: quantised orientations and periods. */
#define GABOR_ORIENTATIONS 32
#define GABOR_PERIOD_MIN 5
#define GABOR_PERIOD_MAX 15
#define GABOR_RADIUS 7
#define GABOR_SIZE (2 * GABOR_RADIUS + 1)

/* Ridge specks and valley pin-holes smaller than this are noise. A ridge
 * period is about 9 pixels: 32 pixels is a blob under half a period wide and
 * under a period long, such as an open pore or the gap a dry print leaves in
 * a ridge; kept, each becomes a lake or a short ridge, i.e. two false
 * minutiae. (16 left many pores in; 24–40 gave the same accuracy on the
 * tuning sets, 32 is the middle of that range.) */
#define SPECK_PIXELS 32
/* Half-width in blocks of the window of the "flow" coherence: 7 × 7 blocks,
 * 56 pixels, about six ridge periods. */
#define FLOW_R 3

static void
blur_or_die (float *data, int w, int h, double sigma)
{
  char err[256];
  if (rl_cv_gaussian_blur_f32 (data, w, h, sigma, err, sizeof err) != 0)
    g_critical ("Gaussian blur failed: %s", err);
}

static void
box_or_die (float *data, int w, int h, int k)
{
  char err[256];
  if (rl_cv_box_blur_f32 (data, w, h, k, err, sizeof err) != 0)
    g_critical ("box blur failed: %s", err);
}

void
rl_enhance_normalise (RlExtractCtx *c)
{
  gsize n = (gsize) c->w * c->h;
  g_autofree float *mean = g_new (float, n);
  g_autofree float *sq = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    {
      float v = c->grey[i];
      mean[i] = v;
      sq[i] = v * v;
    }
  box_or_die (mean, c->w, c->h, NORM_WINDOW);
  box_or_die (sq, c->w, c->h, NORM_WINDOW);

  c->norm = g_new (float, n);
  c->contrast = g_new0 (float, (gsize) c->bw * c->bh);
  for (int y = 0; y < c->h; y++)
    for (int x = 0; x < c->w; x++)
      {
        gsize i = (gsize) y * c->w + x;
        float var = sq[i] - mean[i] * mean[i];
        float sd = var > 0 ? sqrtf (var) : 0;
        float v = (mean[i] - c->grey[i]) / MAX (sd, MIN_STD);
        c->norm[i] = CLAMP (v, -2.5f, 2.5f);
        c->contrast[(y / RL_BLOCK) * c->bw + x / RL_BLOCK] += sd;
      }
  for (int b = 0; b < c->bw * c->bh; b++)
    c->contrast[b] /= RL_BLOCK * RL_BLOCK;  /* edge blocks are partial: slightly low, harmless */
}

/* Orientation from the smoothed gradient tensor (the doubled-angle average
 * of gradients), computed per block over a 3 × 3 block window and then
 * smoothed as a vector field so that noise and scars do not flip it. */
void
rl_enhance_orientation (RlExtractCtx *c)
{
  int bw = c->bw, bh = c->bh, nb = bw * bh;
  g_autofree float *gxx = g_new0 (float, nb);
  g_autofree float *gyy = g_new0 (float, nb);
  g_autofree float *gxy = g_new0 (float, nb);
  g_autofree float *vx = g_new0 (float, nb);
  g_autofree float *vy = g_new0 (float, nb);
  g_autofree float *p = g_memdup2 (c->norm, sizeof (float) * c->w * c->h);
  int w = c->w;

  /* Pores, sensor noise and dust would otherwise dominate the gradients;
   * a ridge period is about 9 pixels, so this keeps the ridges. */
  blur_or_die (p, c->w, c->h, 1.2);

  for (int y = 1; y < c->h - 1; y++)
    {
      const float *r0 = p + (gsize) (y - 1) * w, *r1 = p + (gsize) y * w, *r2 = p + (gsize) (y + 1) * w;
      int brow = (y / RL_BLOCK) * bw;
      for (int x = 1; x < w - 1; x++)
        {
          float gx = (r0[x + 1] + 2 * r1[x + 1] + r2[x + 1]) - (r0[x - 1] + 2 * r1[x - 1] + r2[x - 1]);
          float gy = (r2[x - 1] + 2 * r2[x] + r2[x + 1]) - (r0[x - 1] + 2 * r0[x] + r0[x + 1]);
          int b = brow + x / RL_BLOCK;
          gxx[b] += gx * gx;
          gyy[b] += gy * gy;
          gxy[b] += gx * gy;
        }
    }

  c->energy = g_new0 (float, nb);
  c->coherence = g_new0 (float, nb);
  c->flow = g_new0 (float, nb);
  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        float a = 0, b = 0, d = 0;
        for (int j = MAX (0, by - 1); j <= MIN (bh - 1, by + 1); j++)
          for (int i = MAX (0, bx - 1); i <= MIN (bw - 1, bx + 1); i++)
            {
              a += gxx[j * bw + i];
              b += gyy[j * bw + i];
              d += gxy[j * bw + i];
            }
        int k = by * bw + bx;
        float num = sqrtf ((a - b) * (a - b) + 4 * d * d);
        c->coherence[k] = (a + b) > 1e-6f ? num / (a + b) : 0;
        c->energy[k] = (gxx[k] + gyy[k]) / (RL_BLOCK * RL_BLOCK);
        vx[k] = a - b;
        vy[k] = 2 * d;
      }

  /* The same measure over a 56-pixel window (about six ridge periods):
   * ridges keep one direction that far, so a print stays coherent, while
   * noise of any grain loses its chance alignments as the window grows.
   * rl_extract tells a print from noise with it. */
  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        float a = 0, b = 0, d = 0;
        for (int j = MAX (0, by - FLOW_R); j <= MIN (bh - 1, by + FLOW_R); j++)
          for (int i = MAX (0, bx - FLOW_R); i <= MIN (bw - 1, bx + FLOW_R); i++)
            {
              a += gxx[j * bw + i];
              b += gyy[j * bw + i];
              d += gxy[j * bw + i];
            }
        c->flow[by * bw + bx] = (a + b) > 1e-6f ? sqrtf ((a - b) * (a - b) + 4 * d * d) / (a + b) : 0;
      }

  /* Smooth the doubled-angle field: about 2.5 ridge periods. */
  blur_or_die (vx, bw, bh, 1.6);
  blur_or_die (vy, bw, bh, 1.6);

  c->orient = g_new (float, nb);
  for (int k = 0; k < nb; k++)
    {
      /* The gradient is across the ridges; the ridge runs at a right angle. */
      float grad = 0.5f * atan2f (vy[k], vx[k]);
      c->orient[k] = rl_wrap_pi (grad + (float) G_PI_2);
    }
}

static void
bmask_morph (uint8_t *m, int bw, int bh, gboolean dilate)
{
  g_autofree uint8_t *src = g_memdup2 (m, (gsize) bw * bh);
  for (int y = 0; y < bh; y++)
    for (int x = 0; x < bw; x++)
      {
        int any = 0, all = 1;
        for (int j = y - 1; j <= y + 1; j++)
          for (int i = x - 1; i <= x + 1; i++)
            {
              int v = (j >= 0 && j < bh && i >= 0 && i < bw) ? src[j * bw + i] : 0;
              any |= v;
              all &= v;
            }
        m[y * bw + x] = dilate ? any : all;
      }
}

/* Labels 4-connected components of value `val`; returns the number of
 * labels; labels[] gets 1..n, sizes[] (caller frees) their sizes. */
static int
label_components (const uint8_t *m, int bw, int bh, uint8_t val, int *labels, int **sizes)
{
  int n = 0;
  g_autofree int *stack = g_new (int, (gsize) MAX (bw * bh, 1));
  GArray *sz = g_array_new (FALSE, TRUE, sizeof (int));
  int zero = 0;

  g_array_append_val (sz, zero);
  memset (labels, 0, sizeof (int) * bw * bh);
  for (int s = 0; s < bw * bh; s++)
    {
      int top = 0, count = 0;
      if (m[s] != val || labels[s])
        continue;
      n++;
      labels[s] = n;
      stack[top++] = s;
      while (top > 0)
        {
          int k = stack[--top], x = k % bw, y = k / bw;
          int nbr[4] = { x > 0 ? k - 1 : -1, x < bw - 1 ? k + 1 : -1, y > 0 ? k - bw : -1, y < bh - 1 ? k + bw : -1 };
          count++;
          for (int t = 0; t < 4; t++)
            if (nbr[t] >= 0 && m[nbr[t]] == val && !labels[nbr[t]])
              {
                labels[nbr[t]] = n;
                stack[top++] = nbr[t];
              }
        }
      g_array_append_val (sz, count);
    }
  *sizes = (int *) g_array_free (sz, FALSE);
  return n;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

gboolean
rl_enhance_segment (RlExtractCtx *c)
{
  int bw = c->bw, bh = c->bh, nb = bw * bh, nfg = 0;
  g_autofree float *sorted = g_memdup2 (c->contrast, sizeof (float) * nb);
  g_autofree int *labels = g_new (int, nb);
  g_autofree int *sizes = NULL;
  float thr;
  int n, largest = 0;

  if (c->w <= 0 || c->h <= 0 || nb <= 0)
    return FALSE;

  /* The contrast threshold follows the print's own contrast (a light dry
   * print has little), but never below what sensor noise gives. */
  qsort (sorted, nb, sizeof (float), cmp_float);
  thr = MAX (7.0f, 0.2f * sorted[(int) (nb * 0.95)]);

  c->bmask = g_new0 (uint8_t, nb);
  for (int k = 0; k < nb; k++)
    c->bmask[k] = c->contrast[k] > thr && c->coherence[k] > 0.12f;

  /* Opening removes isolated specks, closing bridges small gaps. */
  bmask_morph (c->bmask, bw, bh, FALSE);
  bmask_morph (c->bmask, bw, bh, TRUE);
  bmask_morph (c->bmask, bw, bh, TRUE);
  bmask_morph (c->bmask, bw, bh, FALSE);

  /* Keep the big pieces of print (a smudge or a label is small). */
  n = label_components (c->bmask, bw, bh, 1, labels, &sizes);
  for (int i = 1; i <= n; i++)
    largest = MAX (largest, sizes[i]);
  for (int k = 0; k < nb; k++)
    if (c->bmask[k] && sizes[labels[k]] < largest / 4)
      c->bmask[k] = 0;
  g_clear_pointer (&sizes, g_free);

  /* Fill holes: background components not touching the image border. */
  n = label_components (c->bmask, bw, bh, 0, labels, &sizes);
  {
    g_autofree uint8_t *touches = g_new0 (uint8_t, (gsize) MAX (n, 0) + 1);
    for (int x = 0; x < bw; x++)
      touches[labels[x]] = touches[labels[(bh - 1) * bw + x]] = 1;
    for (int y = 0; y < bh; y++)
      touches[labels[y * bw]] = touches[labels[y * bw + bw - 1]] = 1;
    for (int k = 0; k < nb; k++)
      if (!c->bmask[k] && !touches[labels[k]])
        c->bmask[k] = 1;
  }

  for (int k = 0; k < nb; k++)
    nfg += c->bmask[k];
  /* Less than about a 64 × 64 pixel area holds no usable print. */
  if (nfg < 64)
    return FALSE;

  c->mask = g_new0 (uint8_t, (gsize) c->w * (gsize) c->h);
  for (int y = 0; y < c->h; y++)
    for (int x = 0; x < c->w; x++)
      c->mask[(gsize) y * c->w + x] = c->bmask[(y / RL_BLOCK) * bw + x / RL_BLOCK];

  /* Chessboard distance to the background (or the image edge), two passes. */
  {
    int w = c->w, h = c->h;
    /* (Clamped only to tell the compiler the size is sane.) */
    gsize npx = (gsize) CLAMP (w, 1, 1 << 15) * (gsize) CLAMP (h, 1, 1 << 15);
    uint8_t *d = c->border_dist = g_new (uint8_t, npx);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          gsize i = (gsize) y * w + x;
          int v;
          if (!c->mask[i] || x == 0 || y == 0 || x == w - 1 || y == h - 1)
            {
              d[i] = 0;
              continue;
            }
          v = MIN (d[i - 1], d[i - w]);
          v = MIN (v, d[i - w - 1]);
          v = MIN (v, d[i - w + 1]);
          d[i] = (uint8_t) MIN (v + 1, 255);
        }
    for (int y = h - 2; y >= 1; y--)
      for (int x = w - 2; x >= 1; x--)
        {
          gsize i = (gsize) y * w + x;
          int v;
          if (d[i] == 0)
            continue;
          v = MIN (d[i + 1], d[i + w]);
          v = MIN (v, d[i + w + 1]);
          v = MIN (v, d[i + w - 1]);
          d[i] = (uint8_t) MIN (d[i], v + 1);
        }
  }
  return TRUE;
}

/* Ridge period per block from the "x-signature": the normalised image
 * averaged along the ridge direction, sampled across it. The period is the
 * lag of the signature's first strong autocorrelation peak: unlike counting
 * peaks, that is not fooled by pores and by the bright specks of an
 * over-pressed print, which split a ridge in two. Blocks where it cannot be
 * measured get a smooth fill from their neighbours. */
void
rl_enhance_period (RlExtractCtx *c)
{
  enum { ACROSS = 40, ALONG = 6, LAG_MIN = 4, LAG_MAX = 16 };
  int bw = c->bw, bh = c->bh, nb = bw * bh, nvalid = 0;
  g_autofree float *num = g_new0 (float, nb);
  g_autofree float *den = g_new0 (float, nb);
  g_autofree float *valid = g_new (float, nb);
  float median = 9.0f;

  c->period_raw = g_new0 (float, nb);
  c->period = g_new0 (float, nb);

  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        int k = by * bw + bx;
        float sig[ACROSS], ac[LAG_MAX + 2];
        float cx = bx * RL_BLOCK + RL_BLOCK / 2.0f, cy = by * RL_BLOCK + RL_BLOCK / 2.0f;
        float ct, st, mean = 0, var = 0, best = -1;
        int lag = -1;

        if (!c->bmask[k])
          continue;
        ct = cosf (c->orient[k]);
        st = sinf (c->orient[k]);
        for (int a = 0; a < ACROSS; a++)
          {
            float off = a - ACROSS / 2.0f, sum = 0;
            int cnt = 0;
            for (int l = -ALONG; l <= ALONG; l++)
              {
                /* across = normal (-sin, cos); along = (cos, sin) */
                int x = (int) lrintf (cx - off * st + l * ct);
                int y = (int) lrintf (cy + off * ct + l * st);
                if (x < 0 || y < 0 || x >= c->w || y >= c->h)
                  continue;
                sum += c->norm[(gsize) y * c->w + x];
                cnt++;
              }
            sig[a] = cnt ? sum / cnt : 0;
            mean += sig[a];
          }
        mean /= ACROSS;
        for (int a = 0; a < ACROSS; a++)
          {
            sig[a] -= mean;
            var += sig[a] * sig[a];
          }
        if (var < 1e-3f)
          continue;
        for (int l = LAG_MIN - 1; l <= LAG_MAX + 1; l++)
          {
            float sum = 0;
            for (int a = 0; a + l < ACROSS; a++)
              sum += sig[a] * sig[a + l];
            ac[l - (LAG_MIN - 1)] = sum / var * ACROSS / (ACROSS - l);
          }
        for (int l = LAG_MIN; l <= LAG_MAX; l++)
          best = MAX (best, ac[l - (LAG_MIN - 1)]);
        /* The first local maximum close to the best one: a multiple of the
         * period correlates as well as the period itself. */
        for (int l = LAG_MIN; l <= LAG_MAX; l++)
          {
            float v = ac[l - (LAG_MIN - 1)], prev = ac[l - LAG_MIN], next = ac[l - LAG_MIN + 2];
            if (v >= prev && v >= next && v >= 0.85f * best)
              {
                /* Parabolic refinement to a fraction of a pixel. */
                float d = prev - 2 * v + next;
                float frac = d < 0 ? 0.5f * (prev - next) / d : 0;
                lag = l;
                if (best > 0.25f)
                  {
                    c->period_raw[k] = l + CLAMP (frac, -0.5f, 0.5f);
                    nvalid++;
                  }
                break;
              }
          }
        (void) lag;
      }

  if (nvalid > 0)
    {
      g_autofree float *vals = g_new (float, nvalid);
      int j = 0;
      for (int k = 0; k < nb; k++)
        if (c->period_raw[k] > 0)
          vals[j++] = c->period_raw[k];
      qsort (vals, nvalid, sizeof (float), cmp_float);
      median = vals[nvalid / 2];
    }

  /* A measured period far from the print's median is more likely a
   * measurement failure (a scar, a crease) than real. */
  for (int k = 0; k < nb; k++)
    {
      float t = c->period_raw[k];
      valid[k] = (t > 0 && fabsf (t - median) < 0.4f * median) ? 1.0f : 0.0f;
      num[k] = valid[k] * t;
      den[k] = valid[k];
    }
  blur_or_die (num, bw, bh, 2.0);
  blur_or_die (den, bw, bh, 2.0);
  for (int k = 0; k < nb; k++)
    {
      float t = den[k] > 0.05f ? num[k] / den[k] : median;
      if (den[k] > 0.05f && den[k] < 0.3f)
        t = (t * den[k] + median * (0.3f - den[k])) / 0.3f;
      c->period[k] = CLAMP (t, (float) GABOR_PERIOD_MIN, (float) GABOR_PERIOD_MAX);
    }
}

typedef struct {
  float k[GABOR_PERIOD_MAX - GABOR_PERIOD_MIN + 1][GABOR_ORIENTATIONS][GABOR_SIZE * GABOR_SIZE];
} GaborBank;

static GaborBank *
gabor_bank (void)
{
  static GaborBank *bank;

  if (g_once_init_enter (&bank))
    {
      GaborBank *b = g_new (GaborBank, 1);
      for (int ti = 0; ti <= GABOR_PERIOD_MAX - GABOR_PERIOD_MIN; ti++)
        for (int oi = 0; oi < GABOR_ORIENTATIONS; oi++)
          {
            float period = (float) (GABOR_PERIOD_MIN + ti);
            float theta = (float) (oi * G_PI / GABOR_ORIENTATIONS);
            /* Narrow across the ridges (frequency selective), long along
             * them (bridges breaks and pores, smooths scars). */
            float sx = 0.45f * period, sy = MIN (0.75f * period, 6.0f);
            float ct = cosf (theta), st = sinf (theta);
            float *k = b->k[ti][oi];
            double sum = 0, wsum = 0, gain = 0;
            for (int dy = -GABOR_RADIUS; dy <= GABOR_RADIUS; dy++)
              for (int dx = -GABOR_RADIUS; dx <= GABOR_RADIUS; dx++)
                {
                  float along = dx * ct + dy * st;
                  float across = -dx * st + dy * ct;
                  float env = expf (-(across * across) / (2 * sx * sx) - (along * along) / (2 * sy * sy));
                  float v = env * cosf ((float) (2 * G_PI) * across / period);
                  k[(dy + GABOR_RADIUS) * GABOR_SIZE + dx + GABOR_RADIUS] = v;
                  sum += v;
                  wsum += env;
                }
            /* No response to flat grey: remove the DC in proportion to the
             * envelope, then scale to unit gain on an ideal ridge pattern. */
            for (int dy = -GABOR_RADIUS; dy <= GABOR_RADIUS; dy++)
              for (int dx = -GABOR_RADIUS; dx <= GABOR_RADIUS; dx++)
                {
                  float along = dx * ct + dy * st;
                  float across = -dx * st + dy * ct;
                  float env = expf (-(across * across) / (2 * sx * sx) - (along * along) / (2 * sy * sy));
                  int i = (dy + GABOR_RADIUS) * GABOR_SIZE + dx + GABOR_RADIUS;
                  k[i] -= (float) (sum / wsum) * env;
                  gain += k[i] * cosf ((float) (2 * G_PI) * across / period);
                }
            for (int i = 0; i < GABOR_SIZE * GABOR_SIZE; i++)
              k[i] = (float) (k[i] / gain);
          }
      g_once_init_leave (&bank, b);
    }
  return bank;
}

#define SUB 4

/* Orientation and period at a point, interpolated bilinearly between block
 * centres (orientation as a doubled-angle vector, so 179° and 1° average
 * to 0°, not 90°). Background blocks do not contribute. */
void
rl_enhance_field_at (const RlExtractCtx *c, float x, float y, float *theta, float *period)
{
  float fx = x / RL_BLOCK - 0.5f, fy = y / RL_BLOCK - 0.5f;
  int bx = (int) floorf (fx), by = (int) floorf (fy);
  float ax = fx - bx, ay = fy - by;
  float vx = 0, vy = 0, tp = 0, wsum = 0;

  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int cx = CLAMP (bx + i, 0, c->bw - 1), cy = CLAMP (by + j, 0, c->bh - 1);
        int k = cy * c->bw + cx;
        float wgt = (i ? ax : 1 - ax) * (j ? ay : 1 - ay);
        if (!c->bmask[k])
          continue;
        vx += wgt * cosf (2 * c->orient[k]);
        vy += wgt * sinf (2 * c->orient[k]);
        tp += wgt * c->period[k];
        wsum += wgt;
      }
  if (wsum <= 0)
    {
      int k = CLAMP ((int) y / RL_BLOCK, 0, c->bh - 1) * c->bw + CLAMP ((int) x / RL_BLOCK, 0, c->bw - 1);
      *theta = c->orient[k];
      *period = c->period[k];
      return;
    }
  *theta = rl_wrap_pi (0.5f * atan2f (vy, vx));
  *period = tp / wsum;
}

void
rl_enhance_gabor (RlExtractCtx *c)
{
  const GaborBank *bank = gabor_bank ();
  int pw = c->w + 2 * GABOR_RADIUS + RL_BLOCK, ph = c->h + 2 * GABOR_RADIUS + RL_BLOCK;
  g_autofree float *pad = g_new0 (float, (gsize) pw * ph);

  for (int y = 0; y < c->h; y++)
    memcpy (pad + (gsize) (y + GABOR_RADIUS) * pw + GABOR_RADIUS, c->norm + (gsize) y * c->w, sizeof (float) * c->w);

  c->enh = g_new0 (float, (gsize) c->w * c->h);
  /* Kernels are chosen per 4 × 4 sub-block from the orientation and period
   * interpolated between block centres: per 8 × 8 block, the output shows
   * seams where the orientation turns fast (around cores and deltas). */
  for (int sy = 0; sy < (c->h + SUB - 1) / SUB; sy++)
    for (int sx = 0; sx < (c->w + SUB - 1) / SUB; sx++)
      {
        int x0 = sx * SUB, y0 = sy * SUB;
        float theta, period;
        int oi, ti;
        const float *kern;
        if (!c->bmask[(y0 / RL_BLOCK) * c->bw + x0 / RL_BLOCK])
          continue;
        rl_enhance_field_at (c, x0 + SUB / 2.0f, y0 + SUB / 2.0f, &theta, &period);
        oi = (int) lrintf (theta / (float) G_PI * GABOR_ORIENTATIONS) % GABOR_ORIENTATIONS;
        ti = CLAMP ((int) lrintf (period) - GABOR_PERIOD_MIN, 0, GABOR_PERIOD_MAX - GABOR_PERIOD_MIN);
        kern = bank->k[ti][oi];
        for (int yy = 0; yy < SUB; yy++)
          {
            int y = y0 + yy;
            float acc[SUB] = { 0 };
            if (y >= c->h)
              break;
            /* Four outputs side by side: the inner loop vectorises. */
            for (int ky = 0; ky < GABOR_SIZE; ky++)
              {
                const float *in = pad + (gsize) (y + ky) * pw + x0;
                const float *kr = kern + ky * GABOR_SIZE;
                for (int kx = 0; kx < GABOR_SIZE; kx++)
                  {
                    float kv = kr[kx];
                    for (int i = 0; i < SUB; i++)
                      acc[i] += kv * in[kx + i];
                  }
              }
            for (int i = 0; i < SUB && x0 + i < c->w; i++)
              c->enh[(gsize) y * c->w + x0 + i] = acc[i];
          }
      }
}

/* Guo–Hall thinning tables, indexed by the 8-neighbourhood
 * (bit 0 = N, then clockwise: NE, E, SE, S, SW, W, NW). */
static uint8_t guo_hall_delete[2][256];
static uint8_t stair_delete[256];

static void
build_tables (void)
{
  static gsize done;

  if (!g_once_init_enter (&done))
    return;
  for (int m = 0; m < 256; m++)
    {
      int p2 = m & 1, p3 = (m >> 1) & 1, p4 = (m >> 2) & 1, p5 = (m >> 3) & 1;
      int p6 = (m >> 4) & 1, p7 = (m >> 5) & 1, p8 = (m >> 6) & 1, p9 = (m >> 7) & 1;
      int C = ((!p2) & (p3 | p4)) + ((!p4) & (p5 | p6)) + ((!p6) & (p7 | p8)) + ((!p8) & (p9 | p2));
      int N1 = (p9 | p2) + (p3 | p4) + (p5 | p6) + (p7 | p8);
      int N2 = (p2 | p3) + (p4 | p5) + (p6 | p7) + (p8 | p9);
      int N = MIN (N1, N2);
      for (int it = 0; it < 2; it++)
        {
          int mm = it == 0 ? ((p6 | p7 | !p9) & p8) : ((p2 | p3 | !p5) & p4);
          guo_hall_delete[it][m] = C == 1 && N >= 2 && N <= 3 && mm == 0;
        }
      /* A staircase corner: the pixel is simple (Yokoi 8-connectivity number
       * 1), not an end, and sits between two orthogonal 4-neighbours. */
      {
        int q[8] = { p2, p3, p4, p5, p6, p7, p8, p9 };   /* N NE E SE S SW W NW */
        int nc = 0, count = 0;
        for (int k = 0; k < 8; k += 2)
          {
            int a = !q[k], b = !q[(k + 1) % 8], d = !q[(k + 2) % 8];
            nc += a - a * b * d;
          }
        for (int k = 0; k < 8; k++)
          count += q[k];
        stair_delete[m] = nc == 1 && count >= 2 && count <= 3 &&
          ((p2 && p4) || (p4 && p6) || (p6 && p8) || (p8 && p2));
      }
    }
  g_once_init_leave (&done, 1);
}

static inline int
neighbourhood (const uint8_t *s, gsize i, int w)
{
  return s[i - w] | (s[i - w + 1] << 1) | (s[i + 1] << 2) | (s[i + w + 1] << 3) |
         (s[i + w] << 4) | (s[i + w - 1] << 5) | (s[i - 1] << 6) | (s[i - w - 1] << 7);
}

/* Flips every connected component of value `val` (8-connected for ridges,
 * 4-connected for valleys) smaller than min_size pixels, inside the mask:
 * specks of ridge and pin-holes in ridges become short ridges and lakes
 * after thinning, i.e. false minutiae. */
static void
remove_small (uint8_t *r, const uint8_t *mask, int w, int h, uint8_t val, int min_size)
{
  gsize n = (gsize) w * h;
  g_autofree uint8_t *seen = g_new0 (uint8_t, n);
  g_autofree int *stack = g_new (int, n);
  g_autofree int *comp = g_new (int, n);
  int conn = val ? 8 : 4;
  static const int ox[8] = { 1, -1, 0, 0, 1, 1, -1, -1 }, oy[8] = { 0, 0, 1, -1, 1, -1, 1, -1 };

  for (gsize s = 0; s < n; s++)
    {
      int top = 0, size = 0;
      gboolean touches_edge = FALSE;
      if (seen[s] || r[s] != val || !mask[s])
        continue;
      seen[s] = 1;
      stack[top++] = (int) s;
      while (top > 0)
        {
          int k = stack[--top], x = k % w, y = k / w;
          comp[size++] = k;
          for (int d = 0; d < conn; d++)
            {
              int nx = x + ox[d], ny = y + oy[d], nk;
              if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                {
                  touches_edge = TRUE;
                  continue;
                }
              nk = ny * w + nx;
              if (!mask[nk])
                touches_edge = TRUE;
              else if (!seen[nk] && r[nk] == val)
                {
                  seen[nk] = 1;
                  stack[top++] = nk;
                }
            }
        }
      if (size < min_size && !touches_edge)
        for (int i = 0; i < size; i++)
          r[comp[i]] = !val;
    }
}

void
rl_enhance_binarise_and_thin (RlExtractCtx *c)
{
  int w = c->w, h = c->h;
  gsize n = (gsize) w * h;
  uint8_t *s;
  g_autoptr(GArray) del = g_array_new (FALSE, FALSE, sizeof (gsize));
  gboolean changed = TRUE;

  build_tables ();

  c->ridge = g_new0 (uint8_t, n);
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      {
        gsize i = (gsize) y * w + x;
        c->ridge[i] = c->mask[i] && c->enh[i] > 0;
      }

  remove_small (c->ridge, c->mask, w, h, 1, SPECK_PIXELS);
  remove_small (c->ridge, c->mask, w, h, 0, SPECK_PIXELS);

  s = c->skel = g_memdup2 (c->ridge, n);
  while (changed)
    {
      changed = FALSE;
      for (int it = 0; it < 2; it++)
        {
          g_array_set_size (del, 0);
          for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++)
              {
                gsize i = (gsize) y * w + x;
                if (s[i] && guo_hall_delete[it][neighbourhood (s, i, w)])
                  g_array_append_val (del, i);
              }
          for (guint k = 0; k < del->len; k++)
            s[g_array_index (del, gsize, k)] = 0;
          changed |= del->len > 0;
        }
    }
  /* Sequential on purpose: each removal is seen by the next pixel, so a
   * 2 × 2 corner loses one pixel, not both. */
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      {
        gsize i = (gsize) y * w + x;
        if (s[i] && stair_delete[neighbourhood (s, i, w)])
          s[i] = 0;
      }
}
