/* Distance and ridge count on synthetic prints whose ridges are known. */
#include <math.h>
#include <string.h>

#include "rl-measure.h"

#define W 200
#define H 120

/* Vertical ridges `width` px wide every `period` px, ridge grey `dark`,
 * valley grey `light`. */
static RlImage *
stripes (int period, int width, int dark, int light)
{
  RlImage *image = rl_image_new (W, H, 500);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      image->pixels[y * W + x] = (uint8_t) ((x % period) < width ? dark : light);
  return image;
}

/* Ridges whose dark span lies strictly between x0 and x1 (what an examiner
 * counts), straight from the construction. */
static int
ridges_between (int period, int width, int x0, int x1)
{
  int count = 0;

  for (int start = 0; start < W; start += period)
    if (start > x0 && start + width - 1 < x1)
      count++;
  return count;
}

static void
test_distance (void)
{
  g_autoptr(RlImage) image = stripes (10, 4, 30, 220);

  g_assert_cmpfloat_with_epsilon (rl_measure_distance_mm (image, 0, 0, 30, 40), 50 * 25.4 / 500, 1e-9);
  image->ppi = 1000;
  g_assert_cmpfloat_with_epsilon (rl_measure_distance_mm (image, 0, 0, 30, 40), 50 * 25.4 / 1000, 1e-9);
}

static void
test_grey_stripes (void)
{
  static const struct { int period, width, x0, x1; } cases[] = {
    { 10, 4, 7, 67 }, { 9, 4, 6, 150 }, { 12, 5, 8, 100 }, { 8, 3, 5, 5 + 8 * 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RlImage) image = stripes (cases[i].period, cases[i].width, 40, 210);
      int expected = ridges_between (cases[i].period, cases[i].width, cases[i].x0, cases[i].x1);

      g_assert_cmpint (expected, >, 0);
      g_assert_cmpint (rl_measure_ridge_count (image, FALSE, cases[i].x0, 60, cases[i].x1, 60), ==, expected);
    }
}

/* Low contrast and a brightness gradient (uneven pressure) do not hide ridges. */
static void
test_uneven_pressure (void)
{
  g_autoptr(RlImage) image = rl_image_new (W, H, 500);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int base = 60 + x * 120 / W;             /* background gets lighter */
        image->pixels[y * W + x] = (uint8_t) ((x % 10) < 4 ? base : base + 45);
      }
  g_assert_cmpint (rl_measure_ridge_count (image, FALSE, 7, 50, 187, 50), ==, ridges_between (10, 4, 7, 187));
}

/* The ridges under the end points are not counted. */
static void
test_end_points_on_ridges (void)
{
  g_autoptr(RlImage) image = stripes (10, 4, 30, 220);

  /* x = 11 and x = 61 are on ridges (10..13 and 60..63): 4 ridges between. */
  g_assert_cmpint (rl_measure_ridge_count (image, FALSE, 11, 20, 61, 20), ==, 4);
}

static void
test_skeleton_slanted (void)
{
  g_autoptr(RlImage) skeleton = rl_image_new (W, H, 500);
  int lines = 0;

  /* One-pixel 8-connected diagonal ridges (x + y ≡ 0 mod 12), crossed by a
   * horizontal line: the worst case for stepping over a thin line. */
  memset (skeleton->pixels, 255, W * H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if ((x + y) % 12 == 0)
        skeleton->pixels[y * W + x] = 0;
  /* Line at y = 50 from x = 4 to x = 184: ridges at x + 50 ≡ 0 (mod 12). */
  for (int x = 5; x < 184; x++)
    if ((x + 50) % 12 == 0)
      lines++;
  g_assert_cmpint (rl_measure_ridge_count (skeleton, TRUE, 4, 50, 184, 50), ==, lines);
  /* The same at 45°, across the ridges. */
  g_assert_cmpint (rl_measure_ridge_count (skeleton, TRUE, 4.5, 10.5, 64.5, 70.5), ==, 10);
}

static void
test_flat_and_outside (void)
{
  g_autoptr(RlImage) flat = rl_image_new (W, H, 500);

  memset (flat->pixels, 128, W * H);
  g_assert_cmpint (rl_measure_ridge_count (flat, FALSE, 10, 10, 150, 90), ==, 0);
  g_assert_cmpint (rl_measure_ridge_count (flat, FALSE, -5, 10, 150, 90), ==, -1);
  g_assert_cmpint (rl_measure_ridge_count (flat, FALSE, 10, 10, W, 90), ==, -1);
  g_assert_cmpint (rl_measure_ridge_count (flat, FALSE, 10, 10, 10.5, 10), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/measure/distance", test_distance);
  g_test_add_func ("/measure/grey-stripes", test_grey_stripes);
  g_test_add_func ("/measure/uneven-pressure", test_uneven_pressure);
  g_test_add_func ("/measure/end-points-on-ridges", test_end_points_on_ridges);
  g_test_add_func ("/measure/skeleton-slanted", test_skeleton_slanted);
  g_test_add_func ("/measure/flat-and-outside", test_flat_and_outside);
  return g_test_run ();
}
