/* synth-match — do impressions of one synthetic finger match each other, and
 * not those of other fingers? Compares templates of synthetic impressions
 * with rl_compare (FVC protocol: genuine = every pair of impressions of a
 * finger, impostor = first impressions of different fingers).
 *
 *   synth-match [FINGERS] [IMPRESSIONS] [FIRST_SEED] [truth|extract]
 *
 * "truth" (default): templates are the generator's ground truth (what a
 * perfect extractor would find in each impression): this measures the
 * comparison alone. "extract": templates come from rl_extract on the
 * rendered images, i.e. the whole chain an examiner relies on; also reports
 * how many of the true minutiae the extractor found (within 8 px). */
#include <glib.h>
#include <stdlib.h>

#include "rl-compare.h"
#include "rl-extract.h"
#include <math.h>
#include "rl-synth.h"

static int
cmp_float (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return x < y ? -1 : x > y;
}

static float
pct (GArray *a, double q)
{
  g_array_sort (a, cmp_float);
  return a->len ? g_array_index (a, float, (guint) (q * (a->len - 1))) : 0.f;
}

int
main (int argc, char **argv)
{
  int fingers = argc > 1 ? atoi (argv[1]) : 20;
  int impressions = argc > 2 ? atoi (argv[2]) : 4;
  guint64 first = argc > 3 ? g_ascii_strtoull (argv[3], NULL, 10) : 1000;
  g_autoptr(GPtrArray) tpls = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  g_autoptr(GArray) genuine = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) impostor = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (float));
  float thr_1 = rl_score_for_fmr (0.01), thr_01 = rl_score_for_fmr (0.001);
  guint miss_1 = 0, miss_01 = 0, fm_1 = 0, fm_01 = 0;
  gboolean extract = argc > 4 && g_str_equal (argv[4], "extract");
  g_autoptr(GArray) recall = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) precision = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) classes = g_array_new (FALSE, FALSE, sizeof (int));
  float thr_5 = rl_score_for_fmr (1e-5);
  guint fm_5 = 0;

  fingers = CLAMP (fingers, 2, 1000);
  impressions = CLAMP (impressions, 2, 20);
  for (int f = 0; f < fingers; f++)
    {
      g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (first + (guint64) f, (RlFingerPosition) (f % 10 + 1));
      int klass = rl_synth_finger_get_class (finger);
      g_array_append_val (classes, klass);
      for (int i = 0; i < impressions; i++)
        {
          RlSynthImpression imp;
          RlTemplate *tpl;
          float n;
          rl_synth_impression_random ((first + (guint64) f) * 100 + (guint64) i, &imp);
          tpl = rl_synth_impression_get_template (finger, &imp);
          if (extract)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(RlImage) img = rl_synth_render (finger, &imp, &error);
              RlTemplate *found = img ? rl_extract_template (img, &error) : NULL;
              guint hit = 0, near = 0;
              float r;

              if (found == NULL)
                {
                  g_printerr ("finger %d impression %d: %s\n", f, i, error->message);
                  found = rl_template_new (0, 0);
                }
              /* True minutiae the extractor found, and found minutiae that are true. */
              for (guint a = 0; a < tpl->n_minutiae; a++)
                for (guint b = 0; b < found->n_minutiae; b++)
                  if (hypotf (tpl->minutiae[a].x - found->minutiae[b].x, tpl->minutiae[a].y - found->minutiae[b].y) < 8.f)
                    {
                      hit++;
                      break;
                    }
              for (guint b = 0; b < found->n_minutiae; b++)
                for (guint a = 0; a < tpl->n_minutiae; a++)
                  if (hypotf (tpl->minutiae[a].x - found->minutiae[b].x, tpl->minutiae[a].y - found->minutiae[b].y) < 8.f)
                    {
                      near++;
                      break;
                    }
              r = tpl->n_minutiae ? (float) hit / tpl->n_minutiae : 0.f;
              g_array_append_val (recall, r);
              r = found->n_minutiae ? (float) near / found->n_minutiae : 0.f;
              g_array_append_val (precision, r);
              rl_template_free (tpl);
              tpl = found;
            }
          n = tpl->n_minutiae;
          g_array_append_val (counts, n);
          g_ptr_array_add (tpls, tpl);
        }
    }

  for (int f = 0; f < fingers; f++)
    for (int i = 0; i < impressions; i++)
      for (int j = i + 1; j < impressions; j++)
        {
          float s = rl_compare (tpls->pdata[f * impressions + i], tpls->pdata[f * impressions + j], NULL);
          g_array_append_val (genuine, s);
          miss_1 += s < thr_1;
          miss_01 += s < thr_01;
        }
  for (int f = 0; f < fingers; f++)
    for (int g = f + 1; g < fingers; g++)
      {
        float s = rl_compare (tpls->pdata[f * impressions], tpls->pdata[g * impressions], NULL);
        g_array_append_val (impostor, s);
        if (g_getenv ("SYNTH_MATCH_VERBOSE") && s >= thr_01)
          g_print ("impostor %.1f: finger %d (%s, %u minutiae) vs %d (%s, %u minutiae)\n", s, f,
                   rl_synth_class_to_string (g_array_index (classes, int, f)),
                   ((RlTemplate *) tpls->pdata[f * impressions])->n_minutiae, g,
                   rl_synth_class_to_string (g_array_index (classes, int, g)),
                   ((RlTemplate *) tpls->pdata[g * impressions])->n_minutiae);
        fm_1 += s >= thr_1;
        fm_01 += s >= thr_01;
        fm_5 += s >= thr_5;
      }

  g_print ("%d synthetic fingers x %d impressions, %s templates\n", fingers, impressions,
           extract ? "extracted (rl_extract)" : "ground-truth");
  if (extract)
    g_print ("true minutiae found by the extractor: median %.0f %%; extracted minutiae that are true: median %.0f %%\n",
             100 * pct (recall, 0.5), 100 * pct (precision, 0.5));
  g_print ("minutiae per impression: median %.0f (10th %.0f, 90th %.0f)\n",
           pct (counts, 0.5), pct (counts, 0.1), pct (counts, 0.9));
  g_print ("genuine  scores (%u): min %.1f, 10th %.1f, median %.1f\n", genuine->len,
           pct (genuine, 0), pct (genuine, 0.1), pct (genuine, 0.5));
  g_print ("impostor scores (%u): median %.1f, 99th %.1f, max %.1f\n", impostor->len,
           pct (impostor, 0.5), pct (impostor, 0.99), pct (impostor, 1));
  g_print ("threshold for FMR 1 %% = %.1f: FNMR %.1f %%, false matches %u\n",
           thr_1, 100.0 * miss_1 / genuine->len, fm_1);
  g_print ("threshold for FMR 0.1 %% = %.1f: FNMR %.1f %%, false matches %u\n",
           thr_01, 100.0 * miss_01 / genuine->len, fm_01);
  g_print ("threshold for FMR 1e-5 = %.2f: false matches %u of %u\n", thr_5, fm_5, impostor->len);
  return 0;
}
