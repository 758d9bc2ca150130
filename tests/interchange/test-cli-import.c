/* `ridgeline-cli import` and `export` as a user runs them: the summary says
 * what was imported and what was rejected and why, a second run skips what
 * is there, an export reads back. argv[1]: the ridgeline-cli program. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "rl-an2k.h"
#include "rl-image-io.h"

static const char *cli;

static int
run (char **out, const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  va_list ap;
  int status = 0;

  g_ptr_array_add (args, (char *) cli);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                               &error));
  g_assert_no_error (error);
  g_test_message ("stdout:\n%s\nstderr:\n%s", *out, err);
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

static void
write_transaction (const char *path, const char *family, gboolean truncate)
{
  g_autoptr(RlAn2kTransaction) t = rl_an2k_transaction_new ("0500");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RlAn2kRecord *type2 = rl_an2k_transaction_add_record (t, 2, 0);
  const char *name[] = { family, "JO" };
  guint8 wsq[64] = { 0xff, 0xa0, 0xff, 0xa2, 0x00, 0x11, 0x00, 0xff, 0x00, 0x50, 0x00, 0x40 };
  RlAn2kImage image = { .width = 64, .height = 80, .ppi = 500, .finger = 3, .compression = RL_AN2K_COMPRESSION_WSQ };

  wsq[20] = (guint8) family[0];
  rl_an2k_record_set_text (rl_an2k_transaction_get_record (t, 0), 8, "CLITEST");
  rl_an2k_field_add_subfield (rl_an2k_record_set_field (type2, 18), name, 2);
  image.data = g_bytes_new (wsq, sizeof wsq);
  g_assert_nonnull (rl_an2k_transaction_add_fingerprint (t, 4, &image, &error));
  g_bytes_unref (image.data);
  bytes = rl_an2k_write (t, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes) - (truncate ? 30 : 0), NULL));
}

static void
test_import_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-cli-import-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *good = g_build_filename (in, "good.an2", NULL);
  g_autofree char *bad = g_build_filename (in, "bad.an2", NULL);
  g_autofree char *png_path = g_build_filename (in, "z101_1.png", NULL);
  g_autofree char *exported = g_build_filename (dir, "out.an2", NULL);
  g_autofree char *out = NULL;
  g_autoptr(RlImage) image = rl_image_new (70, 90, 500);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAn2kTransaction) back = NULL;

  g_mkdir (in, 0755);
  write_transaction (good, "ADEYEMI", FALSE);
  write_transaction (bad, "BROKEN", TRUE);
  png = rl_image_encode (image, "png", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));

  /* One file rejected: exit status 1, and the summary says which and why. */
  g_assert_cmpint (run (&out, "import", in, "--db", db, "--no-templates", "-q", NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Imported 2 files"));
  g_assert_nonnull (strstr (out, "Rejected 1 file"));
  g_assert_nonnull (strstr (out, "bad.an2"));
  g_assert_nonnull (strstr (out, "4.001 (LEN)"));
  g_clear_pointer (&out, g_free);

  /* Again: the two good files are skipped. */
  g_assert_cmpint (run (&out, "import", good, png_path, "--db", db, "--no-templates", "-q", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Skipped 2 files imported before"));
  g_clear_pointer (&out, g_free);

  /* Export needs a purpose; then writes a transaction that reads back. */
  g_assert_cmpint (run (&out, "export", "--db", db, "--encounter", "1", "-o", exported, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, "export", "--db", db, "--encounter", "1", "--purpose", "case 12", "-o", exported, NULL),
                   ==, 0);
  back = rl_an2k_read_file (exported, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rl_an2k_field_get_item (rl_an2k_record_get_field (rl_an2k_transaction_find_record (back, 2), 18),
                                           0, 0), ==, "ADEYEMI");
  g_assert_nonnull (rl_an2k_transaction_find_record (back, 4));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: test-cli-import RIDGELINE-CLI\n");
      return 2;
    }
  cli = argv[1];
  g_test_add_func ("/cli/import-export", test_import_export);
  return g_test_run ();
}
