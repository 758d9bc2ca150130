/* test-compare-simd.c — the comparison gives the same scores and the same
 * paired minutiae whichever loops run it: each set of SIMD loops this CPU
 * can run (POPCNT, AVX2, AVX-512) or the portable ones (every CPU, and the
 * reference); the same for the 1:N pre-filter's scores. */
#include <glib.h>
#include <math.h>

#include "rl-compare.h"
#include "rl-compare-private.h"
#include "rl-eval.h"

/* Minutiae anywhere on a 300 × 400 px print; duplicates on purpose (equal
 * descriptors make ties, whose order both loops must settle alike). */
static RlTemplate *
random_template (GRand *rand, guint n)
{
  RlTemplate *t = rl_template_new (n, 0);

  t->width = 300;
  t->height = 400;
  for (guint k = 0; k < n; k++)
    {
      if (k > 0 && g_rand_int_range (rand, 0, 10) == 0)
        {
          t->minutiae[k] = t->minutiae[g_rand_int_range (rand, 0, k)];
          continue;
        }
      t->minutiae[k].x = g_rand_double_range (rand, 10, 290);
      t->minutiae[k].y = g_rand_double_range (rand, 10, 390);
      t->minutiae[k].angle = g_rand_double_range (rand, 0, 2 * G_PI);
      t->minutiae[k].kind = g_rand_boolean (rand) ? RL_MINUTIA_ENDING : RL_MINUTIA_BIFURCATION;
      t->minutiae[k].reliability = g_rand_int_range (rand, 1, 100);
    }
  return t;
}

/* The loop sets other than the portable one; those this CPU cannot run are
 * skipped (and said so). */
static const struct { RlCompareLoops loops; const char *name; } simd_loops[] = {
  { RL_COMPARE_LOOPS_POPCNT, "POPCNT" },
  { RL_COMPARE_LOOPS_AVX2, "AVX2" },
  { RL_COMPARE_LOOPS_AVX512, "AVX-512" },
};

static void
assert_same_comparisons_with (RlPreparedTemplate **p, guint n, RlCompareLoops loops)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        g_autoptr (RlComparison) fast = NULL;
        g_autoptr (RlComparison) portable = NULL;
        float s_fast, s_portable;

        g_assert_true (rl_compare_set_loops (loops));
        s_fast = rl_compare_prepared (p[i], p[j], &fast);
        rl_compare_set_portable (TRUE);
        s_portable = rl_compare_prepared (p[i], p[j], &portable);
        rl_compare_set_portable (FALSE);
        /* bit for bit, not within a tolerance */
        g_assert_cmpmem (&s_fast, sizeof s_fast, &s_portable, sizeof s_portable);
        g_assert_cmpuint (fast->n_pairs, ==, portable->n_pairs);
        g_assert_cmpmem (fast->pairs, fast->n_pairs * sizeof (RlMinutiaPair),
                         portable->pairs, portable->n_pairs * sizeof (RlMinutiaPair));
      }
}

/* The 1:N pre-filter's two scores: a search must pass the same templates to
 * the full comparison on every CPU. */
static void
assert_same_prefilter_with (RlPreparedTemplate **p, guint n, RlCompareLoops loops)
{
  for (guint i = 0; i < n; i++)
    {
      RlPrefilterProbe q;

      rl_prefilter_probe_init (&q, p[i]);
      for (guint j = 0; j < n; j++)
        {
          RlPrefilterEntry e;
          float coarse_fast, coarse_portable, local_fast, local_portable;

          rl_prefilter_entry_init (&e, p[j]);
          g_assert_true (rl_compare_set_loops (loops));
          coarse_fast = rl_prefilter_entry_score (&q, &e);
          local_fast = rl_local_similarity_score (p[i], p[j]);
          rl_compare_set_portable (TRUE);
          coarse_portable = rl_prefilter_entry_score (&q, &e);
          local_portable = rl_local_similarity_score (p[i], p[j]);
          rl_compare_set_portable (FALSE);
          g_assert_cmpmem (&coarse_fast, sizeof (float), &coarse_portable, sizeof (float));
          g_assert_cmpmem (&local_fast, sizeof (float), &local_portable, sizeof (float));
          g_assert_cmpfloat (coarse_fast, >=, 0.0f);
          g_assert_cmpfloat (coarse_fast, <=, RL_PREFILTER_TOP);
          g_assert_cmpfloat (local_fast, >=, 0.0f);
          g_assert_cmpfloat (local_fast, <=, RL_LOCAL_SCORE_TOP);
        }
    }
}

