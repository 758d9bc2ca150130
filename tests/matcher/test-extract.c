/* Extraction: bad inputs get clear errors; on synthetic prints the
 * orientation field and the cores agree with the ground truth; on real
 * prints the template is plausible, the same finger's impressions share
 * more minutiae than different fingers do, and damaged prints score a
 * lower quality. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-synth.h"

static float
adiff (float a, float b)
{
  float d = fmodf (fabsf (a - b), (float) (2 * G_PI));
  return d > (float) G_PI ? (float) (2 * G_PI) - d : d;
}

static void
test_no_print (void)
{
  const guint8 levels[] = { 0, 255, 128 };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr(RlImage) img = rl_image_new (300, 300, 500);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlExtraction) ex = NULL;
      memset (img->pixels, levels[i], 300 * 300);
      ex = rl_extract (img, &error);
      g_assert_null (ex);
      g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT);
    }

  /* Faint sensor noise on white: still no print. */
  {
    g_autoptr(RlImage) img = rl_image_new (300, 300, 500);
    g_autoptr(GError) error = NULL;
    g_autoptr(RlExtraction) ex = NULL;
    GRand *rand = g_rand_new_with_seed (7);
    for (int i = 0; i < 300 * 300; i++)
      img->pixels[i] = (guint8) (235 + g_rand_int_range (rand, 0, 6));
    g_rand_free (rand);
    ex = rl_extract (img, &error);
    g_assert_null (ex);
    g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT);
  }

  /* A small dark blot on white: too little ridge area. */
  {
    g_autoptr(RlImage) img = rl_image_new (300, 300, 500);
    g_autoptr(GError) error = NULL;
    g_autoptr(RlExtraction) ex = NULL;
    memset (img->pixels, 255, 300 * 300);
    for (int y = 140; y < 160; y++)
      for (int x = 140; x < 160; x++)
        img->pixels[y * 300 + x] = 0;
    ex = rl_extract (img, &error);
    g_assert_null (ex);
    g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT);
  }
}

/* Blurs in place with three passes of a (2r+1) box: close to a Gaussian of
 * σ ≈ r, enough to give noise a grain. */
static void
box_blur3 (float *v, int w, int h, int r)
{
  g_autofree float *tmp = g_new (float, (gsize) w * h);
  for (int pass = 0; pass < 6; pass++)
    {
      gboolean horiz = pass % 2 == 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            float sum = 0;
            int n = 0;
            for (int d = -r; d <= r; d++)
              {
                int xx = horiz ? x + d : x, yy = horiz ? y : y + d;
                if (xx >= 0 && yy >= 0 && xx < w && yy < h)
                  {
                    sum += v[yy * w + xx];
                    n++;
                  }
              }
            tmp[y * w + x] = sum / n;
          }
      memcpy (v, tmp, sizeof (float) * w * h);
    }
}

/* Noise with a grain of about `grain` pixels (0: white), spread over the
 * grey levels with the given standard deviation around mid-grey. */
static RlImage *
noise_image (int w, int h, guint32 seed, int grain, double sd)
{
  RlImage *img = rl_image_new (w, h, 500);
  g_autofree float *v = g_new (float, (gsize) w * h);
  GRand *rand = g_rand_new_with_seed (seed);
  double sum2 = 0;

  for (int i = 0; i < w * h; i++)
    v[i] = (float) g_rand_double_range (rand, -1, 1);
  g_rand_free (rand);
  if (grain > 0)
    box_blur3 (v, w, h, grain);
  for (int i = 0; i < w * h; i++)
    sum2 += v[i] * v[i];
  for (int i = 0; i < w * h; i++)
    img->pixels[i] = (guint8) CLAMP (lrint (128 + sd * v[i] / sqrt (sum2 / (w * h))), 0, 255);
  return img;
}

