/* The synthetic fingerprint generator: determinism, ground truth that a
 * measurement on the image agrees with, plausible images. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-extract.h"
#include "rl-synth.h"

#define DEG(r) ((r) * 180.0 / G_PI)

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values, double q)
{
  g_array_sort (values, cmp_double);
  g_assert_cmpuint (values->len, >, 0);
  return g_array_index (values, double, (guint) (q * (values->len - 1)));
}

/* Growing a finger's ridges is the costly step (most of all under the
 * sanitizers): the tests share a few fingers, each grown once. */
static GHashTable *shared_fingers;

static const RlSynthFinger *
shared_finger (guint64 seed)
{
  RlSynthFinger *f;

  if (shared_fingers == NULL)
    shared_fingers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) rl_synth_finger_free);
  f = g_hash_table_lookup (shared_fingers, &seed);
  if (f == NULL)
    {
      f = rl_synth_finger_new (seed, (RlFingerPosition) (seed % 10 + 1));
      g_hash_table_insert (shared_fingers, g_memdup2 (&seed, sizeof seed), f);
    }
  return f;
}

static void
test_deterministic (void)
{
  const RlSynthFinger *a = shared_finger (100);
  g_autoptr(RlSynthFinger) b = rl_synth_finger_new (100, (RlFingerPosition) (100 % 10 + 1));
  const RlSynthFinger *other = shared_finger (101);
  RlSynthImpression imp, imp2;
  g_autoptr(RlImage) ia = NULL;
  g_autoptr(RlImage) ib = NULL;
  g_autoptr(RlImage) io = NULL;
  g_autoptr(GError) error = NULL;

  rl_synth_impression_random (7, &imp);
  rl_synth_impression_random (7, &imp2);
  g_assert_cmpmem (&imp, sizeof imp, &imp2, sizeof imp2);

  ia = rl_synth_render (a, &imp, &error);
  g_assert_no_error (error);
  ib = rl_synth_render (b, &imp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ia->width, ==, RL_SYNTH_WIDTH);
  g_assert_cmpint (ia->height, ==, RL_SYNTH_HEIGHT);
  g_assert_cmpint (ia->ppi, ==, 500);
  g_assert_cmpmem (ia->pixels, ia->width * ia->height, ib->pixels, ib->width * ib->height);

  io = rl_synth_render (other, &imp, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (ia->pixels, io->pixels, (gsize) ia->width * ia->height) != 0);
}

static void
test_bad_impression (void)
{
  g_autoptr(RlSynthFinger) f = rl_synth_finger_new (1, RL_FINGER_UNKNOWN);
  RlSynthImpression imp = { .dx = NAN };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) img = rl_synth_render (f, &imp, &error);

  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "dx"));
}

/* Smoothed gradient orientation of a block (ridge direction, y up, [0, π)). */
static gboolean
measure_orientation (const RlImage *img, int cx, int cy, int half, double *theta)
{
  double gxx = 0, gyy = 0, gxy = 0;

  for (int y = cy - half; y < cy + half; y++)
    for (int x = cx - half; x < cx + half; x++)
      {
        const guint8 *p = img->pixels + y * img->width + x;
        /* Sobel */
        double gx = (p[-img->width + 1] + 2 * p[1] + p[img->width + 1]) - (p[-img->width - 1] + 2 * p[-1] + p[img->width - 1]);
        double gy = (p[img->width - 1] + 2 * p[img->width] + p[img->width + 1]) - (p[-img->width - 1] + 2 * p[-img->width] + p[-img->width + 1]);
        gy = -gy;   /* y up */
        gxx += gx * gx;
        gyy += gy * gy;
        gxy += gx * gy;
      }
  if (gxx + gyy < 1e-6)
    return FALSE;
  /* Gradient direction is across the ridges: ridges are at +90°. */
  *theta = fmod (0.5 * atan2 (2 * gxy, gxx - gyy) + G_PI / 2 + 2 * G_PI, G_PI);
  return TRUE;
}

/* Ridge period by projecting a window onto the normal of the ridges
 * (x-signature, Hong, Wan and Jain) and averaging the distance between
 * the first and last valley of the signature. */
