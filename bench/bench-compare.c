/* bench-compare.c — 1:1 comparison rate, templates in memory, one thread.
 *
 *   bench-compare [--dump FILE] [--rounds N] [--loops NAME] [TEMPLATE_DIR…]
 *
 * Default: the commercial extractor's ISO templates of the four FVC sets in
 * ../shared/interchange/iso19794-2. Every pair of templates within each set
 * is compared (3,160 per set); prints comparisons per second for prepared
 * templates (descriptors computed once, as in a gallery), the time to
 * prepare a template, and the rate of rl_compare() on raw templates.
 * Times are this thread's CPU time (the machine is shared). --dump writes
 * every score (hexadecimal float, one per pair) to FILE, to check that a
 * change to the comparison's speed left its scores alone, bit for bit.
 * --rounds N times the prepared comparisons over N rounds instead of 3
 * (a longer run for a profiler). --loops portable|popcnt|avx2|avx512 runs
 * the comparison with those loops instead of the fastest this CPU has. */
#include <glib.h>
#include <stdio.h>
#include <time.h>

/* The machine is shared: time what this thread gets of the CPU, in µs. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#include "rl-compare.h"
#include "rl-compare-private.h"
#include "rl-eval.h"

int
main (int argc, char **argv)
{
  const char *sets[] = { "FVC2002_DB1_B", "FVC2002_DB3_B", "FVC2004_DB1_B", "FVC2004_DB3_B" };
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_evaluation_free);
  guint64 n_cmp = 0, n_raw = 0, n_prep = 0;
  double t_cmp = 0, t_raw = 0, t_prep = 0, checksum = 0;
  FILE *dump = NULL;
  guint rounds = 3;

  while (argc > 2 && (g_str_equal (argv[1], "--dump") || g_str_equal (argv[1], "--rounds")
                       || g_str_equal (argv[1], "--loops")))
    {
      if (g_str_equal (argv[1], "--loops"))
        {
          const char *names[] = { "portable", "popcnt", "avx512", "avx2" };
          int loops = -2;

          for (guint k = 0; k < G_N_ELEMENTS (names); k++)
            if (g_str_equal (argv[2], names[k]))
              loops = (int) k;
          if (loops == -2)
            {
              fprintf (stderr, "bench-compare: --loops takes portable, popcnt, avx2 or avx512, not '%s'\n", argv[2]);
              return 1;
            }
          if (!rl_compare_set_loops ((RlCompareLoops) loops))
            {
              fprintf (stderr, "bench-compare: this CPU cannot run the %s loops\n", argv[2]);
              return 1;
            }
        }
      else if (g_str_equal (argv[1], "--rounds"))
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (argv[2], 10, 1, 1000, &v, NULL))
            {
              fprintf (stderr, "bench-compare: --rounds takes a number from 1 to 1000, not '%s'\n", argv[2]);
              return 1;
            }
          rounds = (guint) v;
        }
      else
        {
          if (dump != NULL)
            fclose (dump);
          dump = fopen (argv[2], "w");
          if (dump == NULL)
            {
              fprintf (stderr, "bench-compare: cannot write %s\n", argv[2]);
              return 1;
            }
        }
      argc -= 2;
      argv += 2;
    }
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      g_ptr_array_add (dirs, g_strdup (argv[i]));
  else
    for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
      g_ptr_array_add (dirs, g_build_filename (g_getenv ("RIDGELINE_SHARED") ? g_getenv ("RIDGELINE_SHARED") : "../shared",
                                               "interchange", "iso19794-2", sets[i], NULL));

  for (guint d = 0; d < dirs->len; d++)
    {
      g_autoptr (GError) error = NULL;
      RlEvaluation *ev = rl_evaluation_new_from_folder (g_ptr_array_index (dirs, d), 0, TRUE, &error);
      guint n;
      g_autofree RlPreparedTemplate **p = NULL;
      gint64 start;

      if (ev == NULL)
        {
          fprintf (stderr, "bench-compare: %s\n", error->message);
          return 1;
        }
      g_ptr_array_add (all, ev);
      n = rl_evaluation_get_n_templates (ev);
      p = g_new (RlPreparedTemplate *, n);

      start = cpu_now ();
      for (guint i = 0; i < n; i++)
        p[i] = rl_prepared_template_new (rl_evaluation_get_template (ev, i));
      t_prep += (cpu_now () - start) / 1e6;
      n_prep += n;

      /* three rounds over every pair, to outlast the timer's resolution */
      start = cpu_now ();
      for (guint round = 0; round < rounds; round++)
        for (guint i = 0; i < n; i++)
          for (guint j = i + 1; j < n; j++)
            {
              checksum += rl_compare_prepared (p[i], p[j], NULL);
              n_cmp++;
            }
      t_cmp += (cpu_now () - start) / 1e6;
      if (dump)
        for (guint i = 0; i < n; i++)
          for (guint j = 0; j < n; j++)
            fprintf (dump, "%u %u %a\n", i, j, rl_compare_prepared (p[i], p[j], NULL));

      start = cpu_now ();
      for (guint i = 0; i < n; i += 4)
        for (guint j = i + 1; j < n; j++)
          {
            checksum += rl_compare (rl_evaluation_get_template (ev, i), rl_evaluation_get_template (ev, j), NULL);
            n_raw++;
          }
      t_raw += (cpu_now () - start) / 1e6;

      for (guint i = 0; i < n; i++)
        rl_prepared_template_free (p[i]);
    }

  printf ("prepared templates: %.0f comparisons per second (%" G_GUINT64_FORMAT " comparisons, one thread, CPU time)\n",
          n_cmp / t_cmp, n_cmp);
  printf ("preparing a template: %.1f µs\n", 1e6 * t_prep / n_prep);
  printf ("rl_compare on raw templates (both prepared each call): %.0f per second\n", n_raw / t_raw);
  printf ("(checksum %.1f)\n", checksum);
  if (dump)
    fclose (dump);
  return 0;
}
