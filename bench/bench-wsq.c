/* bench-wsq — WSQ decode and encode time per image (matcher/rl-wsq.c).
 *
 *   ./build-release/bench/bench-wsq [RUNS]
 *
 * Times NIST's four reference files from ../shared/interchange/wsq (or
 * $RIDGELINE_SHARED) and synthetic prints of rolled-print and slap sizes.
 * Reports the median CPU time of the process per call (one core), which is
 * what matters on a machine shared with other jobs, and the median wall time. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rl-wsq.h"
#include "../tests/interchange/wsq-test-util.h"

static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
by_value (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
bench_one (const char *label, const RlImage *original, GBytes *wsq_in, int runs)
{
  g_autofree double *dec_cpu = g_new (double, runs), *dec_wall = g_new (double, runs);
  g_autofree double *enc_cpu = g_new (double, runs), *enc_wall = g_new (double, runs);
  g_autoptr (GBytes) ours = NULL;
  GBytes *wsq = wsq_in;
  gsize size;

  for (int i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      double c0 = cpu_ms (), w0 = g_get_monotonic_time () / 1e3;
      g_autoptr (GBytes) bytes = rl_wsq_encode (original, RL_WSQ_DEFAULT_BITRATE, &error);

      enc_cpu[i] = cpu_ms () - c0;
      enc_wall[i] = g_get_monotonic_time () / 1e3 - w0;
      g_assert_no_error (error);
      if (ours == NULL)
        ours = g_bytes_ref (bytes);
    }
  if (wsq == NULL)
    wsq = ours;
  size = g_bytes_get_size (wsq);
  for (int i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      double c0 = cpu_ms (), w0 = g_get_monotonic_time () / 1e3;
      g_autoptr (RlImage) image = rl_wsq_decode (g_bytes_get_data (wsq, NULL), size, &error);

      dec_cpu[i] = cpu_ms () - c0;
      dec_wall[i] = g_get_monotonic_time () / 1e3 - w0;
      g_assert_no_error (error);
      g_assert_nonnull (image);
    }
  printf ("| %-28s | %4d × %-4d | %7" G_GSIZE_FORMAT " | %6.2f ms | %6.2f ms | %6.2f ms | %6.2f ms |\n",
          label, original->width, original->height, size,
          median (dec_cpu, runs), median (dec_wall, runs), median (enc_cpu, runs), median (enc_wall, runs));
}

int
main (int argc, char **argv)
{
  static const char *const names[] = {
    "FVC2002_DB1_B-101_1", "FVC2002_DB1_B-105_3", "FVC2002_DB3_B-102_1", "FVC2002_DB3_B-108_5",
  };
  static const int synthetic[][2] = { { 800, 750 }, { 1600, 1500 } };
  int runs = argc > 1 ? atoi (argv[1]) : 15;
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = g_build_filename (shared ? shared : "../shared", "interchange", "wsq", NULL);

  if (runs < 1)
    runs = 1;
  printf ("WSQ, %d runs each, medians; bitrate %.2f; CPU = process CPU time, one core\n\n", runs,
          (double) RL_WSQ_DEFAULT_BITRATE);
  printf ("| image                        | size        | WSQ bytes | decode CPU | decode wall | encode CPU | encode wall |\n");
  printf ("|---|---|---|---|---|---|---|\n");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *wsq_name = g_strconcat (names[i], ".wsq", NULL);
      g_autofree char *pgm_name = g_strconcat (names[i], ".original.pgm", NULL);
      g_autofree char *wsq_path = g_build_filename (dir, wsq_name, NULL);
      g_autofree char *pgm_path = g_build_filename (dir, pgm_name, NULL);
      g_autofree char *data = NULL;
      g_autoptr (RlImage) original = NULL;
      g_autoptr (GBytes) bytes = NULL;
      gsize len;

      if (!g_file_get_contents (wsq_path, &data, &len, NULL) ||
          (original = wsq_test_load_pgm (pgm_path, NULL)) == NULL)
        {
          printf ("| %s: not found in %s |\n", names[i], dir);
          continue;
        }
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      bench_one (names[i], original, bytes, runs);
    }
  for (guint i = 0; i < G_N_ELEMENTS (synthetic); i++)
    {
      g_autoptr (RlImage) image = wsq_test_synthetic_print (synthetic[i][0], synthetic[i][1], 5 + i);
      g_autofree char *label = g_strdup_printf ("synthetic (our encoder)");
      bench_one (label, image, NULL, MAX (runs / 3, 1));
    }
  return 0;
}
