/* WSQ codec on synthetic prints: round trips at several sizes and bitrates,
 * and every kind of bad input a file can throw at the decoder (truncation,
 * wrong lengths, lying headers, huge sizes, bad Huffman tables, random
 * damage) — each must give a clear error, never a crash. */
#include <glib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rl-image-io.h"
#include "rl-wsq.h"
#include "wsq-test-util.h"

static GBytes *
encode_synthetic (int width, int height, guint32 seed, float bitrate)
{
  g_autoptr (RlImage) image = wsq_test_synthetic_print (width, height, seed);
  g_autoptr (GError) error = NULL;
  GBytes *bytes = rl_wsq_encode (image, bitrate, &error);

  g_assert_no_error (error);
  return bytes;
}

/* Offset of the n-th (0-based) marker FF <code>, found by walking the file's
 * structure (segment lengths, then entropy-coded data up to the next marker). */
static gssize
find_marker (const guint8 *d, gsize len, guint code, int nth)
{
  gsize pos = 2;

  while (pos + 1 < len)
    {
      guint m = d[pos + 1];

      if (d[pos] != 0xFF)
        return -1;
      if (m == code && nth-- == 0)
        return (gssize) pos;
      if (m == 0xA1)
        return -1;
      pos += 2 + (((gsize) d[pos + 2] << 8) | d[pos + 3]);
      if (m == 0xA3)
        while (pos + 1 < len && !(d[pos] == 0xFF && d[pos + 1] != 0x00))
          pos++;
    }
  return -1;
}

static void
assert_bad (const guint8 *data, gsize len, const char *expect_in_message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) image = rl_wsq_decode (data, len, &error);

  g_assert_null (image);
  g_assert_error (error, RL_MATCHER_ERROR, error->code);
  g_assert_nonnull (strstr (error->message, "byte"));
  if (expect_in_message && strstr (error->message, expect_in_message) == NULL)
    g_error ("error “%s” does not mention “%s”", error->message, expect_in_message);
}

static void
test_round_trip_sizes (void)
{
  /* Odd and even sides exercise every split of the subband tree. */
  static const int sizes[][2] = { { 256, 256 }, { 301, 257 }, { 388, 374 }, { 97, 131 }, { 64, 64 }, { 33, 17 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int w = sizes[i][0], h = sizes[i][1];
      g_autoptr (RlImage) original = wsq_test_synthetic_print (w, h, 7 + i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = rl_wsq_encode (original, 0.75f, &error);
      g_autoptr (RlImage) decoded = NULL;
      double psnr;

      g_assert_no_error (error);
      decoded = rl_wsq_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      g_assert_cmpint (decoded->width, ==, w);
      g_assert_cmpint (decoded->height, ==, h);
      psnr = wsq_test_psnr (original, decoded);
      g_test_message ("%d x %d: %" G_GSIZE_FORMAT " bytes, %.2f dB", w, h, g_bytes_get_size (bytes), psnr);
      /* A ridge pattern at 0.75 bpp keeps its ridges: well over 20 dB. */
      if (w >= 96 && h >= 96)
        g_assert_cmpfloat (psnr, >, 22.0);
    }
}

static void
test_bitrate_trades_size_for_quality (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (300, 300, 42);
  double last_psnr = 0.0;
  gsize last_size = 0;
  static const float rates[] = { 0.3f, 0.75f, 2.0f };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = rl_wsq_encode (original, rates[i], &error);
      g_autoptr (RlImage) decoded = NULL;
      double psnr;

      g_assert_no_error (error);
      decoded = rl_wsq_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
      g_assert_no_error (error);
      psnr = wsq_test_psnr (original, decoded);
      g_test_message ("bitrate %.2f: %" G_GSIZE_FORMAT " bytes, %.2f dB", rates[i],
                      g_bytes_get_size (bytes), psnr);
      g_assert_cmpuint (g_bytes_get_size (bytes), >, last_size);
      g_assert_cmpfloat (psnr, >, last_psnr);
      last_size = g_bytes_get_size (bytes);
      last_psnr = psnr;
    }
}

static void
test_resolution_and_blank (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (128, 160, 3);
  g_autoptr (RlImage) blank = rl_image_new (100, 80, 500);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (RlImage) decoded = NULL;

  /* The resolution survives in the NIST_COM comment. */
  original->ppi = 1000;
  bytes = rl_wsq_encode (original, 0.75f, &error);
  g_assert_no_error (error);
  decoded = rl_wsq_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->ppi, ==, 1000);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&decoded, rl_image_free);

  /* A blank image drops every subband and still comes back blank. */
  memset (blank->pixels, 200, 100 * 80);
  bytes = rl_wsq_encode (blank, 0.75f, &error);
  g_assert_no_error (error);
  decoded = rl_wsq_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  for (int i = 0; i < 100 * 80; i++)
    g_assert_cmpint (ABS (decoded->pixels[i] - 200), <=, 1);
}

