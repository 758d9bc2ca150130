/* ridgeline-cli convert, run as a user would: PGM → WSQ → PNG → TIFF → JPEG
 * → PGM, the bitrate option, the resolution kept in WSQ, and the errors a
 * user gets for bad arguments and bad files. The program's path comes from
 * RIDGELINE_CLI (set by meson). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "rl-image-io.h"
#include "rl-wsq.h"
#include "wsq-test-util.h"

static char *tmp_dir;

typedef struct {
  int   status;
  char *out, *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static Run
run_cli (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  Run r = { 0 };
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, (char *) g_getenv ("RIDGELINE_CLI"));
  g_ptr_array_add (argv, "convert");
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &wait_status, &error));
  g_assert_no_error (error);
  r.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return r;
}

static char *
tmp (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static void
test_convert_chain (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (320, 300, 77);
  g_autofree char *pgm = tmp ("print.pgm"), *wsq = tmp ("print.wsq"), *png = tmp ("print.png");
  g_autofree char *tif = tmp ("print.tif"), *jpg = tmp ("print.jpg"), *back = tmp ("back.pgm");
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) after_wsq = NULL;
  g_autoptr (RlImage) after_png = NULL;
  g_autoptr (RlImage) final = NULL;
  Run r;

  g_assert_true (rl_image_save (original, pgm, &error));

  r = run_cli (pgm, wsq, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "wsq"));
  g_assert_nonnull (strstr (r.out, "bits per pixel"));
  run_clear (&r);
  after_wsq = rl_image_load (wsq, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (wsq_test_psnr (original, after_wsq), >, 25.0);

  /* WSQ → PNG is lossless from there on. */
  r = run_cli (wsq, png, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  after_png = rl_image_load (png, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (wsq_test_psnr (after_wsq, after_png), ==, 99.0);

  r = run_cli (png, tif, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run_cli (tif, jpg, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run_cli (jpg, back, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  final = rl_image_load (back, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (final->width, ==, 320);
  g_assert_cmpint (final->height, ==, 300);
  g_assert_cmpfloat (wsq_test_psnr (after_wsq, final), >, 30.0);
}

static void
test_convert_bitrate_and_ppi (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (256, 256, 78);
  g_autofree char *pgm = tmp ("rate.pgm"), *low = tmp ("low.wsq"), *high = tmp ("high.wsq");
  g_autoptr (GError) error = NULL;
  g_autoptr (RlImage) decoded = NULL;
  GStatBuf st_low, st_high;
  Run r;

  g_assert_true (rl_image_save (original, pgm, &error));
  r = run_cli ("--bitrate", "0.3", pgm, low, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  r = run_cli ("--bitrate", "2.25", "--ppi", "1000", pgm, high, NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  g_assert_cmpint (g_stat (low, &st_low), ==, 0);
  g_assert_cmpint (g_stat (high, &st_high), ==, 0);
  g_assert_cmpint (st_low.st_size * 3, <, st_high.st_size);

  /* The resolution given is recorded in the WSQ file. */
  decoded = rl_image_load (high, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->ppi, ==, 1000);
}

static void
test_convert_errors (void)
{
  g_autoptr (RlImage) original = wsq_test_synthetic_print (128, 128, 79);
  g_autofree char *pgm = tmp ("err.pgm"), *wsq = tmp ("err.wsq"), *cut = tmp ("cut.wsq");
  g_autofree char *out = tmp ("out.png"), *never = tmp ("never.wsq");
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  Run r;

  g_assert_true (rl_image_save (original, pgm, &error));
  g_assert_true (rl_image_save (original, wsq, &error));

  /* Unknown output extension. */
  r = run_cli (pgm, "print.xyz", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "extension"));
  run_clear (&r);

  /* --bitrate with a lossless output. */
  r = run_cli ("--bitrate", "1", pgm, out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "WSQ"));
  run_clear (&r);

  /* Out-of-range bitrate. */
  r = run_cli ("--bitrate", "0", pgm, never, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  /* Missing input. */
  r = run_cli ("/nonexistent/print.wsq", out, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/nonexistent/print.wsq"));
  run_clear (&r);

  /* A truncated WSQ: the error names the file, the format and the byte. */
  g_assert_true (g_file_get_contents (wsq, &data, &len, &error));
  g_assert_true (g_file_set_contents (cut, data, (gssize) (len * 2 / 3), &error));
  r = run_cli (cut, out, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "cut.wsq"));
  g_assert_nonnull (strstr (r.err, "WSQ"));
  g_assert_nonnull (strstr (r.err, "byte"));
  run_clear (&r);
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));

  /* Wrong number of arguments. */
  r = run_cli (pgm, NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("RIDGELINE_CLI") == NULL)
    {
      g_printerr ("RIDGELINE_CLI is not set: skipping\n");
      return 77;
    }
  tmp_dir = g_dir_make_tmp ("rl-convert-XXXXXX", NULL);
  g_test_add_func ("/convert/chain", test_convert_chain);
  g_test_add_func ("/convert/bitrate-and-ppi", test_convert_bitrate_and_ppi);
  g_test_add_func ("/convert/errors", test_convert_errors);
  status = g_test_run ();
  {
    g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmp_dir);
  }
  return status;
}