static void
assert_no_ridges (const char *what, RlImage *img)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlExtraction) ex = rl_extract (img, &error);

  g_test_message ("%s: %s", what, error ? error->message : "(extracted)");
  g_assert_null (ex);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT);
  /* The user is told what was measured, not just "failed". */
  g_assert_true (g_str_has_prefix (error->message, "no ridge structure found: "));
  g_assert_true (strpbrk (error->message, "0123456789") != NULL);
}

/* Images with contrast but no fingerprint in them are refused with a clear
 * error instead of giving an empty template that a search would run on. */
static void
test_no_ridge_structure (void)
{
  static const struct { int grain; double sd; } noises[] = {
    { 0, 70 }, { 0, 25 }, { 1, 40 }, { 2, 40 }, { 3, 40 }, { 4, 50 }, { 5, 40 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (noises); i++)
    {
      g_autoptr(RlImage) img = noise_image (400, 400, 11 + i, noises[i].grain, noises[i].sd);
      g_autofree char *what = g_strdup_printf ("noise, grain %d px, sd %.0f", noises[i].grain, noises[i].sd);
      assert_no_ridges (what, img);
    }

  /* Black-and-white noise (a scrambled bilevel scan), at 1000 × 800. */
  {
    g_autoptr(RlImage) img = rl_image_new (1000, 800, 500);
    GRand *rand = g_rand_new_with_seed (5);
    for (int i = 0; i < 1000 * 800; i++)
      img->pixels[i] = g_rand_boolean (rand) ? 255 : 0;
    g_rand_free (rand);
    assert_no_ridges ("binary noise", img);
  }

  /* A photograph's smooth gradient, plain and with sensor noise. */
  for (int noisy = 0; noisy <= 1; noisy++)
    {
      g_autoptr(RlImage) img = rl_image_new (480, 400, 500);
      GRand *rand = g_rand_new_with_seed (9);
      for (int y = 0; y < 400; y++)
        for (int x = 0; x < 480; x++)
          img->pixels[y * 480 + x] = (guint8) CLAMP ((x + y) * 255 / 880 + (noisy ? g_rand_int_range (rand, -20, 21) : 0), 0, 255);
      g_rand_free (rand);
      assert_no_ridges (noisy ? "gradient with noise" : "gradient", img);
    }

  /* Soft shapes with a steady direction but no ridges (waves 30–45 pixels
   * across, five times a ridge period). */
  {
    g_autoptr(RlImage) img = rl_image_new (400, 400, 500);
    for (int y = 0; y < 400; y++)
      for (int x = 0; x < 400; x++)
        img->pixels[y * 400 + x] = (guint8) lrint (128 + 100 * sin (x / 30.0) * cos (y / 45.0));
    assert_no_ridges ("smooth waves", img);
  }
}

/* Every intermediate is there, the right size and in range. */
static void
check_intermediates (RlExtraction *ex)
{
  const RlImage *img = rl_extraction_get_image (ex);
  const RlImage *parts[] = {
    rl_extraction_get_mask (ex), rl_extraction_get_enhanced (ex),
    rl_extraction_get_skeleton (ex), rl_extraction_get_quality_map (ex),
  };
  const RlTemplate *tpl = rl_extraction_get_template (ex);
  int bs, cols, rows, fg = 0, ridge = 0;
  const float *o = rl_extraction_get_orientation (ex, &bs, &cols, &rows);

  g_assert_cmpint (img->ppi, ==, 500);
  g_assert_cmpint (tpl->width, ==, img->width);
  g_assert_cmpint (tpl->height, ==, img->height);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_assert_nonnull (parts[i]);
      g_assert_cmpint (parts[i]->width, ==, img->width);
      g_assert_cmpint (parts[i]->height, ==, img->height);
    }
  for (int i = 0; i < img->width * img->height; i++)
    {
      guint8 m = parts[0]->pixels[i];
      g_assert_true (m == 0 || m == 255);
      fg += m == 255;
      ridge += parts[2]->pixels[i] == 0;
      g_assert_cmpint (parts[3]->pixels[i], <=, 100);
      if (m == 0)
        {
          g_assert_cmpint (parts[2]->pixels[i], ==, 255);   /* no skeleton off the print */
          g_assert_cmpint (parts[3]->pixels[i], ==, 0);
        }
    }
  g_assert_cmpint (fg, >, img->width * img->height / 10);
  g_assert_cmpint (ridge, >, fg / 40);
  g_assert_cmpint (bs * cols, >=, img->width);
  g_assert_cmpint (bs * rows, >=, img->height);
  for (int k = 0; k < cols * rows; k++)
    g_assert_true (isnan (o[k]) || (o[k] >= 0 && o[k] < G_PI));

  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      g_assert_cmpfloat (m->x, >=, 0);
      g_assert_cmpfloat (m->y, >=, 0);
      g_assert_cmpfloat (m->x, <, img->width);
      g_assert_cmpfloat (m->y, <, img->height);
      g_assert_true (m->angle >= 0 && m->angle < 2 * G_PI);
      g_assert_true (m->kind == RL_MINUTIA_ENDING || m->kind == RL_MINUTIA_BIFURCATION);
      g_assert_cmpint (m->reliability, <=, 100);
      /* Minutiae lie on the print, not on its edge or the background. */
      g_assert_cmpint (parts[0]->pixels[(int) m->y * img->width + (int) m->x], ==, 255);
    }
  g_assert_cmpint (tpl->quality, <=, 100);
}

