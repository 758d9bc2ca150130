/* RlComparisonView in a real window: linked navigation, numbered
 * correspondences in matching colours, the visible-pairs limit, and charting
 * by hand with live counts. */
#include <math.h>
#include <string.h>

#include "rl-comparison-view.h"
#include "widget-test-util.h"

#define IMG_W 300
#define IMG_H 200

typedef struct {
  GtkWindow        *window;
  RlComparisonView *cmp;
  RlPrintView      *probe, *candidate;
  int               changed;
} Fixture;

static RlImage *
flat_image (int grey)
{
  RlImage *image = rl_image_new (IMG_W, IMG_H, 500);

  memset (image->pixels, grey, IMG_W * IMG_H);
  return image;
}

/* Three minutiae spread over the print, all endings pointing right. */
static RlTemplate *
three_minutiae (float dx)
{
  RlTemplate *tpl = rl_template_new (3, 0);

  for (int i = 0; i < 3; i++)
    {
      tpl->minutiae[i].x = 50.5f + 90 * i + dx;
      tpl->minutiae[i].y = 60.5f + 40 * i;
      tpl->minutiae[i].kind = RL_MINUTIA_ENDING;
      tpl->minutiae[i].reliability = 100;
    }
  return tpl;
}

static void
changed_cb (RlComparisonView *cmp, Fixture *f)
{
  f->changed++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(RlImage) a = flat_image (200);
  g_autoptr(RlImage) b = flat_image (180);
  g_autoptr(RlTemplate) ta = three_minutiae (0);
  g_autoptr(RlTemplate) tb = three_minutiae (5);

  f->cmp = RL_COMPARISON_VIEW (rl_comparison_view_new ());
  f->probe = rl_comparison_view_get_probe_view (f->cmp);
  f->candidate = rl_comparison_view_get_candidate_view (f->cmp);
  rl_comparison_view_set_prints (f->cmp, a, ta, b, tb);
  g_signal_connect (f->cmp, "changed", G_CALLBACK (changed_cb), f);
  f->window = rl_test_window_new (GTK_WIDGET (f->cmp), 802, 300);
  rl_print_view_set_view (f->probe, 1.0, 0.0, IMG_W / 2.0, IMG_H / 2.0);
  rl_comparison_view_set_linked (f->cmp, FALSE);
  rl_print_view_set_view (f->candidate, 1.0, 0.0, IMG_W / 2.0, IMG_H / 2.0);
  rl_comparison_view_set_linked (f->cmp, TRUE);
  f->changed = 0;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  rl_test_iterate ();
}

static void
test_side_by_side (Fixture *f, gconstpointer data)
{
  graphene_point_t p;

  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->probe)), ==, 400);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->candidate)), ==, 400);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (f->candidate), GTK_WIDGET (f->cmp),
                                           &GRAPHENE_POINT_INIT (0, 0), &p));
  g_assert_cmpfloat (p.x, >=, 400);
}

/* Where image point (x, y) appears on screen, for both views. */
static void
screen_of (RlPrintView *view, double x, double y, double *wx, double *wy)
{
  rl_print_view_image_to_widget (view, x, y, wx, wy);
}

