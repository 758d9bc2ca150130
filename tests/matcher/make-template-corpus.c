/* Writes the template fuzzing seed corpus with OUR writers at build time
 * (meson's fuzz-template-seeds target): an ISO/IEC 19794-2 record with three
 * minutiae and an ANSI INCITS 378 record with minutiae, a core and a delta.
 * No minutiae record is kept in the source tree.
 *   make-template-corpus DIR */
#include <glib.h>
#include <math.h>
#include <stdio.h>

#include "rl-template-io.h"

static RlTemplate *
seed_template (guint n_minutiae, gboolean singularities)
{
  RlTemplate *tpl = rl_template_new (n_minutiae, singularities ? 2 : 0);

  tpl->width = 300;
  tpl->height = 400;
  tpl->finger = RL_FINGER_RIGHT_INDEX;
  tpl->impression = RL_IMPRESSION_PLAIN;
  tpl->quality = 60;
  for (guint i = 0; i < n_minutiae; i++)
    tpl->minutiae[i] = (RlMinutia) {
      .x = 40.0f + 37.0f * i, .y = 60.0f + 29.0f * i, .angle = fmodf (0.7f * (i + 1), 2.0f * (float) G_PI),
      .kind = i % 2 ? RL_MINUTIA_BIFURCATION : RL_MINUTIA_ENDING, .reliability = 50 + 10 * (i % 4),
    };
  if (singularities)
    {
      tpl->singularities[0] = (RlSingularity) { .x = 150, .y = 180, .angle = 1.0f, .kind = RL_SINGULARITY_CORE, .reliability = 80 };
      tpl->singularities[1] = (RlSingularity) { .x = 90, .y = 300, .angle = 2.0f, .kind = RL_SINGULARITY_DELTA, .reliability = 70 };
    }
  return tpl;
}

static gboolean
write_seed (const char *dir, const char *name, GBytes *bytes, GError *error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (bytes == NULL ||
      !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      fprintf (stderr, "%s: %s\n", path, error ? error->message : "not written");
      g_clear_error (&error);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (RlTemplate) iso = NULL, ansi = NULL;
  g_autoptr (GBytes) iso_bytes = NULL, ansi_bytes = NULL;
  GError *iso_error = NULL, *ansi_error = NULL;

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
  iso = seed_template (3, FALSE);
  ansi = seed_template (5, TRUE);
  iso_bytes = rl_template_to_iso19794_2 (iso, &iso_error);
  ansi_bytes = rl_template_to_ansi378 (ansi, &ansi_error);
  return write_seed (argv[1], "iso-3-minutiae", iso_bytes, iso_error)
         && write_seed (argv[1], "ansi-core-delta", ansi_bytes, ansi_error) ? 0 : 1;
}
