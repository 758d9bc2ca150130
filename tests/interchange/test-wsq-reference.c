/* Our WSQ codec against NIST's reference (NBIS cwsq/dwsq) on the four
 * FVC2002 prints in ../shared/interchange/wsq: the decoder must reproduce
 * dwsq's output within ±1 grey level per pixel, and our encoder's files,
 * decoded by us, must be at least as close to the original as cwsq's at the
 * same bitrate (0.75). Skips (77) when the shared data is absent. */
#include <glib.h>
#include <stdlib.h>

#include "rl-compare.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-wsq.h"
#include "wsq-test-util.h"

static const char *const names[] = {
  "FVC2002_DB1_B-101_1", "FVC2002_DB1_B-105_3", "FVC2002_DB3_B-102_1", "FVC2002_DB3_B-108_5",
};

static char *wsq_dir;

static char *
path_for (const char *name, const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  return g_build_filename (wsq_dir, file, NULL);
}

static void
test_decoder_matches_nbis (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *wsq_path = path_for (names[i], ".wsq");
      g_autofree char *ref_path = path_for (names[i], ".nbis-decoded.pgm");
      g_autofree char *data = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (RlImage) ours = NULL;
      g_autoptr (RlImage) reference = NULL;
      gsize len, n_different;
      int worst;

      g_assert_true (g_file_get_contents (wsq_path, &data, &len, &error));
      ours = rl_wsq_decode ((const guint8 *) data, len, &error);
      g_assert_no_error (error);
      reference = wsq_test_load_pgm (ref_path, &error);
      g_assert_no_error (error);

      g_assert_cmpint (ours->width, ==, reference->width);
      g_assert_cmpint (ours->height, ==, reference->height);
      g_assert_cmpint (ours->ppi, ==, 500);
      worst = wsq_test_max_difference (ours, reference, &n_different);
      g_test_message ("%s: %d x %d, max difference %d grey level(s), %" G_GSIZE_FORMAT
                      " pixel(s) differ", names[i], ours->width, ours->height, worst, n_different);
      g_assert_cmpint (worst, <=, 1);
    }
}

static void
test_encoder_psnr_vs_nbis (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *wsq_path = path_for (names[i], ".wsq");
      g_autofree char *ref_path = path_for (names[i], ".nbis-decoded.pgm");
      g_autofree char *orig_path = path_for (names[i], ".original.pgm");
      g_autofree char *ref_data = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (RlImage) original = NULL;
      g_autoptr (RlImage) reference = NULL;
      g_autoptr (RlImage) ours = NULL;
      g_autoptr (GBytes) encoded = NULL;
      gsize ref_len, our_len;
      const guint8 *our_data;
      double ref_psnr, our_psnr;

      g_assert_true (g_file_get_contents (wsq_path, &ref_data, &ref_len, &error));
      original = wsq_test_load_pgm (orig_path, &error);
      g_assert_no_error (error);
      reference = wsq_test_load_pgm (ref_path, &error);
      g_assert_no_error (error);

      encoded = rl_wsq_encode (original, 0.75f, &error);
      g_assert_no_error (error);
      our_data = g_bytes_get_data (encoded, &our_len);
      ours = rl_wsq_decode (our_data, our_len, &error);
      g_assert_no_error (error);

      ref_psnr = wsq_test_psnr (reference, original);
      our_psnr = wsq_test_psnr (ours, original);
      g_test_message ("%s: NBIS %" G_GSIZE_FORMAT " bytes %.4f dB, ours %" G_GSIZE_FORMAT
                      " bytes %.4f dB", names[i], ref_len, ref_psnr, our_len, our_psnr);
      /* No worse than the reference; 0.005 dB is float noise between
       * compilers, far below anything visible. */
      g_assert_cmpfloat (our_psnr, >=, ref_psnr - 0.005);
      /* ...and not by spending more bits. */
      g_assert_cmpuint (our_len, <=, ref_len + ref_len / 100);
    }
}

/* A reference file re-encoded by us and decoded again still matches. */
static void
test_reencode_reference (void)
{
  g_autofree char *wsq_path = path_for (names[2], ".wsq");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) first = NULL;
  g_autoptr (RlImage) second = NULL;
  g_autoptr (GBytes) encoded = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (wsq_path, &data, &len, &error));
  first = rl_wsq_decode ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  encoded = rl_wsq_encode (first, 0.75f, &error);
  g_assert_no_error (error);
  second = rl_wsq_decode (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (wsq_test_psnr (first, second), >, 30.0);
}

/* The matcher takes WSQ files directly: a print loaded from NIST's WSQ file
 * matches the same print loaded from the uncompressed original, far above
 * the threshold for a one-in-ten-thousand false-match rate. */
static void
test_matcher_takes_wsq (void)
{
  g_autofree char *wsq_path = path_for (names[3], ".wsq");
  g_autofree char *orig_path = path_for (names[3], ".original.pgm");
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) from_wsq = rl_image_load (wsq_path, 0, &error);
  g_autoptr (RlImage) original = NULL;
  g_autoptr (RlTemplate) a = NULL;
  g_autoptr (RlTemplate) b = NULL;
  float score;

  g_assert_no_error (error);
  original = rl_image_load (orig_path, 0, &error);
  g_assert_no_error (error);
  a = rl_extract_template (from_wsq, &error);
  g_assert_no_error (error);
  b = rl_extract_template (original, &error);
  g_assert_no_error (error);
  score = rl_compare (a, b, NULL);
  g_test_message ("%s: %u minutiae from the WSQ file, %u from the original, score %.1f "
                  "(threshold at FMR 1e-4: %.1f)", names[3], a->n_minutiae, b->n_minutiae,
                  score, rl_score_for_fmr (1e-4));
  g_assert_cmpuint (a->n_minutiae, >, 10);
  g_assert_cmpfloat (score, >, rl_score_for_fmr (1e-4));
}

int
main (int argc, char **argv)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");

  g_test_init (&argc, &argv, NULL);
  wsq_dir = g_build_filename (shared ? shared : "../shared", "interchange", "wsq", NULL);
  if (!g_file_test (wsq_dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("%s is absent: skipping\n", wsq_dir);
      return 77;
    }
  g_test_add_func ("/wsq/reference/decoder-matches-nbis", test_decoder_matches_nbis);
  g_test_add_func ("/wsq/reference/encoder-psnr-vs-nbis", test_encoder_psnr_vs_nbis);
  g_test_add_func ("/wsq/reference/reencode", test_reencode_reference);
  g_test_add_func ("/wsq/reference/matcher-takes-wsq", test_matcher_takes_wsq);
  return g_test_run ();
}