/* On synthetic prints the ground truth is known: the orientation field must
 * follow it, and a core of the master finger must be found near it. */
static void
test_synthetic (void)
{
  double err_sum = 0;
  int err_n = 0, cores_expected = 0, cores_found = 0;

  for (guint64 seed = 1; seed <= 4; seed++)
    {
      g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (seed, RL_FINGER_RIGHT_INDEX);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlImage) img = rl_synth_render (finger, NULL, &error);
      g_autoptr(RlExtraction) ex = NULL;
      const RlTemplate *tpl;
      const RlSingularity *truth;
      guint n_truth = 0;
      int bs, cols, rows;
      const float *o;

      g_assert_no_error (error);
      ex = rl_extract (img, &error);
      g_assert_no_error (error);
      check_intermediates (ex);
      tpl = rl_extraction_get_template (ex);
      g_assert_cmpuint (tpl->n_minutiae, >=, 10);
      g_assert_cmpuint (tpl->n_minutiae, <=, 150);

      o = rl_extraction_get_orientation (ex, &bs, &cols, &rows);
      for (int r = 2; r < rows - 2; r++)
        for (int c = 2; c < cols - 2; c++)
          {
            float x = c * bs + bs / 2.0f, y = r * bs + bs / 2.0f, t, d;
            if (isnan (o[r * cols + c]) || !rl_synth_finger_contains (finger, x, y))
              continue;
            t = rl_synth_finger_orientation_at (finger, x, y);
            d = fabsf (o[r * cols + c] - t);
            d = MIN (d, (float) G_PI - d);
            err_sum += d;
            err_n++;
          }

      truth = rl_synth_finger_get_singularities (finger, &n_truth);
      for (guint i = 0; i < n_truth; i++)
        {
          gboolean found = FALSE;
          if (truth[i].kind != RL_SINGULARITY_CORE ||
              truth[i].x < 40 || truth[i].y < 40 || truth[i].x > img->width - 40 || truth[i].y > img->height - 40)
            continue;
          cores_expected++;
          for (guint j = 0; j < tpl->n_singularities; j++)
            if (tpl->singularities[j].kind == RL_SINGULARITY_CORE &&
                hypotf (tpl->singularities[j].x - truth[i].x, tpl->singularities[j].y - truth[i].y) < 30)
              found = TRUE;
          cores_found += found;
        }
    }
  g_assert_cmpint (err_n, >, 1000);
  g_test_message ("mean orientation error %.1f°, cores %d of %d",
                  err_sum / err_n * 180 / G_PI, cores_found, cores_expected);
  g_assert_cmpfloat (err_sum / err_n, <, 12 * G_PI / 180);
  g_assert_cmpint (cores_found * 4, >=, cores_expected * 3);
}

