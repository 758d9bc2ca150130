/* bench-synth — speed of the synthetic fingerprint generator.
 *
 *   bench-synth [FINGERS] [IMPRESSIONS_PER_FINGER]
 *
 * Prints the mean time to create a master finger and to render one
 * impression (RL_SYNTH_WIDTH x RL_SYNTH_HEIGHT at 500 ppi), in CPU time
 * of this process (the machine is shared: wall time would count others). */
#include <glib.h>
#include <stdlib.h>
#include <time.h>

#include "rl-synth.h"

static gint64
cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int argc, char **argv)
{
  int fingers = argc > 1 ? atoi (argv[1]) : 20;
  int impressions = argc > 2 ? atoi (argv[2]) : 8;
  gint64 t_finger = 0, t_render = 0;
  guint64 checksum = 0;

  fingers = CLAMP (fingers, 1, 100000);
  impressions = CLAMP (impressions, 0, 1000);
  for (int f = 0; f < fingers; f++)
    {
      gint64 t0 = cpu_us ();
      RlSynthFinger *finger = rl_synth_finger_new ((guint64) f + 1, (RlFingerPosition) (f % 10 + 1));
      /* Ridges grow on first use: include that in the finger's time. */
      rl_image_free (rl_synth_finger_render_master (finger));
      t_finger += cpu_us () - t0;
      for (int i = 0; i < impressions; i++)
        {
          RlSynthImpression imp;
          RlImage *img;
          rl_synth_impression_random ((guint64) f * 1000 + (guint64) i, &imp);
          t0 = cpu_us ();
          img = rl_synth_render (finger, &imp, NULL);
          t_render += cpu_us () - t0;
          checksum += img->pixels[(img->height / 2) * img->width + img->width / 2];
          rl_image_free (img);
        }
      rl_synth_finger_free (finger);
    }
  g_print ("image %dx%d px at 500 ppi\n", RL_SYNTH_WIDTH, RL_SYNTH_HEIGHT);
  g_print ("master finger: %.1f ms (ridge growth included) mean over %d fingers\n", t_finger / 1000.0 / fingers, fingers);
  if (impressions > 0)
    g_print ("impression:    %.1f ms mean over %d renders\n", t_render / 1000.0 / (fingers * impressions), fingers * impressions);
  g_print ("per finger with %d impressions: %.1f ms (checksum %" G_GUINT64_FORMAT ")\n",
           impressions, (t_finger + t_render) / 1000.0 / fingers, checksum);
  return 0;
}