static gboolean
measure_period (const RlImage *img, double cx, double cy, double theta, double *period)
{
  enum { LEN = 48, WID = 14 };
  double sig[LEN];
  double ux = cos (theta), uy = -sin (theta);   /* along the ridge, image coords */
  double nx = -uy, ny = ux;
  int first = -1, last = -1, count = 0;

  for (int k = 0; k < LEN; k++)
    {
      double s = 0;
      for (int d = -WID / 2; d < WID / 2; d++)
        {
          double x = cx + (k - LEN / 2) * nx + d * ux, y = cy + (k - LEN / 2) * ny + d * uy;
          int ix = (int) lround (x), iy = (int) lround (y);
          if (ix < 0 || iy < 0 || ix >= img->width || iy >= img->height)
            return FALSE;
          s += img->pixels[iy * img->width + ix];
        }
      sig[k] = s / WID;
    }
  /* Peaks = valley centres (bright); count local maxima well above neighbours. */
  for (int k = 2; k < LEN - 2; k++)
    if (sig[k] > sig[k - 1] && sig[k] >= sig[k + 1] && sig[k] > sig[k - 2] && sig[k] >= sig[k + 2])
      {
        if (first < 0)
          first = k;
        last = k;
        count++;
      }
  if (count < 3)
    return FALSE;
  *period = (double) (last - first) / (count - 1);
  return TRUE;
}

static gboolean
far_from_singularities (const RlSynthFinger *f, double x, double y, double dist)
{
  guint n;
  const RlSingularity *s = rl_synth_finger_get_singularities (f, &n);

  for (guint i = 0; i < n; i++)
    if (hypot (s[i].x - x, s[i].y - y) < dist)
      return FALSE;
  return TRUE;
}

static gboolean
well_inside (const RlSynthFinger *f, double x, double y, double margin)
{
  return rl_synth_finger_contains (f, x - margin, y) && rl_synth_finger_contains (f, x + margin, y) &&
         rl_synth_finger_contains (f, x, y - margin) && rl_synth_finger_contains (f, x, y + margin);
}

static void
test_orientation_and_period (void)
{
  g_autoptr(GArray) orient_err = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) period_err = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint64 seed = 100; seed < 103; seed++)
    {
      const RlSynthFinger *f = shared_finger (seed);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlImage) img = rl_synth_render (f, NULL, &error);
      float period = rl_synth_finger_get_ridge_period (f);

      g_assert_no_error (error);
      g_assert_cmpfloat (period, >, 7.5);
      g_assert_cmpfloat (period, <, 12.0);

      for (int y = 40; y < img->height - 40; y += 16)
        for (int x = 40; x < img->width - 40; x += 16)
          {
            double theta, truth, diff, p;
            if (!well_inside (f, x, y, 30) || !far_from_singularities (f, x, y, 35))
              continue;
            truth = rl_synth_finger_orientation_at (f, x, y);
            g_assert_cmpfloat (truth, >=, 0);
            g_assert_cmpfloat (truth, <, G_PI);
            if (measure_orientation (img, x, y, 12, &theta))
              {
                diff = fabs (theta - truth);
                diff = MIN (diff, G_PI - diff);
                g_array_append_val (orient_err, diff);
              }
            if (measure_period (img, x, y, truth, &p))
              {
                double rel = fabs (p - rl_synth_finger_ridge_period_at (f, x, y)) / rl_synth_finger_ridge_period_at (f, x, y);
                g_array_append_val (period_err, rel);
              }
          }
    }

  g_assert_cmpuint (orient_err->len, >, 150);
  g_assert_cmpuint (period_err->len, >, 100);
  g_test_message ("orientation error: median %.1f°, 90th percentile %.1f° over %u blocks",
                  DEG (percentile (orient_err, 0.5)), DEG (percentile (orient_err, 0.9)), orient_err->len);
  g_test_message ("period error: median %.1f %%, 90th percentile %.1f %% over %u blocks",
                  100 * percentile (period_err, 0.5), 100 * percentile (period_err, 0.9), period_err->len);
  g_assert_cmpfloat (DEG (percentile (orient_err, 0.5)), <, 8.0);
  g_assert_cmpfloat (DEG (percentile (orient_err, 0.9)), <, 20.0);
  g_assert_cmpfloat (percentile (period_err, 0.5), <, 0.10);
  g_assert_cmpfloat (percentile (period_err, 0.8), <, 0.20);
}

