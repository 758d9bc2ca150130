/* bench-extract — extraction speed and minutiae agreement on the FVC sets.
 *
 *   bench-extract [SHARED_DIR] [--repeat N] [--eval] [--set NAME]
 *
 * For every image of every set in SHARED_DIR/fingerprints (default
 * ../shared, or $RIDGELINE_SHARED): the time to decode the file and the time
 * to extract (both wall clock, one thread), the minutiae count and quality;
 * then, where SHARED_DIR/interchange/iso19794-2 holds the commercial
 * extractor's record for the image, how many of its minutiae ours find
 * within 10 px and 30° (recall) and how many of ours it has (precision).
 * With --eval, also the accuracy our templates give with Ridgeline's
 * comparison (FVC protocol and all impostor pairs), and by quality bucket
 * (the lower quality of each pair's prints; all impostor pairs). */
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "rl-eval.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-template-io.h"

static const struct { const char *name; int ppi; } sets[] = {
  { "FVC2002_DB1_B", 500 },
  { "FVC2002_DB3_B", 500 },
  { "FVC2004_DB1_B", 500 },
  { "FVC2004_DB3_B", 512 },
};

static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static float
adiff (float a, float b)
{
  float d = fmodf (fabsf (a - b), (float) (2 * G_PI));
  return d > (float) G_PI ? (float) (2 * G_PI) - d : d;
}

/* How many of a's minutiae have a counterpart in b (one-to-one, greedy). */
static guint
agree (const RlTemplate *a, const RlTemplate *b, float flip, gboolean same_kind)
{
  g_autofree gboolean *used = g_new0 (gboolean, b->n_minutiae + 1);
  guint n = 0;
  for (guint i = 0; i < a->n_minutiae; i++)
    {
      int best = -1;
      float bestd = 10.0f * 10.0f;
      for (guint j = 0; j < b->n_minutiae; j++)
        {
          float dx = a->minutiae[i].x - b->minutiae[j].x, dy = a->minutiae[i].y - b->minutiae[j].y;
          float d2 = dx * dx + dy * dy;
          if (used[j] || d2 > bestd)
            continue;
          if (adiff (a->minutiae[i].angle + flip, b->minutiae[j].angle) > (float) (G_PI / 6))
            continue;
          if (same_kind && a->minutiae[i].kind != b->minutiae[j].kind)
            continue;
          best = j;
          bestd = d2;
        }
      if (best >= 0)
        {
          used[best] = TRUE;
          n++;
        }
    }
  return n;
}

