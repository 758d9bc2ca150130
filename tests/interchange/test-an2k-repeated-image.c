/* NIST's valid1.11 and valid1.16 repeat field 14.999 (a text placeholder
 * first, the WSQ image last): the image Ridgeline takes is the WSQ one, and
 * it decodes to the size the record states. */
#include <glib.h>
#include <string.h>

#include "rl-an2k.h"
#include "rl-image-io.h"

static void
test_repeated_image_field (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  const char *names[] = { "valid1.11.an2", "valid1.16.an2" };

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *path = g_build_filename (shared ? shared : "../shared", "interchange", "an2k", names[f], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RlAn2kTransaction) t = NULL;
      guint type14 = 0;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("shared interchange data not present");
          return;
        }
      t = rl_an2k_read_file (path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < rl_an2k_transaction_get_n_records (t); i++)
        {
          RlAn2kRecord *record = rl_an2k_transaction_get_record (t, i);
          g_auto(RlAn2kImage) image = { 0 };
          g_autoptr(RlImage) decoded = NULL;
          const guint8 *d;

          if (rl_an2k_record_get_type (record) != 14)
            continue;
          g_assert_true (rl_an2k_record_get_image (t, record, &image, &error));
          g_assert_no_error (error);
          d = g_bytes_get_data (image.data, NULL);
          g_assert_cmpuint (d[0], ==, 0xFF);
          g_assert_cmpuint (d[1], ==, 0xA0);
          decoded = rl_image_load_from_data (d, g_bytes_get_size (image.data), 500, &error);
          g_assert_no_error (error);
          g_assert_cmpint (decoded->width, >, 100);
          type14++;
        }
      g_assert_cmpuint (type14, ==, 1);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/an2k/repeated-image-field", test_repeated_image_field);
  return g_test_run ();
}