static void
assert_same_everywhere (RlPreparedTemplate **p, guint n)
{
  guint n_run = 0;

  for (guint k = 0; k < G_N_ELEMENTS (simd_loops); k++)
    {
      if (!rl_compare_set_loops (simd_loops[k].loops))
        {
          g_test_message ("this CPU cannot run the %s loops: not compared", simd_loops[k].name);
          continue;
        }
      assert_same_comparisons_with (p, n, simd_loops[k].loops);
      assert_same_prefilter_with (p, n, simd_loops[k].loops);
      n_run++;
    }
  rl_compare_set_loops (RL_COMPARE_LOOPS_BEST);
  if (n_run == 0)
    g_test_skip ("this CPU runs only the portable loops");
}

/* Sizes around the 8-minutia blocks of the SIMD loop, over the 64 × 64
 * matrix kept on the stack, and over the 128 minutiae a comparison keeps. */
static void
test_random (void)
{
  const guint sizes[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 40, 63, 64, 65, 100, 127, 128, 140 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  RlPreparedTemplate *p[2 * G_N_ELEMENTS (sizes) + 2];
  guint n = 0;

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autoptr (RlTemplate) t = random_template (rand, sizes[k]);
      g_autoptr (RlTemplate) copy = rl_template_copy (t);

      /* the same print again with a few minutiae moved: many close pairs */
      for (guint i = 0; i < copy->n_minutiae; i += 3)
        copy->minutiae[i].x += g_rand_double_range (rand, -4, 4);
      p[n++] = rl_prepared_template_new (t);
      p[n++] = rl_prepared_template_new (copy);
    }
  /* a dense print: 128 minutiae on 40 × 40 px pointing nearly the same way,
   * so that a probe minutia finds many mates and the final pairing more
   * matches than it keeps (it keeps 512) */
  {
    g_autoptr (RlTemplate) t = random_template (rand, 128);
    g_autoptr (RlTemplate) copy = NULL;

    for (guint i = 0; i < t->n_minutiae; i++)
      {
        t->minutiae[i].x = 130 + g_rand_double_range (rand, 0, 40);
        t->minutiae[i].y = 180 + g_rand_double_range (rand, 0, 40);
        t->minutiae[i].angle = 1.0 + g_rand_double_range (rand, -0.2, 0.2);
      }
    copy = rl_template_copy (t);
    for (guint i = 0; i < copy->n_minutiae; i += 2)
      copy->minutiae[i].y += g_rand_double_range (rand, -2, 2);
    p[n++] = rl_prepared_template_new (t);
    p[n++] = rl_prepared_template_new (copy);
  }
  assert_same_everywhere (p, n);
  for (guint k = 0; k < n; k++)
    rl_prepared_template_free (p[k]);
}

/* Real templates: the commercial extractor's records of one FVC set. */
static void
test_iso (void)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = NULL;
  g_autoptr (RlEvaluation) ev = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree RlPreparedTemplate **p = NULL;
  guint n;

  if (shared == NULL)
    {
      g_test_skip ("RIDGELINE_SHARED is not set");
      return;
    }
  dir = g_build_filename (shared, "interchange", "iso19794-2", "FVC2004_DB3_B", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no ISO templates in ../shared");
      return;
    }
  ev = rl_evaluation_new_from_folder (dir, 0, TRUE, &error);
  g_assert_no_error (error);
  /* impressions 1–3 of every finger: 30 templates, 900 ordered pairs */
  n = 0;
  p = g_new (RlPreparedTemplate *, rl_evaluation_get_n_templates (ev));
  for (guint i = 0; i < rl_evaluation_get_n_templates (ev); i++)
    if (rl_evaluation_get_impression (ev, i) <= 3)
      p[n++] = rl_prepared_template_new (rl_evaluation_get_template (ev, i));
  g_assert_cmpuint (n, ==, 30);
  assert_same_everywhere (p, n);
  for (guint k = 0; k < n; k++)
    rl_prepared_template_free (p[k]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compare-simd/random", test_random);
  g_test_add_func ("/compare-simd/iso", test_iso);
  return g_test_run ();
}