static void
test_linked_navigation (Fixture *f, gconstpointer data)
{
  double a0x, a0y, b0x, b0y, a1x, a1y, b1x, b1y;

  /* Pan: both pictures move by the same screen distance. */
  screen_of (f->probe, 100, 100, &a0x, &a0y);
  screen_of (f->candidate, 100, 100, &b0x, &b0y);
  rl_print_view_pan_by (f->probe, 30, -12);
  screen_of (f->probe, 100, 100, &a1x, &a1y);
  screen_of (f->candidate, 100, 100, &b1x, &b1y);
  g_assert_cmpfloat_with_epsilon (a1x - a0x, 30, 1e-6);
  g_assert_cmpfloat_with_epsilon (a1y - a0y, -12, 1e-6);
  g_assert_cmpfloat_with_epsilon (b1x - b0x, 30, 1e-6);
  g_assert_cmpfloat_with_epsilon (b1y - b0y, -12, 1e-6);

  /* Zoom from the keyboard on the candidate: the probe follows. */
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->candidate), "plus"));
  g_assert_cmpfloat (rl_print_view_get_zoom (f->candidate), >, 1.0);
  g_assert_cmpfloat_with_epsilon (rl_print_view_get_zoom (f->probe), rl_print_view_get_zoom (f->candidate), 1e-9);

  /* Rotation follows too. */
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->probe), "r"));
  g_assert_cmpfloat (rl_print_view_get_rotation (f->candidate), ==, 90.0);

  /* Unlocked (K toggles): the other side stays put. */
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "k"));
  g_assert_false (rl_comparison_view_get_linked (f->cmp));
  screen_of (f->candidate, 100, 100, &b0x, &b0y);
  rl_print_view_pan_by (f->probe, 40, 40);
  rl_print_view_set_zoom (f->probe, 3.0);
  screen_of (f->candidate, 100, 100, &b1x, &b1y);
  g_assert_cmpfloat (b1x, ==, b0x);
  g_assert_cmpfloat (b1y, ==, b0y);
  g_assert_cmpfloat (rl_print_view_get_zoom (f->candidate), !=, 3.0);

  /* Locked again after aligning by hand: the offset is kept, motion shared. */
  rl_comparison_view_set_linked (f->cmp, TRUE);
  screen_of (f->probe, 100, 100, &a0x, &a0y);
  screen_of (f->candidate, 100, 100, &b0x, &b0y);
  rl_print_view_zoom_at (f->probe, 2.0, 200, 150);
  screen_of (f->probe, 100, 100, &a1x, &a1y);
  screen_of (f->candidate, 100, 100, &b1x, &b1y);
  /* Zooming about the widget point (200, 150): distances to it double on both sides. */
  g_assert_cmpfloat_with_epsilon (a1x - 200, 2 * (a0x - 200), 1e-6);
  g_assert_cmpfloat_with_epsilon (b1x - 200, 2 * (b0x - 200), 1e-6);
  g_assert_cmpfloat_with_epsilon (b1y - 150, 2 * (b0y - 150), 1e-6);
}

/* Counts pixels within `tolerance` of a colour in a box. */
static int
count_colour (const RlTestPixels *px, int x0, int y0, int x1, int y1, const GdkRGBA *c, int tolerance)
{
  int n = 0;

  for (int y = MAX (0, y0); y < MIN (px->height, y1); y++)
    for (int x = MAX (0, x0); x < MIN (px->width, x1); x++)
      {
        int r, g, b;
        rl_test_pixel (px, x, y, &r, &g, &b);
        if (abs (r - (int) (c->red * 255)) <= tolerance && abs (g - (int) (c->green * 255)) <= tolerance &&
            abs (b - (int) (c->blue * 255)) <= tolerance)
          n++;
      }
  return n;
}

/* The label of a correspondence: pixels of its colour around the minutia,
 * and the number's dark ink among them (the flat test print has no dark
 * pixels of its own). Returns 0 when either is missing. */
static int
mark_pixels_near (RlPrintView *view, const RlTestPixels *px, guint minutia, guint number)
{
  const RlMinutia *m = &rl_print_view_get_minutiae (view, NULL)[minutia];
  GdkRGBA colour, ink = { 0, 0, 0, 1 };
  double wx, wy;
  int coloured, dark;

  rl_print_view_mark_color (number, &colour);
  rl_print_view_image_to_widget (view, m->x, m->y, &wx, &wy);
  coloured = count_colour (px, (int) wx - 35, (int) wy - 35, (int) wx + 35, (int) wy + 35, &colour, 20);
  dark = count_colour (px, (int) wx - 35, (int) wy - 35, (int) wx + 35, (int) wy + 35, &ink, 40);
  return dark >= 4 ? coloured : 0;
}

