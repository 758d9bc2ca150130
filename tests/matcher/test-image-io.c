/* Image input/output: every supported format round-trips, and every kind of
 * bad input (empty, tiny, huge, truncated, not an image) gets a clear error. */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "rl-image-io.h"

/* A print-like test card: diagonal stripes, so that lossless formats can be
 * compared pixel for pixel. */
static RlImage *
make_card (int w, int h)
{
  RlImage *img = rl_image_new (w, h, 500);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      img->pixels[y * w + x] = (guint8) (((x + 2 * y) / 4) % 2 ? 220 : 30);
  return img;
}

static GBytes *
encode_card (const char *format, int w, int h)
{
  g_autoptr(RlImage) img = make_card (w, h);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = rl_image_encode (img, format, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return bytes;
}

static void
test_round_trip (gconstpointer data)
{
  const char *format = data;
  g_autoptr(RlImage) card = make_card (120, 90);
  g_autoptr(GBytes) bytes = encode_card (format, 120, 90);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) back = NULL;
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);

  back = rl_image_load_from_data (d, len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->width, ==, 120);
  g_assert_cmpint (back->height, ==, 90);
  g_assert_cmpint (back->ppi, ==, 500);
  if (strcmp (format, "jpeg") != 0)
    g_assert_cmpmem (back->pixels, 120 * 90, card->pixels, 120 * 90);
  else
    {
      long diff = 0;
      for (int i = 0; i < 120 * 90; i++)
        diff += ABS ((int) back->pixels[i] - (int) card->pixels[i]);
      g_assert_cmpfloat ((double) diff / (120 * 90), <, 20.0);
    }
}

static void
test_truncated (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GBytes) bytes = encode_card (format, 200, 160);
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  /* Cut at several points: inside the header, in the middle, near the end. */
  gsize cuts[] = { 1, 5, 20, len / 2, len - 3 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlImage) img = rl_image_load_from_data (d, cuts[i], 0, &error);
      g_assert_null (img);
      g_assert_nonnull (error);
      g_assert_true (error->domain == RL_MATCHER_ERROR);
      g_assert_true (error->code == RL_MATCHER_ERROR_CORRUPT || error->code == RL_MATCHER_ERROR_FORMAT);
      if (cuts[i] >= 20)
        g_assert_cmpint (error->code, ==, RL_MATCHER_ERROR_CORRUPT);
    }
}

static void
test_tiny (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GBytes) bytes = encode_card (format, 40, 200);
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_autoptr(RlImage) img = rl_image_load_from_data (d, len, 0, &error);

  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_SMALL);
  g_assert_nonnull (strstr (error->message, "40"));
}

static void
put_be32 (guint8 *p, guint32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void
put_be16 (guint8 *p, guint32 v) { p[0] = v >> 8; p[1] = v; }
static void
put_le32 (guint8 *p, guint32 v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* A header that declares a huge image must be refused before decoding:
 * patch a small valid image's declared size. */
static void
test_huge (gconstpointer data)
{
  const char *format = data;
  g_autoptr(GBytes) bytes = encode_card (format, 100, 100);
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree guint8 *d = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  g_autoptr(RlImage) img = NULL;

  if (strcmp (format, "png") == 0)
    {
      put_be32 (d + 16, 50000);
      put_be32 (d + 20, 60000);
    }
  else if (strcmp (format, "bmp") == 0)
    {
      put_le32 (d + 18, 40000);
      put_le32 (d + 22, 40000);
    }
  else if (strcmp (format, "jpeg") == 0)
    {
      gsize p;
      for (p = 2; p + 9 < len; p++)
        if (d[p] == 0xFF && d[p + 1] == 0xC0)
          break;
      g_assert_cmpuint (p + 9, <, len);
      put_be16 (d + p + 5, 30000);
      put_be16 (d + p + 7, 30000);
    }
  else if (strcmp (format, "pgm") == 0)
    {
      g_autofree char *hdr = g_strdup ("P5\n100000 100000\n255\n");
      g_free (d);
      d = (guint8 *) g_strdup (hdr);
      len = strlen (hdr);
    }
  else
    g_assert_not_reached ();

  img = rl_image_load_from_data (d, len, 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE);
}

static void
test_empty_and_junk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) img = NULL;
  const char *text = "Dear examiner, this is a letter, not a fingerprint.\n";
  guint8 zeros[4096] = { 0 };

  img = rl_image_load_from_data ((const guint8 *) "", 0, 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_clear_error (&error);

  img = rl_image_load_from_data ((const guint8 *) text, strlen (text), 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_clear_error (&error);

  img = rl_image_load_from_data (zeros, sizeof zeros, 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_clear_error (&error);

  /* A PGM header with garbage fields. */
  img = rl_image_load_from_data ((const guint8 *) "P5\nabc def\n255\n", 15, 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT);
  g_clear_error (&error);

  img = rl_image_load_from_data ((const guint8 *) "P5 100 100 0\n", 13, 0, &error);
  g_assert_null (img);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT);
  g_clear_error (&error);

  /* PNG signature followed by junk. */
  {
    guint8 junk[64];
    memset (junk, 0x5a, sizeof junk);
    memcpy (junk, "\x89PNG\r\n\x1a\n", 8);
    img = rl_image_load_from_data (junk, sizeof junk, 0, &error);
    g_assert_null (img);
    g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT);
    g_clear_error (&error);
  }

  /* A bad resolution. */
  {
    g_autoptr(GBytes) bytes = encode_card ("png", 100, 100);
    gsize len;
    const guint8 *d = g_bytes_get_data (bytes, &len);
    img = rl_image_load_from_data (d, len, -5, &error);
    g_assert_null (img);
    g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
    g_clear_error (&error);
  }
}

static void
test_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-image-io-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "card.png", NULL);
  g_autofree char *pgm = g_build_filename (dir, "card.pgm", NULL);
  g_autofree char *bad = g_build_filename (dir, "card.xyz", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autoptr(RlImage) card = make_card (150, 120);
  g_autoptr(RlImage) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (rl_image_save (card, png, &error));
  g_assert_no_error (error);
  g_assert_true (rl_image_save (card, pgm, &error));
  g_assert_no_error (error);
  g_assert_false (rl_image_save (card, bad, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  back = rl_image_load (png, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (back->pixels, 150 * 120, card->pixels, 150 * 120);
  g_clear_pointer (&back, rl_image_free);

  back = rl_image_load (pgm, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->ppi, ==, 1000);
  g_assert_cmpmem (back->pixels, 150 * 120, card->pixels, 150 * 120);
  g_clear_pointer (&back, rl_image_free);

  back = rl_image_load (missing, 0, &error);
  g_assert_null (back);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "missing.png"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  back = rl_image_load (empty, 0, &error);
  g_assert_null (back);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "empty.png"));
  g_clear_error (&error);

  back = rl_image_load (dir, 0, &error);
  g_assert_null (back);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO);
  g_clear_error (&error);

  g_unlink (png);
  g_unlink (pgm);
  g_unlink (empty);
  g_rmdir (dir);
}