static void
test_singularities (void)
{
  guint classes[5] = { 0 };

  for (guint64 seed = 1; seed <= 24; seed++)
    {
      g_autoptr(RlSynthFinger) f = rl_synth_finger_new (seed, (RlFingerPosition) (seed % 10 + 1));
      RlSynthClass klass = rl_synth_finger_get_class (f);
      guint n, cores = 0, deltas = 0;
      const RlSingularity *s = rl_synth_finger_get_singularities (f, &n);

      g_assert_cmpint (klass, <=, RL_SYNTH_CLASS_WHORL);
      classes[klass]++;
      for (guint i = 0; i < n; i++)
        {
          g_assert_true (rl_synth_finger_contains (f, s[i].x, s[i].y));
          g_assert_cmpfloat (s[i].x, >, 0);
          g_assert_cmpfloat (s[i].x, <, RL_SYNTH_WIDTH);
          g_assert_cmpfloat (s[i].y, >, 0);
          g_assert_cmpfloat (s[i].y, <, RL_SYNTH_HEIGHT);
          cores += s[i].kind == RL_SINGULARITY_CORE;
          deltas += s[i].kind == RL_SINGULARITY_DELTA;
        }
      switch (klass)
        {
        case RL_SYNTH_CLASS_ARCH:
          g_assert_cmpuint (n, ==, 0);
          break;
        case RL_SYNTH_CLASS_TENTED_ARCH:
        case RL_SYNTH_CLASS_LEFT_LOOP:
        case RL_SYNTH_CLASS_RIGHT_LOOP:
          g_assert_cmpuint (cores, ==, 1);
          g_assert_cmpuint (deltas, <=, 1);
          break;
        case RL_SYNTH_CLASS_WHORL:
          g_assert_cmpuint (cores, ==, 2);
          g_assert_cmpuint (deltas, <=, 2);
          break;
        }
    }
  /* Loops and whorls dominate, as in real populations. */
  g_assert_cmpuint (classes[RL_SYNTH_CLASS_LEFT_LOOP] + classes[RL_SYNTH_CLASS_RIGHT_LOOP], >=, 8);
  g_assert_cmpuint (classes[RL_SYNTH_CLASS_WHORL], >=, 2);
}

/* Pearson correlation between two impressions, pairing pixels through the
 * known transforms, over skin seen in both. */
static double
aligned_correlation (const RlSynthFinger *fa, const RlSynthImpression *a, const RlImage *ia,
                     const RlSynthFinger *fb, const RlSynthImpression *b, const RlImage *ib,
                     guint *n_out)
{
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  guint n = 0;

  for (int y = 0; y < ia->height; y += 2)
    for (int x = 0; x < ia->width; x += 2)
      {
        float fx, fy, bx, by, rx, ry;
        int ix, iy;
        double va, vb;

        rl_synth_impression_to_finger (fa, a, x + 0.5f, y + 0.5f, &fx, &fy);
        if (!rl_synth_finger_contains (fa, fx, fy))
          continue;
        rl_synth_finger_to_impression (fb, b, fx, fy, &bx, &by);
        /* The inverse mapping must be exact. */
        rl_synth_impression_to_finger (fb, b, bx, by, &rx, &ry);
        g_assert_cmpfloat (fabsf (rx - fx), <, 0.05f);
        g_assert_cmpfloat (fabsf (ry - fy), <, 0.05f);
        ix = (int) floorf (bx);
        iy = (int) floorf (by);
        if (ix < 0 || iy < 0 || ix >= ib->width || iy >= ib->height)
          continue;
        va = ia->pixels[y * ia->width + x];
        vb = ib->pixels[iy * ib->width + ix];
        /* Skin in contact in both: darker than the bright background somewhere near. */
        if (va > 225 && vb > 225)
          continue;
        sa += va; sb += vb; saa += va * va; sbb += vb * vb; sab += va * vb;
        n++;
      }
  *n_out = n;
  if (n < 100)
    return 0;
  return (sab - sa * sb / n) / sqrt ((saa - sa * sa / n) * (sbb - sb * sb / n));
}