/* Dry impressions of a synthetic finger (thin, broken ridges) score a
 * lower quality than its neutral impression. (The generator's over-pressed
 * impressions keep clear valleys, so they are not worse prints; the real
 * over-pressed case is tested on a real print below.) */
static void
test_synthetic_pressure (void)
{
  int lower = 0, total = 0;

  for (guint64 seed = 11; seed <= 13; seed++)
    {
      g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (seed, RL_FINGER_LEFT_THUMB);
      RlSynthImpression neutral = { 0 }, dry = { 0 };
      const RlSynthImpression *imps[] = { &dry };
      g_autoptr(RlImage) img = NULL;
      g_autoptr(RlTemplate) clean = NULL;

      dry.pressure = -1.0f;
      img = rl_synth_render (finger, &neutral, NULL);
      clean = rl_extract_template (img, NULL);
      g_assert_nonnull (clean);
      for (guint i = 0; i < G_N_ELEMENTS (imps); i++)
        {
          g_autoptr(RlImage) bad = rl_synth_render (finger, imps[i], NULL);
          g_autoptr(RlTemplate) t = rl_extract_template (bad, NULL);
          total++;
          if (t == NULL || t->quality < clean->quality)
            lower++;
          g_test_message ("seed %" G_GUINT64_FORMAT ": neutral %u, dry %u", seed, clean->quality,
                          t ? t->quality : 0);
        }
    }
  g_assert_cmpint (lower, ==, total);
}

