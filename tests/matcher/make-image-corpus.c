/* Writes the image reader's fuzzing seeds from synthetic prints with OUR
 * encoders (PNG, BMP, JPEG, TIFF, binary PGM) and a hand-written ASCII PGM.
 * Run at build time (meson's fuzz-image-seeds target writes
 * build/tests/matcher/seeds-image/), so no image file is kept in the source
 * tree. */
#include <glib.h>
#include <stdio.h>

#include "rl-image-io.h"
#include "../interchange/wsq-test-util.h"

static gboolean
write_seed (const char *dir, const char *name, GBytes *bytes, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    return FALSE;
  printf ("%s: %" G_GSIZE_FORMAT " bytes\n", path, g_bytes_get_size (bytes));
  return TRUE;
}

/* The plain (P2) variant of PGM, with a maxval below 255 so the reader's
 * rescaling is reached: our encoder writes only P5 at 255. */
static GBytes *
ascii_pgm (const RlImage *image)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "P2\n# ascii\n%d %d\n15\n", image->width, image->height);
  for (int y = 0; y < image->height; y++)
    {
      for (int x = 0; x < image->width; x++)
        g_string_append_printf (out, "%d ", image->pixels[(gsize) y * image->width + x] / 17);
      g_string_append_c (out, '\n');
    }
  return g_string_free_to_bytes (out);
}

int
main (int argc, char **argv)
{
  static const char *const formats[] = { "png", "bmp", "jpeg", "tiff", "pgm" };
  g_autoptr (GError) error = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DIR\n", argv[0]);
      return 2;
    }
  if (g_mkdir_with_parents (argv[1], 0755) != 0)
    {
      fprintf (stderr, "%s: cannot create the folder\n", argv[1]);
      return 1;
    }
  /* 64 pixels a side at least: smaller images are refused before the
   * decoded pixels reach most of the reader (seeds that small covered half
   * as much). */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr (RlImage) image = wsq_test_synthetic_print (64 + 8 * i, 64 + 6 * i, 200 + i);
      g_autoptr (GBytes) bytes = rl_image_encode (image, formats[i], &error);
      g_autofree char *name = g_strdup_printf ("synthetic.%s", formats[i]);

      if (bytes == NULL || !write_seed (argv[1], name, bytes, &error))
        {
          fprintf (stderr, "%s: %s\n", name, error->message);
          return 1;
        }
    }
  {
    g_autoptr (RlImage) image = wsq_test_synthetic_print (64, 64, 299);
    g_autoptr (GBytes) bytes = ascii_pgm (image);

    if (!write_seed (argv[1], "synthetic-ascii.pgm", bytes, &error))
      {
        fprintf (stderr, "synthetic-ascii.pgm: %s\n", error->message);
        return 1;
      }
  }
  return 0;
}
