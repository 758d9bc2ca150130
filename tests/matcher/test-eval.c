/* Evaluation by quality bucket: pairs are put in the bucket of their worse
 * print, the figures add up, they are written beside the score lists, and
 * poor-quality prints show it in their scores (on synthetic prints with
 * heavy noise, and on the real FVC2002_DB3_B, whose poorest prints are
 * wet and faint). */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-eval.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-synth.h"

/* The bucket figures are consistent with the whole run's. */
static void
check_buckets_add_up (RlEvaluation *ev, const RlErrorRates *all, const RlEvalQualityBucket *b, guint n)
{
  guint ng = 0, ni = 0;

  for (guint k = 0; k < n; k++)
    {
      ng += b[k].n_genuine;
      ni += b[k].n_impostor;
      g_assert_cmpint (b[k].min_quality, <, b[k].max_quality);
      if (k > 0)
        g_assert_cmpint (b[k].min_quality, ==, b[k - 1].max_quality);
      if (b[k].n_genuine > 0)
        {
          g_assert_false (isnan (b[k].mean_genuine));
          g_assert_true (b[k].fnmr_at_global_fmr_1 >= 0 && b[k].fnmr_at_global_fmr_1 <= 1);
        }
      else
        g_assert_true (isnan (b[k].mean_genuine));
      g_assert_true (b[k].rates.eer >= 0 && b[k].rates.eer <= 1);
    }
  g_assert_cmpint (b[0].min_quality, ==, 0);
  g_assert_cmpint (b[n - 1].max_quality, ==, 101);
  g_assert_cmpuint (ng, ==, all->n_genuine);
  g_assert_cmpuint (ni, ==, all->n_impostor);
  for (guint k = 0; k < all->n_genuine; k++)
    g_assert_cmpuint (rl_evaluation_get_genuine_quality (ev, k), <=, 100);
}

/* Mean genuine score of the lowest and of the highest bucket that hold at
 * least `min_pairs` genuine pairs. */
static gboolean
lowest_and_highest (const RlEvalQualityBucket *b, guint n, guint min_pairs, guint *lo, guint *hi)
{
  int l = -1, h = -1;

  for (guint k = 0; k < n; k++)
    if (b[k].n_genuine >= min_pairs)
      {
        if (l < 0)
          l = (int) k;
        h = (int) k;
      }
  *lo = (guint) MAX (l, 0);
  *hi = (guint) MAX (h, 0);
  return l >= 0 && h > l;
}

/* Three synthetic fingers, four impressions each: two clean captures and two
 * with heavy sensor noise and a dry or over-pressed skin. */
static void
test_synthetic (void)
{
  g_autoptr (GPtrArray) tpl = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  guint finger[12], impression[12], n = 0;
  double clean_q = 0, noisy_q = 0;
  g_autoptr (RlEvaluation) ev = NULL;
  RlErrorRates all;
  RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
  int bounds[2] = { 0, 0 };
  guint nb, lo, hi;

  for (guint f = 0; f < 3; f++)
    {
      g_autoptr (RlSynthFinger) finger_model = rl_synth_finger_new (100 + f, RL_FINGER_RIGHT_INDEX);

      for (guint i = 0; i < 4; i++)
        {
          RlSynthImpression imp = { 0 };
          g_autoptr (GError) error = NULL;
          g_autoptr (RlImage) img = NULL;
          RlTemplate *t;

          imp.dx = 6.0f * i - 9;
          imp.dy = 5.0f * (i % 2) - 3;
          imp.rotation = 0.04f * i - 0.06f;
          imp.distortion = 0.2f;
          if (i < 2)
            imp.noise = 0.05f;
          else
            {
              imp.noise = 1.0f;
              imp.pressure = i == 2 ? -0.9f : 0.9f;
            }
          img = rl_synth_render (finger_model, &imp, &error);
          g_assert_no_error (error);
          t = rl_extract_template (img, &error);
          g_assert_no_error (error);
          if (i < 2)
            clean_q += t->quality;
          else
            noisy_q += t->quality;
          g_ptr_array_add (tpl, t);
          finger[n] = 101 + f;
          impression[n] = i + 1;
          n++;
        }
    }
  clean_q /= n / 2;
  noisy_q /= n / 2;
  g_test_message ("mean quality: clean %.1f, noisy %.1f", clean_q, noisy_q);
  /* The quality score sees the damage. */
  g_assert_cmpfloat (noisy_q, <, clean_q - 5);
  /* Two buckets split between the two kinds of capture. */
  bounds[1] = (int) lrint ((clean_q + noisy_q) / 2);

  ev = rl_evaluation_new ((RlTemplate **) tpl->pdata, finger, impression, n);
  rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_ALL, &all);
  nb = rl_evaluation_get_quality_buckets (ev, bounds, G_N_ELEMENTS (bounds), b);
  g_assert_cmpuint (nb, ==, G_N_ELEMENTS (bounds));
  check_buckets_add_up (ev, &all, b, nb);
  for (guint k = 0; k < nb; k++)
    g_test_message ("%s: %u genuine, mean %.1f; %u impostor", b[k].name, b[k].n_genuine, b[k].mean_genuine,
                    b[k].n_impostor);
  g_assert_true (lowest_and_highest (b, nb, 2, &lo, &hi));
  /* Poor-quality pairs show it in their scores. */
  g_assert_cmpfloat (b[lo].mean_genuine, <, b[hi].mean_genuine);
}