static void
test_impressions_align (void)
{
  const RlSynthFinger *f = shared_finger (101);
  const RlSynthFinger *g = shared_finger (102);
  RlSynthImpression a = { .dx = 12, .dy = -20, .rotation = 0.15f, .distortion = 0.5f, .pressure = 0.2f, .noise = 0.3f };
  RlSynthImpression b = { .dx = -15, .dy = 18, .rotation = -0.12f, .distortion = 0.6f, .pressure = -0.2f, .noise = 0.3f };
  g_autoptr(RlImage) ia = rl_synth_render (f, &a, NULL);
  g_autoptr(RlImage) ib = rl_synth_render (f, &b, NULL);
  g_autoptr(RlImage) ig = rl_synth_render (g, &b, NULL);
  guint n_same, n_other;
  double same, other;

  g_assert_true (memcmp (ia->pixels, ib->pixels, (gsize) ia->width * ia->height) != 0);
  same = aligned_correlation (f, &a, ia, f, &b, ib, &n_same);
  other = aligned_correlation (f, &a, ia, g, &b, ig, &n_other);
  g_test_message ("aligned correlation: same finger %.2f (%u px), other finger %.2f (%u px)",
                  same, n_same, other, n_other);
  g_assert_cmpuint (n_same, >, 5000);
  g_assert_cmpfloat (same, >, 0.5);
  g_assert_cmpfloat (fabs (other), <, 0.25);
}

static void
test_image_statistics (void)
{
  for (guint64 seed = 100; seed < 104; seed++)
    {
      const RlSynthFinger *f = shared_finger (seed);
      RlSynthImpression imp;
      g_autoptr(RlImage) img = NULL;
      enum { B = 16 };
      guint fg_blocks = 0, blocks = 0, hist[256] = { 0 }, n_fg = 0, acc = 0;
      int lo = -1, hi = -1;

      rl_synth_impression_random (seed, &imp);
      imp.partial = 0;
      img = rl_synth_render (f, &imp, NULL);
      /* Foreground = blocks with ridge/valley contrast. */
      for (int by = 0; by + B <= img->height; by += B)
        for (int bx = 0; bx + B <= img->width; bx += B)
          {
            double s = 0, ss = 0;
            for (int y = by; y < by + B; y++)
              for (int x = bx; x < bx + B; x++)
                {
                  double v = img->pixels[y * img->width + x];
                  s += v;
                  ss += v * v;
                }
            blocks++;
            if (ss / (B * B) - (s / (B * B)) * (s / (B * B)) > 400)
              {
                fg_blocks++;
                for (int y = by; y < by + B; y++)
                  for (int x = bx; x < bx + B; x++)
                    {
                      hist[img->pixels[y * img->width + x]]++;
                      n_fg++;
                    }
              }
          }
      for (int v = 0; v < 256; v++)
        {
          acc += hist[v];
          if (lo < 0 && acc >= n_fg / 10)
            lo = v;
          if (hi < 0 && acc >= n_fg * 9 / 10)
            hi = v;
        }
      g_test_message ("seed %" G_GUINT64_FORMAT ": foreground %.0f %%, ridge (10th pct) %d, valley (90th pct) %d",
                      seed, 100.0 * fg_blocks / blocks, lo, hi);
      g_assert_cmpfloat ((double) fg_blocks / blocks, >, 0.15);
      g_assert_cmpfloat ((double) fg_blocks / blocks, <, 0.75);
      g_assert_cmpint (hi - lo, >, 90);
      g_assert_cmpint (lo, <, 120);
      /* The background stays light, as on an optical scanner. */
      g_assert_cmpint (img->pixels[0], >, 200);
    }
}

/* Ground-truth minutiae: a plausible number, on the ridge skeleton, pointing
 * the way rl-types.h says; and the impression's share of them lands where the
 * finger's minutiae are seen. */
