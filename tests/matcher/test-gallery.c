/* test-gallery.c — 1:N search finds the planted mate, on every core. */
#include <glib.h>
#include <math.h>

#include "rl-compare.h"
#include "rl-gallery.h"

static RlTemplate *
random_template (GRand *rand, guint n)
{
  RlTemplate *t = rl_template_new (n, 0);
  guint k = 0;

  t->width = 300;
  t->height = 400;
  while (k < n)
    {
      float x = g_rand_double_range (rand, 20, 280), y = g_rand_double_range (rand, 20, 380);
      gboolean ok = TRUE;

      for (guint j = 0; j < k && ok; j++)
        ok = hypotf (t->minutiae[j].x - x, t->minutiae[j].y - y) >= 12.0f;
      if (!ok)
        continue;
      t->minutiae[k].x = x;
      t->minutiae[k].y = y;
      t->minutiae[k].angle = g_rand_double_range (rand, 0, 2 * G_PI);
      t->minutiae[k].kind = RL_MINUTIA_ENDING;
      k++;
    }
  return t;
}

/* Another impression: rotated, shifted, jittered, a few minutiae lost. */
static RlTemplate *
impression (GRand *rand, const RlTemplate *src)
{
  RlTemplate *t = rl_template_new (src->n_minutiae, 0);
  float rot = g_rand_double_range (rand, -0.5, 0.5), c = cosf (rot), s = sinf (rot);
  guint n = 0;

  for (guint i = 0; i < src->n_minutiae; i++)
    {
      float x = src->minutiae[i].x - 150, y = -(src->minutiae[i].y - 200);

      if (g_rand_double (rand) < 0.1)
        continue;
      t->minutiae[n] = src->minutiae[i];
      t->minutiae[n].x = c * x - s * y + 150 + 15 + g_rand_double_range (rand, -2, 2);
      t->minutiae[n].y = -(s * x + c * y) + 200 - 10 + g_rand_double_range (rand, -2, 2);
      t->minutiae[n].angle = fmodf (src->minutiae[i].angle + rot + 2 * G_PI, 2 * G_PI);
      n++;
    }
  t->n_minutiae = n;
  return t;
}

static void
check_list (GArray *cands, guint k)
{
  g_assert_nonnull (cands);
  g_assert_cmpuint (cands->len, <=, k);
  for (guint i = 1; i < cands->len; i++)
    g_assert_cmpfloat (g_array_index (cands, RlCandidate, i).score, <=, g_array_index (cands, RlCandidate, i - 1).score);
}

static void
test_planted_mate (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (RlGallery) g = rl_gallery_new ();
  g_autoptr (GPtrArray) masters = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  const guint n = 1500;
  g_autofree gint64 *ids = g_new (gint64, n);

  /* the first 20 are the fingers the probes come from, the rest distractors */
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (masters, random_template (rand, g_rand_int_range (rand, 25, 45)));
      ids[i] = 1000 + i;
    }
  rl_gallery_add_many (g, ids, (RlTemplate **) masters->pdata, n);
  g_assert_cmpuint (rl_gallery_size (g), ==, n);
  g_assert_cmpuint (rl_gallery_get_memory_size (g), >, n * 100);

  for (guint p = 0; p < 20; p++)
    {
      g_autoptr (RlTemplate) probe = impression (rand, g_ptr_array_index (masters, p));
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) with = rl_gallery_search (g, probe, 5, TRUE, &error);
      g_autoptr (GArray) without = NULL;

      g_assert_no_error (error);
      check_list (with, 5);
      g_assert_cmpuint (with->len, ==, 5);
      /* the pre-filter passed a share of the gallery, not all of it */
      g_assert_cmpuint (rl_gallery_get_last_n_compared (g), <, n);
      g_assert_cmpint (g_array_index (with, RlCandidate, 0).id, ==, ids[p]);
      if (p < 5)
        {
          without = rl_gallery_search (g, probe, 5, FALSE, &error);
          g_assert_no_error (error);
          check_list (without, 5);
          g_assert_cmpuint (rl_gallery_get_last_n_compared (g), ==, n);
          g_assert_cmpint (g_array_index (without, RlCandidate, 0).id, ==, ids[p]);
          /* the mate's score does not depend on the route */
          g_assert_cmpfloat (g_array_index (without, RlCandidate, 0).score, ==, g_array_index (with, RlCandidate, 0).score);
        }
    }
}

static void
test_threads_agree (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  g_autoptr (RlGallery) one = rl_gallery_new ();
  g_autoptr (RlGallery) two = rl_gallery_new ();
  g_autoptr (RlTemplate) probe = random_template (rand, 35);
  g_autoptr (GArray) a = NULL;
  g_autoptr (GArray) b = NULL;

  rl_gallery_set_n_threads (one, 1);
  rl_gallery_set_n_threads (two, 2);
  for (guint i = 0; i < 400; i++)
    {
      g_autoptr (RlTemplate) t = random_template (rand, 30);

      rl_gallery_add (one, i, t);
      rl_gallery_add (two, i, t);
    }
  a = rl_gallery_search (one, probe, 20, FALSE, NULL);
  b = rl_gallery_search (two, probe, 20, FALSE, NULL);
  g_assert_cmpuint (a->len, ==, 20);
  g_assert_cmpuint (b->len, ==, 20);
  for (guint i = 0; i < a->len; i++)
    {
      g_assert_cmpint (g_array_index (a, RlCandidate, i).id, ==, g_array_index (b, RlCandidate, i).id);
      g_assert_cmpfloat (g_array_index (a, RlCandidate, i).score, ==, g_array_index (b, RlCandidate, i).score);
    }
}

static void
test_edge_cases (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autoptr (RlGallery) g = rl_gallery_new ();
  g_autoptr (RlTemplate) probe = random_template (rand, 30);
  g_autoptr (RlTemplate) empty = rl_template_new (0, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) none = rl_gallery_search (g, probe, 3, TRUE, &error);
  g_autoptr (GArray) few = NULL;
  GArray *bad;

  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  rl_gallery_add (g, 1, probe);
  rl_gallery_add (g, 2, empty);
  few = rl_gallery_search (g, probe, 10, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (few->len, ==, 2);
  g_assert_cmpint (g_array_index (few, RlCandidate, 0).id, ==, 1);
  bad = rl_gallery_search (g, probe, 0, TRUE, &error);
  g_assert_null (bad);
  g_assert_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gallery/planted-mate", test_planted_mate);
  g_test_add_func ("/gallery/threads-agree", test_threads_agree);
  g_test_add_func ("/gallery/edge-cases", test_edge_cases);
  return g_test_run ();
}