static void
test_raw_and_resample (void)
{
  g_autoptr(RlImage) card = make_card (300, 480);
  g_autoptr(RlImage) raw = NULL;
  g_autoptr(RlImage) res = NULL;
  g_autoptr(GError) error = NULL;
  guint8 small[32 * 32] = { 0 };

  raw = rl_image_new_from_raw (card->pixels, 300, 480, 512, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw->ppi, ==, 512);

  res = rl_image_resample (raw, 500);
  g_assert_nonnull (res);
  g_assert_cmpint (res->ppi, ==, 500);
  g_assert_cmpint (res->width, ==, 292);   /* 300 × 500 / 512 */
  g_assert_cmpint (res->height, ==, 468);  /* 480 × 500 / 512 */
  g_clear_pointer (&res, rl_image_free);

  res = rl_image_resample (card, 500);
  g_assert_cmpmem (res->pixels, 300 * 480, card->pixels, 300 * 480);

  g_assert_null (rl_image_new_from_raw (small, 32, 32, 500, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_SMALL);
  g_clear_error (&error);
  g_assert_null (rl_image_new_from_raw (card->pixels, 5000, 100, 500, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (rl_image_new_from_raw (NULL, 100, 100, 500, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
}

/* The real FVC TIFFs load at their stated size. */
static void
test_real_tiff (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) img = NULL;

  if (shared == NULL)
    {
      g_test_skip ("RIDGELINE_SHARED not set");
      return;
    }
  path = g_build_filename (shared, "fingerprints", "FVC2004_DB3_B", "101_1.tif", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared fingerprints absent");
      return;
    }
  img = rl_image_load (path, 512, &error);
  g_assert_no_error (error);
  g_assert_cmpint (img->width, ==, 300);
  g_assert_cmpint (img->height, ==, 480);
  g_assert_cmpint (img->ppi, ==, 512);
}

int
main (int argc, char **argv)
{
  static const char *formats[] = { "png", "tiff", "jpeg", "bmp", "pgm" };
  static const char *huge_formats[] = { "png", "jpeg", "bmp", "pgm" };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *a = g_strdup_printf ("/image-io/round-trip/%s", formats[i]);
      g_autofree char *b = g_strdup_printf ("/image-io/truncated/%s", formats[i]);
      g_autofree char *c = g_strdup_printf ("/image-io/tiny/%s", formats[i]);
      g_test_add_data_func (a, formats[i], test_round_trip);
      g_test_add_data_func (b, formats[i], test_truncated);
      g_test_add_data_func (c, formats[i], test_tiny);
    }
  for (guint i = 0; i < G_N_ELEMENTS (huge_formats); i++)
    {
      g_autofree char *a = g_strdup_printf ("/image-io/huge/%s", huge_formats[i]);
      g_test_add_data_func (a, huge_formats[i], test_huge);
    }
  g_test_add_func ("/image-io/empty-and-junk", test_empty_and_junk);
  g_test_add_func ("/image-io/files", test_files);
  g_test_add_func ("/image-io/raw-and-resample", test_raw_and_resample);
  g_test_add_func ("/image-io/real-tiff", test_real_tiff);
  return g_test_run ();
}