static const char *
shared_fingerprints (void)
{
  static char *dir;
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  if (dir == NULL && shared != NULL)
    dir = g_build_filename (shared, "fingerprints", NULL);
  return dir && g_file_test (dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

static RlTemplate *
extract_file (const char *set, int finger, int impression)
{
  g_autofree char *name = g_strdup_printf ("%d_%d.tif", finger, impression);
  g_autofree char *path = g_build_filename (shared_fingerprints (), set, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) img = rl_image_load (path, strcmp (set, "FVC2004_DB3_B") == 0 ? 512 : 500, &error);
  g_autoptr(RlExtraction) ex = NULL;

  g_assert_no_error (error);
  ex = rl_extract (img, &error);
  g_assert_no_error (error);
  check_intermediates (ex);
  return rl_template_copy (rl_extraction_get_template (ex));
}

/* The most minutiae two templates share under one rigid alignment: every
 * minutia pair proposes a rotation and translation, and the one that pairs
 * the most minutiae (within 12 px and 25°) wins. A plain geometric check,
 * not the matcher. */
static guint
shared_minutiae (const RlTemplate *a, const RlTemplate *b)
{
  guint best = 0;
  /* Every other minutia as an anchor: plenty of true anchors remain, and a
   * sanitiser build stays quick. */
  for (guint i = 0; i < a->n_minutiae; i += 2)
    for (guint j = 0; j < b->n_minutiae; j++)
      {
        const RlMinutia *ma = &a->minutiae[i], *mb = &b->minutiae[j];
        float rot = mb->angle - ma->angle, cr = cosf (rot), sr = sinf (rot);
        guint n = 0;
        if (ma->kind != mb->kind)
          continue;
        for (guint k = 0; k < a->n_minutiae; k++)
          {
            /* Rotate about ma (y up for the angle: flip y), then move onto mb. */
            float dx = a->minutiae[k].x - ma->x, dy = -(a->minutiae[k].y - ma->y);
            float x = mb->x + dx * cr - dy * sr, y = mb->y - (dx * sr + dy * cr);
            float ang = a->minutiae[k].angle + rot;
            for (guint l = 0; l < b->n_minutiae; l++)
              if (fabsf (b->minutiae[l].x - x) < 12 && fabsf (b->minutiae[l].y - y) < 12 &&
                  adiff (b->minutiae[l].angle, ang) < 25 * G_PI / 180)
                {
                  n++;
                  break;
                }
          }
        best = MAX (best, n);
      }
  return best;
}

static void
test_real_prints (gconstpointer data)
{
  const char *set = data;
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  double genuine = 0, impostor = 0, count = 0;
  int n_gen = 0, n_imp = 0;

  if (shared_fingerprints () == NULL)
    {
      g_test_skip ("RIDGELINE_SHARED/fingerprints absent");
      return;
    }
  /* Four fingers, two impressions each: enough to see the difference, small
   * enough for a sanitiser build. */
  for (int f = 101; f <= 104; f++)
    {
      RlTemplate *t1 = extract_file (set, f, 1);
      g_autoptr(RlTemplate) t2 = extract_file (set, f, 2);
      for (RlTemplate *t = t1; t != NULL; t = t == t1 ? t2 : NULL)
        {
          /* A small or faint impression may hold few; none should be empty
           * or flooded with noise. */
          g_assert_cmpuint (t->n_minutiae, >=, 5);
          g_assert_cmpuint (t->n_minutiae, <=, 150);
          count += t->n_minutiae;
          g_assert_cmpuint (t->quality, <=, 100);
        }
      genuine += shared_minutiae (t1, t2);
      n_gen++;
      g_ptr_array_add (first, t1);
    }
  for (guint i = 0; i < first->len; i++)
    for (guint j = i + 1; j < first->len; j++)
      {
        impostor += shared_minutiae (first->pdata[i], first->pdata[j]);
        n_imp++;
      }
  count /= 2 * n_gen;
  g_assert_cmpfloat (count, >=, 15);
  g_assert_cmpfloat (count, <=, 120);
  genuine /= n_gen;
  impostor /= n_imp;
  g_test_message ("%s: %.1f minutiae per print; same finger %.1f shared minutiae, different fingers %.1f",
                  set, count, genuine, impostor);
  g_assert_cmpfloat (genuine, >, 1.5 * impostor);
}

/* A real print made over-pressed (ridges spread and merge) or dry (ridges
 * thin out and break, with noise) gets a lower quality than the original. */
static void
test_real_damaged (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RlImage) img = NULL;
  g_autoptr(RlTemplate) clean = NULL;
  g_autoptr(RlImage) wet = NULL;
  g_autoptr(RlImage) dry = NULL;
  g_autoptr(RlTemplate) twet = NULL;
  g_autoptr(RlTemplate) tdry = NULL;
  GRand *rand;
  int w, h;

  if (shared_fingerprints () == NULL)
    {
      g_test_skip ("RIDGELINE_SHARED/fingerprints absent");
      return;
    }
  path = g_build_filename (shared_fingerprints (), "FVC2002_DB1_B", "102_1.tif", NULL);
  img = rl_image_load (path, 500, NULL);
  g_assert_nonnull (img);
  w = img->width;
  h = img->height;
  clean = rl_extract_template (img, NULL);
  wet = rl_image_copy (img);
  dry = rl_image_copy (img);
  rand = g_rand_new_with_seed (3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int lo = 255, hi = 0;
        for (int j = MAX (0, y - 2); j <= MIN (h - 1, y + 2); j++)
          for (int i = MAX (0, x - 2); i <= MIN (w - 1, x + 2); i++)
            {
              lo = MIN (lo, img->pixels[j * w + i]);
              if (ABS (j - y) <= 1 && ABS (i - x) <= 1)
                hi = MAX (hi, img->pixels[j * w + i]);
            }
        wet->pixels[y * w + x] = (guint8) lo;
        /* (The noise is drawn once: CLAMP evaluates its argument up to three
         * times, and a second draw could exceed 255 and wrap to black.) */
        int noise = g_rand_int_range (rand, -12, 12);
        dry->pixels[y * w + x] = (guint8) CLAMP (255 - (255 - hi) * 6 / 10 + noise, 0, 255);
      }
  g_rand_free (rand);
  twet = rl_extract_template (wet, NULL);
  tdry = rl_extract_template (dry, NULL);
  g_test_message ("quality: clean %u, over-pressed %u, dry %u", clean->quality,
                  twet ? twet->quality : 0, tdry ? tdry->quality : 0);
  g_assert_nonnull (twet);
  g_assert_nonnull (tdry);
  g_assert_cmpuint (twet->quality, <, clean->quality);
  g_assert_cmpuint (tdry->quality, <, clean->quality);
}

/* The poorest real prints of the four FVC sets (the lowest ridge-flow and
 * clarity figures, FVC2002_DB3_B) still extract: they are the prints that go
 * to examiners, and the noise rules must not refuse them. */
static void
test_real_poorest (void)
{
  static const int fingers[][2] = { { 110, 3 }, { 108, 4 }, { 108, 3 }, { 106, 8 } };

  if (shared_fingerprints () == NULL)
    {
      g_test_skip ("RIDGELINE_SHARED/fingerprints absent");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      g_autoptr(RlTemplate) t = extract_file ("FVC2002_DB3_B", fingers[i][0], fingers[i][1]);
      g_assert_nonnull (t);
      g_assert_cmpuint (t->n_minutiae, >=, 5);
    }
}

/* Resolutions that would take the image outside the size limits at
 * 500 ppi are refused with a clear error. */
static void
test_resolution_limits (void)
{
  g_autoptr(RlImage) img = rl_image_new (1000, 1000, 125);   /* 4000 × 4000 at 500 ppi */
  g_autoptr(RlImage) tiny = rl_image_new (200, 200, 1000);   /* 100 × 100 at 500 ppi */
  g_autoptr(RlImage) small = rl_image_new (200, 200, 2000);  /* 50 × 50 at 500 ppi */
  g_autoptr(GError) error = NULL;
  g_autoptr(RlExtraction) ex = NULL;

  img->ppi = 100;   /* 5000 × 5000 at 500 ppi */
  ex = rl_extract (img, &error);
  g_assert_null (ex);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  ex = rl_extract (small, &error);
  g_assert_null (ex);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_SMALL);
  g_clear_error (&error);

  /* Big enough, but blank. */
  memset (tiny->pixels, 255, 200 * 200);
  ex = rl_extract (tiny, &error);
  g_assert_null (ex);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT);
}