static void
test_encoder_rejects_bad_arguments (void)
{
  g_autoptr (RlImage) image = wsq_test_synthetic_print (64, 64, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = rl_wsq_encode (image, 0.0f, &error);
  g_assert_null (bytes);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
  g_clear_error (&error);
  bytes = rl_wsq_encode (image, 100.0f, &error);
  g_assert_null (bytes);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
}

static void
test_not_wsq (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
  g_autoptr (GError) error = NULL;

  g_assert_null (rl_wsq_decode (png, sizeof png, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (rl_wsq_decode (png, 0, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT);
  g_assert_false (rl_wsq_has_magic (png, sizeof png));
}

/* Every prefix of a valid file is an error, never a crash or an image. */
static void
test_truncated_everywhere (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (80, 72, 5, 0.75f);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);
      assert_bad (copy, cut, NULL);
    }
}

static void
test_wrong_lengths (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (96, 96, 9, 0.75f);
  gsize len;
  g_autofree guint8 *d = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  gssize dqt = find_marker (d, len, 0xA5, 0);
  gssize sof = find_marker (d, len, 0xA2, 0);

  g_assert_cmpint (dqt, >, 0);
  g_assert_cmpint (sof, >, 0);

  /* DQT claims to be shorter than its 64 subbands. */
  d[dqt + 2] = 0x00;
  d[dqt + 3] = 0x20;
  assert_bad (d, len, "DQT");
  memcpy (d, g_bytes_get_data (bytes, NULL), len);

  /* DQT claims more bytes than the file has. */
  d[dqt + 2] = 0xFF;
  d[dqt + 3] = 0xF0;
  assert_bad (d, len, "DQT");
  memcpy (d, g_bytes_get_data (bytes, NULL), len);

  /* SOF one byte longer than its fields: the extra byte is reported. */
  d[sof + 3] += 1;
  assert_bad (d, len, "SOF");
}

static void
test_lying_headers (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (96, 96, 11, 0.75f);
  gsize len;
  g_autofree guint8 *d = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  gssize sof = find_marker (d, len, 0xA2, 0);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sof, >, 0);

  /* Huge declared size: refused before any allocation. */
  d[sof + 6] = 0xFF; d[sof + 7] = 0xFF;   /* height 65535 */
  d[sof + 8] = 0xFF; d[sof + 9] = 0xFF;   /* width 65535 */
  g_assert_null (rl_wsq_decode (d, len, &error));
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "SOF"));
  g_clear_error (&error);

  /* Zero width. */
  d[sof + 6] = 0x00; d[sof + 7] = 96;
  d[sof + 8] = 0x00; d[sof + 9] = 0x00;
  assert_bad (d, len, "empty");

  /* Larger than the data: the coded coefficients run out. */
  d[sof + 8] = 0x00; d[sof + 9] = 200;
  assert_bad (d, len, "incomplete");

  /* Smaller than the data: too many coefficients. */
  d[sof + 8] = 0x00; d[sof + 9] = 40;
  assert_bad (d, len, "more coefficients");
}

static void
test_bad_tables (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (96, 96, 13, 0.75f);
  gsize len;
  const guint8 *orig = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *d = g_memdup2 (orig, len);
  gssize dht = find_marker (d, len, 0xA6, 0);
  gssize sob = find_marker (d, len, 0xA3, 0);
  gssize dtt = find_marker (d, len, 0xA4, 0);

  g_assert_cmpint (dht, >, 0);
  g_assert_cmpint (sob, >, 0);
  g_assert_cmpint (dtt, >, 0);

  /* Three codes of length 1 cannot exist. */
  d[dht + 5] = 3;
  assert_bad (d, len, "DHT");
  memcpy (d, orig, len);

  /* Table id out of range. */
  d[dht + 4] = 9;
  assert_bad (d, len, "table id");
  memcpy (d, orig, len);

  /* A block that uses a table nobody defined. */
  d[sob + 4] = 5;
  assert_bad (d, len, "not defined");
  memcpy (d, orig, len);

  /* Even-length filters are outside what we support: said so. */
  d[dtt + 4] = 8;
  assert_bad (d, len, "even length");
  memcpy (d, orig, len);

  /* Filter length beyond any real filter. */
  d[dtt + 4] = 99;
  assert_bad (d, len, "out of range");
  memcpy (d, orig, len);

  /* A marker byte where a marker must be. */
  d[2] = 0x12;
  assert_bad (d, len, "marker");
}

/* A restart interval (DRT) and restart markers (RST0-7) between coded
 * bytes are accepted: the image decodes exactly as without them. */