static void
test_correspondences_drawn (Fixture *f, gconstpointer data)
{
  /* The matcher's pairs, weakest first: the view ranks them. */
  const RlCorrespondence pairs[] = {
    { 2, 2, 0.2f, FALSE }, { 0, 0, 0.9f, FALSE }, { 1, 1, 0.5f, FALSE },
  };
  g_autoptr(RlTestPixels) probe_px = NULL;
  g_autoptr(RlTestPixels) candidate_px = NULL;
  g_autofree RlCorrespondence *shown = NULL;
  guint n, visible;

  rl_comparison_view_set_matcher_pairs (f->cmp, pairs, G_N_ELEMENTS (pairs));
  g_object_get (f->cmp, "n-correspondences", &n, "visible-pairs", &visible, NULL);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (visible, ==, 3);
  shown = rl_comparison_view_get_correspondences (f->cmp, &n);
  g_assert_cmpuint (shown[0].probe, ==, 0);    /* strongest is number 1 */
  g_assert_cmpuint (shown[2].probe, ==, 2);

  probe_px = rl_test_render (GTK_WIDGET (f->probe));
  candidate_px = rl_test_render (GTK_WIDGET (f->candidate));
  /* Number 1 on minutia 0 in the same colour on both sides; number 3 on minutia 2. */
  g_assert_cmpint (mark_pixels_near (f->probe, probe_px, 0, 1), >, 10);
  g_assert_cmpint (mark_pixels_near (f->candidate, candidate_px, 0, 1), >, 10);
  g_assert_cmpint (mark_pixels_near (f->probe, probe_px, 2, 3), >, 10);
  g_assert_cmpint (mark_pixels_near (f->candidate, candidate_px, 2, 3), >, 10);

  /* The slider shows only the strongest one: number 3's label is gone. */
  g_object_set (f->cmp, "visible-pairs", 1u, NULL);
  g_object_get (f->cmp, "n-correspondences", &n, NULL);
  g_assert_cmpuint (n, ==, 1);
  g_clear_pointer (&probe_px, rl_test_pixels_free);
  probe_px = rl_test_render (GTK_WIDGET (f->probe));
  g_assert_cmpint (mark_pixels_near (f->probe, probe_px, 0, 1), >, 10);
  g_assert_cmpint (mark_pixels_near (f->probe, probe_px, 2, 3), ==, 0);
  g_assert_cmpint (f->changed, >=, 2);
}

static void
test_charting_counts (Fixture *f, gconstpointer data)
{
  RlMinutia m = { .x = 150, .y = 30, .angle = 0, .kind = RL_MINUTIA_BIFURCATION, .reliability = 100 };
  guint n_probe, n_corr;
  int changed;

  /* Select one minutia on each side and press L. */
  rl_print_view_set_selected_minutia (f->probe, 1);
  rl_print_view_set_selected_minutia (f->candidate, 2);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "l"));
  g_object_get (f->cmp, "n-correspondences", &n_corr, NULL);
  g_assert_cmpuint (n_corr, ==, 1);
  g_assert_cmpint (f->changed, ==, 1);

  /* Adding a minutia updates the count live. */
  rl_print_view_add_minutia (f->probe, &m);
  g_object_get (f->cmp, "n-probe-minutiae", &n_probe, NULL);
  g_assert_cmpuint (n_probe, ==, 4);
  g_assert_cmpint (f->changed, ==, 2);

  /* Link the new one with candidate 0, then re-link probe 1 elsewhere:
   * one feature has one correspondence. */
  g_assert_true (rl_comparison_view_link (f->cmp, 3, 0));
  g_assert_true (rl_comparison_view_link (f->cmp, 1, 1));
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 2);

  /* Deleting a linked minutia on the candidate removes its correspondence
   * and renumbers nothing else wrongly. */
  changed = f->changed;
  rl_print_view_set_selected_minutia (f->candidate, 0);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->candidate), "Delete"));
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->candidate), ==, 2);
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 1);
  g_assert_cmpint (f->changed, >, changed);
  {
    g_autofree RlCorrespondence *c = rl_comparison_view_get_correspondences (f->cmp, NULL);
    g_assert_cmpuint (c[0].probe, ==, 1);
    g_assert_cmpuint (c[0].candidate, ==, 0);   /* was candidate 1, shifted down */
    g_assert_true (c[0].charted);
  }

  /* U unlinks the selected probe minutia's correspondence. */
  rl_print_view_set_selected_minutia (f->probe, 1);
  gtk_widget_grab_focus (GTK_WIDGET (f->probe));
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "u"));
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 0);
}