/* A 512 ppi image comes out at 500 ppi. */
static void
test_resolution (void)
{
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (5, RL_FINGER_RIGHT_THUMB);
  g_autoptr(RlImage) img = rl_synth_render (finger, NULL, NULL);
  g_autoptr(RlImage) big = NULL;
  g_autoptr(RlExtraction) ex = NULL;
  g_autoptr(GError) error = NULL;

  img->ppi = 500;
  big = rl_image_resample (img, 600);
  g_assert_nonnull (big);
  ex = rl_extract (big, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rl_extraction_get_image (ex)->width, ==, img->width);
  g_assert_cmpint (rl_extraction_get_template (ex)->height, ==, img->height);
}

int
main (int argc, char **argv)
{
  static const char *sets[] = { "FVC2002_DB1_B", "FVC2002_DB3_B", "FVC2004_DB1_B", "FVC2004_DB3_B" };

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/extract/no-print", test_no_print);
  g_test_add_func ("/extract/no-ridge-structure", test_no_ridge_structure);
  g_test_add_func ("/extract/synthetic", test_synthetic);
  g_test_add_func ("/extract/synthetic-pressure", test_synthetic_pressure);
  g_test_add_func ("/extract/resolution", test_resolution);
  g_test_add_func ("/extract/resolution-limits", test_resolution_limits);
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autofree char *p = g_strdup_printf ("/extract/real/%s", sets[i]);
      g_test_add_data_func (p, sets[i], test_real_prints);
    }
  g_test_add_func ("/extract/real-damaged", test_real_damaged);
  g_test_add_func ("/extract/real-poorest", test_real_poorest);
  return g_test_run ();
}