static void
test_ground_truth_minutiae (void)
{
  for (guint64 seed = 100; seed < 103; seed++)
    {
      const RlSynthFinger *f = shared_finger (seed);
      g_autoptr(RlTemplate) tpl = rl_synth_finger_get_template (f);
      g_autoptr(RlImage) neutral = rl_synth_render (f, NULL, NULL);
      RlSynthImpression imp = { .dx = 10, .dy = -8, .rotation = 0.2f, .distortion = 0.4f, .noise = 0.2f };
      g_autoptr(RlTemplate) seen = rl_synth_impression_get_template (f, &imp);
      guint on_ridge = 0, endings = 0, pointing_right = 0;

      g_test_message ("seed %" G_GUINT64_FORMAT ": %u minutiae on the finger, %u in the impression",
                      seed, tpl->n_minutiae, seen->n_minutiae);
      g_assert_cmpuint (tpl->n_minutiae, >=, 25);
      g_assert_cmpuint (tpl->n_minutiae, <=, 120);
      g_assert_cmpuint (seen->n_minutiae, >=, 15);
      g_assert_cmpuint (seen->n_minutiae, <=, tpl->n_minutiae);
      g_assert_cmpuint (tpl->width, ==, RL_SYNTH_WIDTH);

      for (guint i = 0; i < tpl->n_minutiae; i++)
        {
          const RlMinutia *m = &tpl->minutiae[i];
          int x = (int) m->x, y = (int) m->y;
          /* 7 px along the minutia's direction: ridge for an ending (it
           * points into its ridge), valley for a bifurcation (between its
           * branches). */
          int ax = (int) lroundf (m->x + 7 * cosf (m->angle)), ay = (int) lroundf (m->y - 7 * sinf (m->angle));
          gboolean ridge_ahead = neutral->pixels[ay * neutral->width + ax] < 128;

          g_assert_true (rl_synth_finger_contains (f, m->x, m->y));
          g_assert_cmpfloat (m->angle, >=, 0);
          g_assert_cmpfloat (m->angle, <, 2 * G_PI);
          on_ridge += neutral->pixels[y * neutral->width + x] < 128;
          endings += m->kind == RL_MINUTIA_ENDING;
          pointing_right += ridge_ahead == (m->kind == RL_MINUTIA_ENDING);
        }
      g_assert_cmpuint (on_ridge, >=, tpl->n_minutiae * 8 / 10);
      g_assert_cmpuint (pointing_right, >=, tpl->n_minutiae * 8 / 10);
      g_assert_cmpuint (endings, >, 0);
      g_assert_cmpuint (endings, <, tpl->n_minutiae);

      /* Each minutia seen in the impression is one of the finger's, moved by the known transform. */
      for (guint i = 0; i < seen->n_minutiae; i++)
        {
          float fx, fy, best = G_MAXFLOAT;
          rl_synth_impression_to_finger (f, &imp, seen->minutiae[i].x, seen->minutiae[i].y, &fx, &fy);
          for (guint j = 0; j < tpl->n_minutiae; j++)
            best = MIN (best, hypotf (tpl->minutiae[j].x - fx, tpl->minutiae[j].y - fy));
          g_assert_cmpfloat (best, <, 0.1f);
        }
    }
}

/* The whole chain on synthetic prints: the extractor finds a plausible
 * number of minutiae, and the comparison matches two impressions of one
 * finger and not impressions of different fingers. */