/* A whole chart from the keyboard: N/P pick a minutia on each side, L
 * links them, U unlinks, Delete removes. */
static void
test_keyboard_charting (Fixture *f, gconstpointer data)
{
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->probe), "n"));
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->probe), ==, 0);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->probe), "n"));
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->probe), ==, 1);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->candidate), "p"));
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->candidate), ==, 2);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->candidate), "p"));
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->candidate), ==, 1);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "l"));
  {
    g_autofree RlCorrespondence *c = NULL;
    guint n;

    c = rl_comparison_view_get_correspondences (f->cmp, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (c[0].probe, ==, 1);
    g_assert_cmpuint (c[0].candidate, ==, 1);
  }
  /* Wrapping around, then far off screen: the view brings it into sight. */
  rl_print_view_set_view (f->probe, 8.0, 0, 10, 10);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->probe), "n"));
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->probe), ==, 2);
  {
    double cx, cy;
    const RlMinutia *m = &rl_print_view_get_minutiae (f->probe, NULL)[2];
    rl_print_view_get_center (f->probe, &cx, &cy);
    g_assert_cmpfloat (cx, ==, m->x);
    g_assert_cmpfloat (cy, ==, m->y);
  }
}

/* Every charting step can be undone and redone; the steps of one drag are
 * one step. */
static void
test_undo_redo (Fixture *f, gconstpointer data)
{
  RlMinutia m = { .x = 150, .y = 30, .kind = RL_MINUTIA_ENDING, .reliability = 100 };
  float x0 = rl_print_view_get_minutiae (f->probe, NULL)[0].x;

  g_assert_false (rl_comparison_view_undo (f->cmp));
  g_assert_true (rl_comparison_view_link (f->cmp, 1, 2));                  /* step 1 */
  rl_print_view_add_minutia (f->probe, &m);                                /* step 2 */
  rl_print_view_move_minutia (f->probe, 0, x0 + 5, 70);                    /* step 3 … */
  rl_print_view_move_minutia (f->probe, 0, x0 + 9, 72);                    /* … same drag */
  rl_print_view_remove_minutia (f->candidate, 2);                          /* step 4 */
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 0);
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->candidate), ==, 2);

  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "<Control>z"));  /* undo 4 */
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->candidate), ==, 3);
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 1);
  g_assert_true (rl_comparison_view_undo (f->cmp));                        /* undo 3 */
  g_assert_cmpfloat (rl_print_view_get_minutiae (f->probe, NULL)[0].x, ==, x0);
  g_assert_true (rl_comparison_view_undo (f->cmp));                        /* undo 2 */
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->probe), ==, 3);
  g_assert_true (rl_comparison_view_undo (f->cmp));                        /* undo 1 */
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 0);
  g_assert_false (rl_comparison_view_undo (f->cmp));

  for (int i = 0; i < 3; i++)
    g_assert_true (rl_comparison_view_redo (f->cmp));
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->probe), ==, 4);
  g_assert_cmpfloat (rl_print_view_get_minutiae (f->probe, NULL)[0].x, ==, x0 + 9);
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 1);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->cmp), "<Control>y"));
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->candidate), ==, 2);
  g_assert_cmpuint (rl_comparison_view_get_n_correspondences (f->cmp), ==, 0);
  g_assert_false (rl_comparison_view_redo (f->cmp));

  /* A new edit after undoing drops the redo steps. */
  g_assert_true (rl_comparison_view_undo (f->cmp));
  g_assert_true (rl_comparison_view_link (f->cmp, 2, 0));
  g_assert_false (rl_comparison_view_redo (f->cmp));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/comparison-view/side-by-side", test_side_by_side);
  ADD ("/comparison-view/linked-navigation", test_linked_navigation);
  ADD ("/comparison-view/correspondences-drawn", test_correspondences_drawn);
  ADD ("/comparison-view/charting-counts", test_charting_counts);
  ADD ("/comparison-view/keyboard-charting", test_keyboard_charting);
  ADD ("/comparison-view/undo-redo", test_undo_redo);
#undef ADD
  return g_test_run ();
}
