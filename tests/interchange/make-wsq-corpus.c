/* Writes the WSQ fuzzing seed corpus with OUR encoder from synthetic
 * prints: small, varied sizes and bitrates. Run at build time (meson's
 * fuzz-wsq-seeds target writes build/tests/interchange/seeds-wsq/), so no
 * WSQ file is kept in the source tree. */
#include <glib.h>
#include <stdio.h>

#include "rl-wsq.h"
#include "wsq-test-util.h"

int
main (int argc, char **argv)
{
  static const struct { int w, h; float bitrate; } seeds[] = {
    { 64, 64, 0.75f }, { 96, 80, 0.75f }, { 33, 47, 1.5f }, { 128, 100, 0.3f }, { 70, 91, 2.5f },
  };

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
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autoptr (RlImage) image = wsq_test_synthetic_print (seeds[i].w, seeds[i].h, 100 + i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = rl_wsq_encode (image, seeds[i].bitrate, &error);
      g_autofree char *name = g_strdup_printf ("synthetic-%dx%d-%.2f.wsq", seeds[i].w, seeds[i].h,
                                               (double) seeds[i].bitrate);
      g_autofree char *path = g_build_filename (argv[1], name, NULL);

      if (bytes == NULL ||
          !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
        {
          fprintf (stderr, "%s: %s\n", path, error->message);
          return 1;
        }
      printf ("%s: %" G_GSIZE_FORMAT " bytes\n", path, g_bytes_get_size (bytes));
    }
  return 0;
}