static void
test_extract_and_compare (void)
{
  const RlSynthFinger *f = shared_finger (101), *g = shared_finger (102);
  RlSynthImpression a, b, c;
  g_autoptr(RlImage) ia = NULL, ib = NULL, ic = NULL;
  g_autoptr(RlTemplate) ta = NULL, tb = NULL, tc = NULL;
  g_autoptr(GError) error = NULL;
  float genuine, impostor, threshold = rl_score_for_fmr (0.01);

  rl_synth_impression_random (11, &a);
  rl_synth_impression_random (12, &b);
  rl_synth_impression_random (13, &c);
  a.partial = b.partial = c.partial = 0;
  ia = rl_synth_render (f, &a, &error);
  g_assert_no_error (error);
  ib = rl_synth_render (f, &b, &error);
  g_assert_no_error (error);
  ic = rl_synth_render (g, &c, &error);
  g_assert_no_error (error);
  ta = rl_extract_template (ia, &error);
  g_assert_no_error (error);
  tb = rl_extract_template (ib, &error);
  g_assert_no_error (error);
  tc = rl_extract_template (ic, &error);
  g_assert_no_error (error);

  genuine = rl_compare (ta, tb, NULL);
  impostor = rl_compare (ta, tc, NULL);
  g_test_message ("extracted minutiae %u, %u, %u; genuine score %.1f, impostor %.1f (FMR 1 %% threshold %.1f)",
                  ta->n_minutiae, tb->n_minutiae, tc->n_minutiae, genuine, impostor, threshold);
  g_assert_cmpuint (ta->n_minutiae, >=, 20);
  g_assert_cmpuint (ta->n_minutiae, <=, 80);
  g_assert_cmpuint (tb->n_minutiae, >=, 20);
  g_assert_cmpuint (tb->n_minutiae, <=, 80);
  g_assert_cmpuint (tc->n_minutiae, >=, 20);
  g_assert_cmpuint (tc->n_minutiae, <=, 80);
  g_assert_cmpfloat (genuine, >=, threshold);
  g_assert_cmpfloat (impostor, <, threshold);
}

/* Different people's fingers look like different fingers to the matcher:
 * no two of 12 synthetic fingers reach the FMR 1e-5 threshold the real prints
 * calibrated, and at most one pair in five the FMR 1 % threshold (real
 * fingers: one in a hundred; the generator of session 2, which put most
 * minutiae of every loop in the same places: more than one in three), while
 * two impressions of one finger match. */
static void
test_different_fingers (void)
{
  enum { N = 12 };
  RlTemplate *tpl[N], *again[N];
  float threshold = rl_score_for_fmr (1e-5), fmr_1 = rl_score_for_fmr (0.01), worst = 0;
  guint above_1 = 0, pairs = 0;

  for (guint f = 0; f < N; f++)
    {
      const RlSynthFinger *finger = shared_finger (1000 + f);
      RlSynthImpression imp;

      rl_synth_impression_random ((1000 + f) * 100, &imp);
      tpl[f] = rl_synth_impression_get_template (finger, &imp);
      rl_synth_impression_random ((1000 + f) * 100 + 1, &imp);
      again[f] = rl_synth_impression_get_template (finger, &imp);
    }
  for (guint f = 0; f < N; f++)
    {
      g_assert_cmpfloat (rl_compare (tpl[f], again[f], NULL), >=, threshold);
      for (guint g = f + 1; g < N; g++)
        {
          float score = rl_compare (tpl[f], tpl[g], NULL);
          worst = MAX (worst, score);
          above_1 += score >= fmr_1;
          pairs++;
          g_assert_cmpfloat (score, <, threshold);
        }
    }
  g_test_message ("different fingers: highest score %.1f (FMR 1e-5 threshold %.2f), %u of %u pairs at the "
                  "FMR 1 %% threshold (%.1f)", worst, threshold, above_1, pairs, fmr_1);
  g_assert_cmpuint (above_1, <=, pairs / 5);
  for (guint f = 0; f < N; f++)
    {
      rl_template_free (tpl[f]);
      rl_template_free (again[f]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/synth/deterministic", test_deterministic);
  g_test_add_func ("/synth/bad-impression", test_bad_impression);
  g_test_add_func ("/synth/orientation-and-period", test_orientation_and_period);
  g_test_add_func ("/synth/singularities", test_singularities);
  g_test_add_func ("/synth/impressions-align", test_impressions_align);
  g_test_add_func ("/synth/image-statistics", test_image_statistics);
  g_test_add_func ("/synth/ground-truth-minutiae", test_ground_truth_minutiae);
  g_test_add_func ("/synth/extract-and-compare", test_extract_and_compare);
  g_test_add_func ("/synth/different-fingers", test_different_fingers);
  int status = g_test_run ();

  g_clear_pointer (&shared_fingers, g_hash_table_unref);
  return status;
}
