/* The comparison view on two real prints (FVC2002 DB1_B 101_1 / 101_2 from
 * the shared data), with our extractor's layers and the matcher's pairs:
 * what an examiner opens. Skips (77) without the shared data. */
#include <math.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-comparison-view.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-measure.h"
#include "widget-test-util.h"

typedef struct {
  GtkWindow        *window;
  RlComparisonView *cmp;
  RlExtraction     *ex[2];
  RlComparison     *comparison;
} Fixture;

static char *paths[2];

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlImage) image = rl_image_load (paths[i], 0, &error);

      g_assert_no_error (error);
      f->ex[i] = rl_extract (image, &error);
      g_assert_no_error (error);
    }
  rl_compare (rl_extraction_get_template (f->ex[0]), rl_extraction_get_template (f->ex[1]), &f->comparison);

  f->cmp = RL_COMPARISON_VIEW (rl_comparison_view_new ());
  rl_comparison_view_set_extractions (f->cmp, f->ex[0], f->ex[1]);
  rl_comparison_view_set_comparison (f->cmp, f->comparison);
  f->window = rl_test_window_new (GTK_WIDGET (f->cmp), 1000, 520);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  rl_test_iterate ();
  rl_extraction_free (f->ex[0]);
  rl_extraction_free (f->ex[1]);
  rl_comparison_free (f->comparison);
}

static void
test_counts_follow_the_matcher (Fixture *f, gconstpointer data)
{
  guint np, nc, nk, nm;

  g_object_get (f->cmp, "n-probe-minutiae", &np, "n-candidate-minutiae", &nc,
                "n-correspondences", &nk, "n-matcher-pairs", &nm, NULL);
  g_assert_cmpuint (np, ==, rl_extraction_get_template (f->ex[0])->n_minutiae);
  g_assert_cmpuint (nc, ==, rl_extraction_get_template (f->ex[1])->n_minutiae);
  g_assert_cmpuint (nm, ==, f->comparison->n_pairs);
  g_assert_cmpuint (nk, ==, f->comparison->n_pairs);
  /* Two impressions of the same finger: the matcher pairs several minutiae. */
  g_assert_cmpuint (nm, >=, 4);
}

/* Number 1 (the strongest pair) is drawn in its colour beside its minutia on
 * both prints, at the place the geometry says. */
static void
test_strongest_pair_drawn (Fixture *f, gconstpointer data)
{
  RlPrintView *views[2] = { rl_comparison_view_get_probe_view (f->cmp),
                            rl_comparison_view_get_candidate_view (f->cmp) };
  guint index[2] = { f->comparison->pairs[0].probe, f->comparison->pairs[0].candidate };
  GdkRGBA colour;

  rl_print_view_mark_color (1, &colour);
  for (int side = 0; side < 2; side++)
    {
      g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (views[side]));
      const RlMinutia *m = &rl_print_view_get_minutiae (views[side], NULL)[index[side]];
      double wx, wy;
      int hits = 0;

      rl_print_view_image_to_widget (views[side], m->x, m->y, &wx, &wy);
      for (int y = MAX (0, (int) wy - 30); y < MIN (px->height, (int) wy + 1); y++)
        for (int x = MAX (0, (int) wx); x < MIN (px->width, (int) wx + 30); x++)
          {
            int r, g, b;
            rl_test_pixel (px, x, y, &r, &g, &b);
            if (abs (r - (int) (colour.red * 255)) <= 20 && abs (g - (int) (colour.green * 255)) <= 20 &&
                abs (b - (int) (colour.blue * 255)) <= 20)
              hits++;
          }
      g_assert_cmpint (hits, >, 10);
    }
}

/* Ridge counts from the grey print and from the extractor's skeleton agree
 * (two independent ways of seeing the same ridges), and the view reports
 * the skeleton's once it has one. */
static void
test_ridge_count_on_real_print (Fixture *f, gconstpointer data)
{
  const RlImage *image = rl_extraction_get_image (f->ex[0]);
  const RlImage *skeleton = rl_extraction_get_skeleton (f->ex[0]);
  const RlImage *mask = rl_extraction_get_mask (f->ex[0]);
  RlPrintView *view = rl_comparison_view_get_probe_view (f->cmp);
  int checked = 0;

  /* Segments 60 px long (3 mm) through the print, inside the mask. */
  for (int y = 60; y < image->height - 60 && checked < 12; y += 25)
    for (int x = 60; x < image->width - 120 && checked < 12; x += 45)
      {
        int grey, skel, shown;
        double mm;

        if (mask->pixels[y * mask->width + x] < 128 || mask->pixels[y * mask->width + x + 60] < 128 ||
            mask->pixels[(y + 20) * mask->width + x + 30] < 128)
          continue;
        grey = rl_measure_ridge_count (image, FALSE, x, y, x + 60, y + 20);
        skel = rl_measure_ridge_count (skeleton, TRUE, x, y, x + 60, y + 20);
        g_assert_cmpint (grey, >=, 0);
        g_assert_cmpint (abs (grey - skel), <=, 2);
        rl_print_view_set_measure (view, x, y, x + 60, y + 20);
        g_assert_true (rl_print_view_get_measure (view, &mm, &shown));
        g_assert_cmpint (shown, ==, skel);
        g_assert_cmpfloat_with_epsilon (mm, hypot (60, 20) * 25.4 / 500, 1e-9);
        checked++;
      }
  g_assert_cmpint (checked, >=, 5);
}

int
main (int argc, char **argv)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");

  gtk_test_init (&argc, &argv, NULL);
  if (shared == NULL)
    return 77;
  paths[0] = g_build_filename (shared, "fingerprints", "FVC2002_DB1_B", "101_1.tif", NULL);
  paths[1] = g_build_filename (shared, "fingerprints", "FVC2002_DB1_B", "101_2.tif", NULL);
  if (!g_file_test (paths[0], G_FILE_TEST_EXISTS) || !g_file_test (paths[1], G_FILE_TEST_EXISTS))
    return 77;

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/real-prints/counts-follow-the-matcher", test_counts_follow_the_matcher);
  ADD ("/real-prints/strongest-pair-drawn", test_strongest_pair_drawn);
  ADD ("/real-prints/ridge-count", test_ridge_count_on_real_print);
#undef ADD
  return g_test_run ();
}