int
main (int argc, char **argv)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  int repeat = 1;
  gboolean eval = FALSE;
  const char *only = NULL;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--repeat") == 0 && i + 1 < argc)
        repeat = atoi (argv[++i]);
      else if (strcmp (argv[i], "--eval") == 0)
        eval = TRUE;
      else if (strcmp (argv[i], "--set") == 0 && i + 1 < argc)
        only = argv[++i];
      else
        shared = argv[i];
    }
  if (shared == NULL)
    shared = "../shared";
  repeat = MAX (repeat, 1);

  printf ("%-14s %6s %9s %9s %9s %8s %7s | %7s %7s %7s %7s\n", "set", "images", "load ms", "extract", "cpu ms", "minutiae", "quality",
          "recall", "precis.", "kind ok", "flipped");
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      if (only != NULL && strcmp (only, sets[s].name) != 0)
        continue;
      double t_load = 0, t_ext = 0, t_cpu = 0, n_min = 0, qual = 0;
      g_autoptr(GPtrArray) tpls = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
      g_autoptr(GArray) fingers = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) imps = g_array_new (FALSE, FALSE, sizeof (guint));
      guint images = 0, theirs = 0, ours = 0, found = 0, found_kind = 0, found_flip = 0, iso_images = 0;
      for (int f = 101; f <= 110; f++)
        for (int k = 1; k <= 8; k++)
          {
            g_autofree char *path = g_strdup_printf ("%s/fingerprints/%s/%d_%d.tif", shared, sets[s].name, f, k);
            g_autofree char *iso = g_strdup_printf ("%s/interchange/iso19794-2/%s/%d_%d.iso", shared, sets[s].name, f, k);
            g_autoptr(GError) error = NULL;
            g_autoptr(RlImage) img = NULL;
            g_autoptr(RlTemplate) ref = NULL;
            RlExtraction *ex = NULL;
            const RlTemplate *tpl;
            gint64 t0, t1, t2;
            double c1, c2;

            if (!g_file_test (path, G_FILE_TEST_EXISTS))
              continue;
            t0 = g_get_monotonic_time ();
            img = rl_image_load (path, sets[s].ppi, &error);
            t1 = g_get_monotonic_time ();
            if (img == NULL)
              {
                fprintf (stderr, "%s\n", error->message);
                continue;
              }
            c1 = cpu_ms ();
            for (int r = 0; r < repeat; r++)
              {
                rl_extraction_free (ex);
                ex = rl_extract (img, &error);
                if (ex == NULL)
                  break;
              }
            t2 = g_get_monotonic_time ();
            c2 = cpu_ms ();
            if (ex == NULL)
              {
                fprintf (stderr, "%s: %s\n", path, error->message);
                continue;
              }
            tpl = rl_extraction_get_template (ex);
            images++;
            {
              guint fu = (guint) f, ku = (guint) k;
              g_ptr_array_add (tpls, rl_template_copy (tpl));
              g_array_append_val (fingers, fu);
              g_array_append_val (imps, ku);
            }
            t_load += (t1 - t0) / 1000.0;
            t_ext += (t2 - t1) / 1000.0 / repeat;
            t_cpu += (c2 - c1) / repeat;
            n_min += tpl->n_minutiae;
            qual += tpl->quality;

            ref = rl_template_load (iso, NULL);
            if (ref != NULL)
              {
                /* These records were made from the images stretched to
                 * 300 × 400 (their header says so for every set): map them
                 * back onto the image, angles included. */
                float sx = tpl->width / 300.0f, sy = tpl->height / 400.0f;
                for (guint m = 0; m < ref->n_minutiae; m++)
                  {
                    RlMinutia *r = &ref->minutiae[m];
                    r->x *= sx;
                    r->y *= sy;
                    r->angle = atan2f (sinf (r->angle) * sy, cosf (r->angle) * sx);
                    if (r->angle < 0)
                      r->angle += (float) (2 * G_PI);
                  }
                iso_images++;
                theirs += ref->n_minutiae;
                ours += tpl->n_minutiae;
                found += agree (ref, tpl, 0, FALSE);
                found_kind += agree (ref, tpl, 0, TRUE);
                found_flip += agree (ref, tpl, (float) G_PI, FALSE);
              }
            rl_extraction_free (ex);
          }
      if (images == 0)
        {
          printf ("%-14s absent\n", sets[s].name);
          continue;
        }
      printf ("%-14s %6u %9.2f %9.2f %9.2f %8.1f %7.1f | %6.1f%% %6.1f%% %6.1f%% %6.1f%%\n", sets[s].name, images,
              t_load / images, t_ext / images, t_cpu / images, n_min / images, qual / images,
              theirs ? 100.0 * found / theirs : 0, ours ? 100.0 * found / ours : 0,
              found ? 100.0 * found_kind / found : 0, theirs ? 100.0 * found_flip / theirs : 0);
      if (eval)
        {
          g_autoptr(RlEvaluation) ev = rl_evaluation_new ((RlTemplate **) tpls->pdata, (guint *) fingers->data,
                                                          (guint *) imps->data, tpls->len);
          RlErrorRates fvc, all;
          rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_FVC, &fvc);
          rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_ALL, &all);
          if (g_getenv ("RL_BENCH_WORST"))
            {
              guint ng, ni;
              const float *g = rl_evaluation_get_genuine (ev, &ng);
              const float *im = rl_evaluation_get_impostor (ev, &ni);
              float thr = all.eer_threshold;
              for (guint k = 0; k < ng; k++)
                if (g[k] < thr)
                  printf ("   low genuine %5.1f %s\n", g[k], rl_evaluation_get_genuine_label (ev, k));
              for (guint k = 0; k < ni; k++)
                if (im[k] >= thr)
                  printf ("   high impostor %5.1f %s\n", im[k], rl_evaluation_get_impostor_label (ev, k));
            }
          printf ("%-14s   EER %5.2f%% (FVC)  %5.2f%% (all)  FNMR@FMR1%% %5.2f%%  @0.1%% %5.2f%%  ZeroFMR %5.2f%%\n",
                  "", 100 * fvc.eer, 100 * all.eer, 100 * all.fnmr_at_fmr_1, 100 * all.fnmr_at_fmr_01, 100 * all.zero_fmr);
          {
            /* By the lower quality of each pair, all impostor pairs. */
            RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
            guint nb = rl_evaluation_get_quality_buckets (ev, NULL, 0, b);

            for (guint k = 0; k < nb; k++)
              {
                if (b[k].n_genuine == 0 && b[k].n_impostor == 0)
                  {
                    printf ("%-14s   %-9s q %3d-%-3d  no pairs\n", "", b[k].name, b[k].min_quality,
                            MIN (b[k].max_quality - 1, 100));
                    continue;
                  }
                printf ("%-14s   %-9s q %3d-%-3d  gen %3u imp %4u  mean gen %5.1f  EER %5.2f%%  FNMR@FMR1%% %6.2f%%  at all-pairs FMR1%% %6.2f%%\n",
                        "", b[k].name, b[k].min_quality, MIN (b[k].max_quality - 1, 100), b[k].n_genuine, b[k].n_impostor,
                        b[k].n_genuine ? b[k].mean_genuine : 0.0, 100 * b[k].rates.eer, 100 * b[k].rates.fnmr_at_fmr_1,
                        b[k].n_genuine ? 100 * b[k].fnmr_at_global_fmr_1 : 0.0);
              }
          }
        }
    }
  return 0;
}