static void
test_restart_markers (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (120, 100, 19, 0.75f);
  gsize len;
  const guint8 *orig = g_bytes_get_data (bytes, &len);
  gssize sob = find_marker (orig, len, 0xA3, 0);
  gssize after = find_marker (orig, len, 0xA3, 1);
  g_autoptr (GByteArray) d = g_byte_array_new ();
  static const guint8 drt[] = { 0xFF, 0xA7, 0x00, 0x04, 0x00, 0x10 };
  static const guint8 rst[] = { 0xFF, 0xB3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) plain = NULL;
  g_autoptr (RlImage) restarted = NULL;
  gssize next;

  g_assert_cmpint (sob, >, 0);
  g_assert_cmpint (after, >, sob);
  /* The marker that ends the first block (a DHT or the second SOB). */
  next = find_marker (orig, len, 0xA6, 1) > sob ? find_marker (orig, len, 0xA6, 1) : after;
  g_byte_array_append (d, orig, 2);
  g_byte_array_append (d, drt, sizeof drt);
  g_byte_array_append (d, orig + 2, (guint) (next - 2));
  g_byte_array_append (d, rst, sizeof rst);
  g_byte_array_append (d, orig + next, (guint) (len - (gsize) next));

  plain = rl_wsq_decode (orig, len, &error);
  g_assert_no_error (error);
  restarted = rl_wsq_decode (d->data, d->len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (plain->pixels, 120 * 100, restarted->pixels, 120 * 100);
}

/* Damage at every byte: errors or (for harmless changes) images of the
 * declared size; never a crash. ASan/UBSan watch the rest. */
static void
test_random_damage (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (72, 64, 17, 0.75f);
  gsize len;
  const guint8 *orig = g_bytes_get_data (bytes, &len);
  GRand *rand = g_rand_new_with_seed (1234);

  for (gsize pos = 2; pos < len; pos++)
    {
      g_autofree guint8 *d = g_memdup2 (orig, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (RlImage) image = NULL;

      d[pos] ^= (guint8) g_rand_int_range (rand, 1, 256);
      image = rl_wsq_decode (d, len, &error);
      g_assert_true ((image == NULL) != (error == NULL));
      if (image)
        g_assert_cmpint (image->width * image->height, >, 0);
    }
  g_rand_free (rand);
}

/* The matcher's image loader takes WSQ like any other format. */
static void
test_image_io_reads_and_writes_wsq (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (200, 180, 21);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (RlImage) loaded = NULL;
  g_autoptr (RlImage) reloaded = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rl-wsq-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "print.wsq", NULL);

  original->ppi = 1000;
  bytes = rl_image_encode (original, "wsq", &error);
  g_assert_no_error (error);
  g_assert_true (rl_wsq_has_magic (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));

  /* ppi 0: the file's own resolution; an explicit ppi wins. */
  loaded = rl_image_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->width, ==, 200);
  g_assert_cmpint (loaded->height, ==, 180);
  g_assert_cmpint (loaded->ppi, ==, 1000);
  g_assert_cmpfloat (wsq_test_psnr (original, loaded), >, 25.0);
  g_clear_pointer (&loaded, rl_image_free);
  loaded = rl_image_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 500, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->ppi, ==, 500);

  /* Saving by extension, then loading the file. */
  g_assert_true (rl_image_save (loaded, path, &error));
  g_assert_no_error (error);
  reloaded = rl_image_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reloaded->width, ==, 200);
  g_assert_cmpfloat (wsq_test_psnr (loaded, reloaded), >, 25.0);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_image_io_reports_bad_wsq (void)
{
  g_autoptr (GBytes) bytes = encode_synthetic (96, 96, 23, 0.75f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) image = NULL;

  /* Truncated: the codec's error, with its byte offset, comes through. */
  image = rl_image_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2, 0, &error);
  g_assert_null (image);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "WSQ"));
  g_assert_nonnull (strstr (error->message, "byte"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wsq/round-trip/sizes", test_round_trip_sizes);
  g_test_add_func ("/wsq/round-trip/bitrate", test_bitrate_trades_size_for_quality);
  g_test_add_func ("/wsq/round-trip/resolution-and-blank", test_resolution_and_blank);
  g_test_add_func ("/wsq/encode/bad-arguments", test_encoder_rejects_bad_arguments);
  g_test_add_func ("/wsq/image-io/read-write", test_image_io_reads_and_writes_wsq);
  g_test_add_func ("/wsq/image-io/bad-wsq", test_image_io_reports_bad_wsq);
  g_test_add_func ("/wsq/bad-input/not-wsq", test_not_wsq);
  g_test_add_func ("/wsq/bad-input/truncated", test_truncated_everywhere);
  g_test_add_func ("/wsq/bad-input/wrong-lengths", test_wrong_lengths);
  g_test_add_func ("/wsq/bad-input/lying-headers", test_lying_headers);
  g_test_add_func ("/wsq/bad-input/bad-tables", test_bad_tables);
  g_test_add_func ("/wsq/bad-input/random-damage", test_random_damage);
  g_test_add_func ("/wsq/decode/restart-markers", test_restart_markers);
  return g_test_run ();
}
