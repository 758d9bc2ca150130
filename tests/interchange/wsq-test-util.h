/* wsq-test-util.h — helpers shared by the WSQ tests, the corpus maker and
 * the benchmark: a plain PGM reader, PSNR, and synthetic print-like images
 * (so that nothing from ../shared ends up in the repository). */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rl-types.h"

/* Binary PGM (P5, maxval 255) as written by NBIS and netpbm. */
static inline RlImage *
wsq_test_load_pgm (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  int width = 0, height = 0, maxval = 0, header = 0;
  RlImage *image;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (sscanf (data, "P5 %d %d %d%n", &width, &height, &maxval, &header) != 3 ||
      maxval != 255 || width <= 0 || height <= 0 ||
      (gsize) header + 1 + (gsize) width * height > len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not an 8-bit binary PGM", path);
      return NULL;
    }
  image = rl_image_new (width, height, 500);
  memcpy (image->pixels, data + header + 1, (gsize) width * height);
  return image;
}

static inline double
wsq_test_psnr (const RlImage *a, const RlImage *b)
{
  double sse = 0.0;
  gsize n = (gsize) a->width * a->height;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (gsize i = 0; i < n; i++)
    {
      double d = (double) a->pixels[i] - b->pixels[i];
      sse += d * d;
    }
  if (sse == 0.0)
    return 99.0;
  return 10.0 * log10 (255.0 * 255.0 * (double) n / sse);
}

static inline int
wsq_test_max_difference (const RlImage *a, const RlImage *b, gsize *n_different)
{
  int worst = 0;

  *n_different = 0;
  for (gsize i = 0; i < (gsize) a->width * a->height; i++)
    {
      int d = ABS ((int) a->pixels[i] - (int) b->pixels[i]);
      worst = MAX (worst, d);
      if (d)
        (*n_different)++;
    }
  return worst;
}

/* A whorl-like pattern of ridges about 9 pixels apart (500 ppi) on a light
 * background, with some noise: close enough to a print for a codec. */
static inline RlImage *
wsq_test_synthetic_print (int width, int height, guint32 seed)
{
  RlImage *image = rl_image_new (width, height, 500);
  GRand *rand = g_rand_new_with_seed (seed);
  double cx = width * (0.4 + 0.2 * g_rand_double (rand));
  double cy = height * (0.4 + 0.2 * g_rand_double (rand));
  double period = 8.0 + 3.0 * g_rand_double (rand);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double dx = (x - cx) / (width * 0.45), dy = (y - cy) / (height * 0.55);
        double r = hypot (x - cx, (y - cy) * 0.8);
        double inside = 1.0 - (dx * dx + dy * dy);
        double v = 220.0;

        if (inside > 0.0)
          {
            double ridge = 0.5 + 0.5 * cos (2.0 * G_PI * r / period + 0.3 * sin (x * 0.05));
            double contrast = MIN (1.0, inside * 4.0);
            v = 220.0 - contrast * 180.0 * ridge;
          }
        v += g_rand_double_range (rand, -6.0, 6.0);
        image->pixels[(gsize) y * width + x] = (guint8) CLAMP (v, 0.0, 255.0);
      }
  g_rand_free (rand);
  return image;
}