/* The default buckets, and quality.csv beside the score lists. */
static void
test_default_buckets_written (void)
{
  g_autoptr (GPtrArray) tpl = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  guint finger[6], impression[6];
  g_autoptr (RlEvaluation) ev = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rl-eval-q-XXXXXX", NULL);
  const char *names[] = { "genuine.csv", "impostor.csv", "det.csv", "det.svg", "det.png", "quality.csv" };
  RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *csv = NULL;
  g_auto (GStrv) lines = NULL;
  RlErrorRates all;
  const int *def;
  guint n_def, nb;
  GRand *rand = g_rand_new_with_seed (3);
  /* Two fingers, three impressions: qualities chosen so that pairs land in
   * every default bucket but "poor". */
  static const guint8 quality[6] = { 90, 85, 70, 95, 55, 82 };

  for (guint k = 0; k < 6; k++)
    {
      RlTemplate *t = rl_template_new (20, 0);

      for (guint m = 0; m < 20; m++)
        {
          t->minutiae[m].x = (float) g_rand_double_range (rand, 20, 280);
          t->minutiae[m].y = (float) g_rand_double_range (rand, 20, 280);
          t->minutiae[m].angle = (float) g_rand_double_range (rand, 0, 2 * G_PI);
          t->minutiae[m].kind = RL_MINUTIA_ENDING;
          t->minutiae[m].reliability = 50;
        }
      t->width = t->height = 300;
      t->quality = quality[k];
      g_ptr_array_add (tpl, t);
      finger[k] = 1 + k / 3;
      impression[k] = 1 + k % 3;
    }
  g_rand_free (rand);
  ev = rl_evaluation_new ((RlTemplate **) tpl->pdata, finger, impression, 6);
  rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_ALL, &all);

  def = rl_eval_default_quality_buckets (&n_def);
  g_assert_cmpuint (n_def, ==, 4);
  nb = rl_evaluation_get_quality_buckets (ev, NULL, 0, b);
  g_assert_cmpuint (nb, ==, n_def);
  check_buckets_add_up (ev, &all, b, nb);
  for (guint k = 0; k < nb; k++)
    g_assert_cmpint (b[k].min_quality, ==, def[k]);
  g_assert_cmpstr (b[0].name, ==, "poor");
  g_assert_cmpstr (b[3].name, ==, "excellent");
  /* finger 1: 90/85 → excellent, 90/70 and 85/70 → good;
   * finger 2: 95/55 and 55/82 → fair, 95/82 → excellent. */
  g_assert_cmpuint (b[0].n_genuine, ==, 0);
  g_assert_cmpuint (b[1].n_genuine, ==, 2);
  g_assert_cmpuint (b[2].n_genuine, ==, 2);
  g_assert_cmpuint (b[3].n_genuine, ==, 2);
  /* Impostors: every cross pair, 9; those with the 55 print are fair (3),
   * with the 70 print and no 55 good (2), the rest excellent (4). */
  g_assert_cmpuint (b[1].n_impostor, ==, 3);
  g_assert_cmpuint (b[2].n_impostor, ==, 2);
  g_assert_cmpuint (b[3].n_impostor, ==, 4);

  g_assert_true (rl_evaluation_write (ev, dir, "test", &error));
  g_assert_no_error (error);
  path = g_build_filename (dir, "quality.csv", NULL);
  g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "bucket,min_quality,max_quality,n_genuine,n_impostor,mean_genuine"));
  g_assert_true (g_str_has_prefix (lines[1], "poor,0,40,0,0,"));
  g_assert_true (g_str_has_prefix (lines[2], "fair,40,60,2,3,"));
  g_assert_true (g_str_has_prefix (lines[4], "excellent,80,100,2,4,"));
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *p = g_build_filename (dir, names[k], NULL);
      g_assert_true (g_file_test (p, G_FILE_TEST_EXISTS));
      g_remove (p);
    }
  g_rmdir (dir);
}

/* FVC2002_DB3_B: its poorest prints (wet, faint) hold the genuine pairs that
 * score lowest. */
static void
test_real (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = NULL;
  g_autoptr (RlEvaluation) ev = NULL;
  g_autoptr (GError) error = NULL;
  RlEvalQualityBucket b[RL_EVAL_MAX_QUALITY_BUCKETS];
  RlErrorRates all;
  guint nb, lo, hi;

  dir = g_build_filename (shared ? shared : "../shared", "fingerprints", "FVC2002_DB3_B", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no FVC2002_DB3_B in the shared data");
      return;
    }
  ev = rl_evaluation_new_from_folder (dir, 500, FALSE, &error);
  g_assert_no_error (error);
  rl_evaluation_run (ev, RL_EVAL_IMPOSTORS_ALL, &all);
  nb = rl_evaluation_get_quality_buckets (ev, NULL, 0, b);
  check_buckets_add_up (ev, &all, b, nb);
  for (guint k = 0; k < nb; k++)
    g_test_message ("%s: %u genuine, mean %.1f, FNMR at the all-pairs FMR 1 %% threshold %.3f",
                    b[k].name, b[k].n_genuine, b[k].mean_genuine, b[k].fnmr_at_global_fmr_1);
  g_assert_true (lowest_and_highest (b, nb, 10, &lo, &hi));
  g_assert_cmpfloat (b[lo].mean_genuine, <, b[hi].mean_genuine);
  /* …and more of them are missed at one operating point. */
  g_assert_cmpfloat (b[lo].fnmr_at_global_fmr_1, >, b[hi].fnmr_at_global_fmr_1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eval/quality-buckets/default-and-written", test_default_buckets_written);
  g_test_add_func ("/eval/quality-buckets/synthetic", test_synthetic);
  g_test_add_func ("/eval/quality-buckets/real", test_real);
  return g_test_run ();
}
