/* RlPrintView rendered in a real window: overlays at the right pixels in the
 * right colours, invert, hidden layers, rotation, keyboard navigation,
 * charting by hand and the measuring tool. */
#include <math.h>
#include <string.h>

#include "rl-print-view-private.h"
#include "rl-measure.h"
#include "widget-test-util.h"

#define VIEW_W 400
#define VIEW_H 300
#define IMG_W 300
#define IMG_H 200

/* A horizontal grey ramp 40..190: every pixel's value is known. */
static RlImage *
ramp_image (void)
{
  RlImage *image = rl_image_new (IMG_W, IMG_H, 500);

  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W; x++)
      image->pixels[y * IMG_W + x] = (uint8_t) (40 + x * 150 / IMG_W);
  return image;
}

typedef struct {
  GtkWindow   *window;
  RlPrintView *view;
  RlImage     *image;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->view = RL_PRINT_VIEW (rl_print_view_new ());
  f->image = ramp_image ();
  rl_print_view_set_image (f->view, f->image);
  f->window = rl_test_window_new (GTK_WIDGET (f->view), VIEW_W, VIEW_H);
  /* Zoom 1, image centre at the widget centre: image (x, y) is widget
   * (x + 50, y + 50). */
  rl_print_view_set_view (f->view, 1.0, 0.0, IMG_W / 2.0, IMG_H / 2.0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  rl_image_free (f->image);
  rl_test_iterate ();
}

static RlTemplate *
one_minutia (float x, float y, float angle, RlMinutiaKind kind)
{
  RlTemplate *tpl = rl_template_new (1, 0);

  tpl->width = IMG_W;
  tpl->height = IMG_H;
  tpl->minutiae[0].x = x;
  tpl->minutiae[0].y = y;
  tpl->minutiae[0].angle = angle;
  tpl->minutiae[0].kind = kind;
  tpl->minutiae[0].reliability = 100;
  return tpl;
}

static int
image_grey_at_widget (Fixture *f, int wx, int wy)
{
  double ix, iy;

  rl_print_view_widget_to_image (f->view, wx + 0.5, wy + 0.5, &ix, &iy);
  return f->image->pixels[(int) iy * IMG_W + (int) ix];
}

static void
test_transform (Fixture *f, gconstpointer data)
{
  double wx, wy, ix, iy;

  rl_print_view_image_to_widget (f->view, 10, 20, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 10 + (VIEW_W - IMG_W) / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 20 + (VIEW_H - IMG_H) / 2.0, 1e-9);

  rl_print_view_set_view (f->view, 3.0, 37.0, 100, 80);
  rl_print_view_image_to_widget (f->view, 123.4, 56.7, &wx, &wy);
  rl_print_view_widget_to_image (f->view, wx, wy, &ix, &iy);
  g_assert_cmpfloat_with_epsilon (ix, 123.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (iy, 56.7, 1e-9);
}

/* The print itself: with zoom 1 a pixel shows the image's grey. */
static void
test_image_pixels (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (f->view));
  int r, g, b, grey;

  rl_test_pixel (px, 250, 150, &r, &g, &b);
  grey = image_grey_at_widget (f, 250, 150);
  g_assert_cmpint (abs (r - grey), <=, 2);
  g_assert_cmpint (abs (g - grey), <=, 2);
  g_assert_cmpint (abs (b - grey), <=, 2);

  /* Outside the print: the dark canvas, not image grey. */
  rl_test_pixel (px, 10, 10, &r, &g, &b);
  g_assert_cmpint (r, <, 50);
}

static void
test_invert (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTestPixels) before = NULL;
  g_autoptr(RlTestPixels) after = NULL;
  int r0, g0, b0, r1, g1, b1;

  before = rl_test_render (GTK_WIDGET (f->view));
  g_object_set (f->view, "invert", TRUE, NULL);
  after = rl_test_render (GTK_WIDGET (f->view));

  rl_test_pixel (before, 100, 120, &r0, &g0, &b0);
  rl_test_pixel (after, 100, 120, &r1, &g1, &b1);
  g_assert_cmpint (abs ((255 - r0) - r1), <=, 2);
  g_assert_cmpint (abs ((255 - g0) - g1), <=, 2);

  /* The action the I key triggers toggles it back. */
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "i"));
  {
    gboolean invert;
    g_object_get (f->view, "invert", &invert, NULL);
    g_assert_false (invert);
  }
}

/* An ending at a known image point: its direction tick (angle 0 = towards +x)
 * is red a few pixels to the right of it; a bifurcation's is blue. */
static void
test_minutia_overlay (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTemplate) tpl = one_minutia (60.5, 50.5, 0.0f, RL_MINUTIA_ENDING);
  g_autoptr(RlTestPixels) px = NULL;
  double wx, wy;
  int r, g, b;

  rl_print_view_set_template (f->view, tpl);
  px = rl_test_render (GTK_WIDGET (f->view));
  rl_print_view_image_to_widget (f->view, 60.5, 50.5, &wx, &wy);
  g_assert_cmpfloat (wx, ==, 110.5);

  rl_test_pixel (px, (int) wx + 10, (int) wy, &r, &g, &b);
  g_assert_cmpint (r, >, 200);
  g_assert_cmpint (g, <, 130);
  g_assert_cmpint (b, <, 130);
  /* Nothing drawn on the other side along the axis beyond the circle. */
  rl_test_pixel (px, (int) wx - 14, (int) wy, &r, &g, &b);
  g_assert_cmpint (abs (r - image_grey_at_widget (f, (int) wx - 14, (int) wy)), <=, 2);

  /* Angle π/2 points up on screen (counter-clockwise, y up). */
  tpl->minutiae[0].angle = (float) (G_PI / 2);
  tpl->minutiae[0].kind = RL_MINUTIA_BIFURCATION;
  rl_print_view_set_template (f->view, tpl);
  g_clear_pointer (&px, rl_test_pixels_free);
  px = rl_test_render (GTK_WIDGET (f->view));
  rl_test_pixel (px, (int) wx, (int) wy - 12, &r, &g, &b);
  g_assert_cmpint (b, >, 200);
  g_assert_cmpint (r, <, 130);
}

static void
test_hidden_layer (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTemplate) tpl = one_minutia (60.5, 50.5, 0.0f, RL_MINUTIA_ENDING);
  g_autoptr(RlTestPixels) px = NULL;
  int r, g, b, grey;

  rl_print_view_set_template (f->view, tpl);
  g_object_set (f->view, "show-minutiae", FALSE, NULL);
  px = rl_test_render (GTK_WIDGET (f->view));
  rl_test_pixel (px, 120, 100, &r, &g, &b);
  grey = image_grey_at_widget (f, 120, 100);
  g_assert_cmpint (abs (r - grey), <=, 2);
  g_assert_cmpint (abs (g - grey), <=, 2);
  g_assert_cmpint (abs (b - grey), <=, 2);
}

/* A skeleton layer paints ridge pixels only while shown. */
static void
test_skeleton_layer (Fixture *f, gconstpointer data)
{
  g_autoptr(RlImage) skeleton = rl_image_new (IMG_W, IMG_H, 500);
  g_autoptr(RlTestPixels) hidden = NULL;
  g_autoptr(RlTestPixels) shown = NULL;
  int r, g, b;

  memset (skeleton->pixels, 255, IMG_W * IMG_H);
  for (int y = 0; y < IMG_H; y++)
    skeleton->pixels[y * IMG_W + 150] = 0;
  rl_print_view_set_skeleton (f->view, skeleton);
  hidden = rl_test_render (GTK_WIDGET (f->view));
  g_object_set (f->view, "show-skeleton", TRUE, NULL);
  shown = rl_test_render (GTK_WIDGET (f->view));

  /* Image column 150 is widget column 200. */
  rl_test_pixel (hidden, 200, 150, &r, &g, &b);
  g_assert_cmpint (abs (r - b), <=, 2);
  rl_test_pixel (shown, 200, 150, &r, &g, &b);
  g_assert_cmpint (b, >, 200);
  g_assert_cmpint (r, <, 120);
  rl_test_pixel (shown, 205, 150, &r, &g, &b);
  g_assert_cmpint (abs (r - b), <=, 2);
}

/* The enhanced image replaces the print while shown; the mask veils the
 * background; the quality map tints the print green where quality is good
 * and leaves "no print" (0) clear. */
static void
test_image_layers (Fixture *f, gconstpointer data)
{
  g_autoptr(RlImage) enhanced = rl_image_new (IMG_W, IMG_H, 500);
  g_autoptr(RlImage) mask = rl_image_new (IMG_W, IMG_H, 500);
  g_autoptr(RlImage) quality = rl_image_new (IMG_W, IMG_H, 500);
  int r, g, b, grey_in, grey_out;

  memset (enhanced->pixels, 10, IMG_W * IMG_H);
  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W; x++)
      {
        mask->pixels[y * IMG_W + x] = x < IMG_W / 2 ? 0 : 255;       /* left half is background */
        quality->pixels[y * IMG_W + x] = y < IMG_H / 2 ? 0 : 100;    /* top half: no print */
      }
  rl_print_view_set_enhanced (f->view, enhanced);
  rl_print_view_set_mask (f->view, mask);
  rl_print_view_set_quality_map (f->view, quality);

  /* Image (50, 50) is widget (100, 100): left, top. Image (250, 150) is widget (300, 200). */
  grey_out = image_grey_at_widget (f, 100, 100);
  grey_in = image_grey_at_widget (f, 300, 200);
  {
    g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (f->view));
    rl_test_pixel (px, 100, 100, &r, &g, &b);
    g_assert_cmpint (abs (r - grey_out), <=, 2);     /* all hidden by default */
  }

  g_object_set (f->view, "show-enhanced", TRUE, NULL);
  {
    g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (f->view));
    rl_test_pixel (px, 300, 200, &r, &g, &b);
    g_assert_cmpint (r, <=, 12);
  }
  g_object_set (f->view, "show-enhanced", FALSE, "show-mask", TRUE, NULL);
  {
    g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (f->view));
    rl_test_pixel (px, 100, 100, &r, &g, &b);
    g_assert_cmpint (r, <, grey_out - 20);           /* background veiled */
    g_assert_cmpint (b, >, r);                       /* with a blue-grey cast */
    rl_test_pixel (px, 300, 200, &r, &g, &b);
    g_assert_cmpint (abs (r - grey_in), <=, 2);      /* print untouched */
  }
  g_object_set (f->view, "show-mask", FALSE, "show-quality", TRUE, NULL);
  {
    g_autoptr(RlTestPixels) px = rl_test_render (GTK_WIDGET (f->view));
    rl_test_pixel (px, 300, 200, &r, &g, &b);
    g_assert_cmpint (g, >, r + 15);                  /* good quality: green */
    rl_test_pixel (px, 300, 100, &r, &g, &b);
    g_assert_cmpint (abs (r - image_grey_at_widget (f, 300, 100)), <=, 2);
    g_assert_cmpint (abs (g - r), <=, 2);            /* quality 0: clear */
  }
}

/* GSK's rotation of the print and the overlay geometry must agree: a dark
 * block lands where image_to_widget says, at several angles and zooms
 * (the texture path and the sharp-pixel path). */
static void
test_rotation_agrees (Fixture *f, gconstpointer data)
{
  static const struct { double zoom, degrees; } cases[] = {
    { 1.0, 90.0 }, { 1.0, 30.0 }, { 2.0, 200.0 }, { 4.0, 45.0 }, { 10.0, 270.0 },
  };
  g_autoptr(RlImage) image = rl_image_new (IMG_W, IMG_H, 500);

  memset (image->pixels, 230, IMG_W * IMG_H);
  for (int y = 40; y < 46; y++)
    for (int x = 70; x < 76; x++)
      image->pixels[y * IMG_W + x] = 0;
  rl_print_view_set_image (f->view, image);
  /* Both ways of drawing the print: Cairo surfaces and GSK texture nodes. */
  f->view->force_textures = GPOINTER_TO_INT (data);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RlTestPixels) px = NULL;
      double wx, wy;
      int r, g, b;

      rl_print_view_set_view (f->view, cases[i].zoom, cases[i].degrees, 73, 43);
      px = rl_test_render (GTK_WIDGET (f->view));
      rl_print_view_image_to_widget (f->view, 73, 43, &wx, &wy);
      rl_test_pixel (px, (int) wx, (int) wy, &r, &g, &b);
      g_assert_cmpint (r, <, 60);
      /* 10 image pixels to the right of the block is light again. */
      rl_print_view_image_to_widget (f->view, 86, 43, &wx, &wy);
      if (wx >= 0 && wy >= 0 && wx < VIEW_W && wy < VIEW_H)
        {
          rl_test_pixel (px, (int) wx, (int) wy, &r, &g, &b);
          g_assert_cmpint (r, >, 180);
        }
    }
}

/* Zoomed out, the print is drawn from a smaller mipmap level: a flat area
 * keeps its grey and the picture stays where the geometry says. */
static void
test_zoomed_out (Fixture *f, gconstpointer data)
{
  static const double zooms[] = { 0.5, 0.3, 0.12 };
  g_autoptr(RlImage) image = rl_image_new (IMG_W, IMG_H, 500);

  memset (image->pixels, 200, IMG_W * IMG_H);
  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W / 2; x++)
      image->pixels[y * IMG_W + x] = 40;
  rl_print_view_set_image (f->view, image);
  for (int t = 0; t < 2; t++)
    for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
      {
        g_autoptr(RlTestPixels) px = NULL;
        double wx, wy;
        int r, g, b;

        f->view->force_textures = t;
        rl_print_view_set_view (f->view, zooms[i], 0, IMG_W / 2.0, IMG_H / 2.0);
        px = rl_test_render (GTK_WIDGET (f->view));
        rl_print_view_image_to_widget (f->view, IMG_W * 0.2, IMG_H / 2.0, &wx, &wy);
        rl_test_pixel (px, (int) wx, (int) wy, &r, &g, &b);
        g_assert_cmpint (abs (r - 40), <=, 3);
        rl_print_view_image_to_widget (f->view, IMG_W * 0.8, IMG_H / 2.0, &wx, &wy);
        rl_test_pixel (px, (int) wx, (int) wy, &r, &g, &b);
        g_assert_cmpint (abs (r - 200), <=, 3);
      }
}

static void
test_keyboard_navigation (Fixture *f, gconstpointer data)
{
  double zoom = rl_print_view_get_zoom (f->view), cx, cy, cx2, cy2;

  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "plus"));
  g_assert_cmpfloat (rl_print_view_get_zoom (f->view), >, zoom);
  zoom = rl_print_view_get_zoom (f->view);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "minus"));
  g_assert_cmpfloat (rl_print_view_get_zoom (f->view), <, zoom);

  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "1"));
  g_assert_cmpfloat (rl_print_view_get_zoom (f->view), ==, 1.0);

  rl_print_view_get_center (f->view, &cx, &cy);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "Left"));
  rl_print_view_get_center (f->view, &cx2, &cy2);
  /* The picture moves right: the centre goes to a smaller x. */
  g_assert_cmpfloat (cx2, <, cx);
  g_assert_cmpfloat (cy2, ==, cy);

  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "r"));
  g_assert_cmpfloat (rl_print_view_get_rotation (f->view), ==, 90.0);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "<Shift>r"));
  g_assert_cmpfloat (rl_print_view_get_rotation (f->view), ==, 0.0);

  /* Fit: the whole print is visible and the view is centred on it. */
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "0"));
  rl_print_view_get_center (f->view, &cx, &cy);
  g_assert_cmpfloat (cx, ==, IMG_W / 2.0);
  g_assert_cmpfloat (IMG_W * rl_print_view_get_zoom (f->view), <=, VIEW_W);
  g_assert_cmpfloat (IMG_H * rl_print_view_get_zoom (f->view), <=, VIEW_H);
}

static void
test_zoom_at_keeps_point (Fixture *f, gconstpointer data)
{
  double ix0, iy0, ix1, iy1;

  rl_print_view_widget_to_image (f->view, 80, 70, &ix0, &iy0);
  rl_print_view_zoom_at (f->view, 2.5, 80, 70);
  rl_print_view_widget_to_image (f->view, 80, 70, &ix1, &iy1);
  g_assert_cmpfloat_with_epsilon (ix0, ix1, 1e-6);
  g_assert_cmpfloat_with_epsilon (iy0, iy1, 1e-6);
  g_assert_cmpfloat (rl_print_view_get_zoom (f->view), ==, 2.5);
}

static void
count_cb (RlPrintView *view, guint index, int *count)
{
  (*count)++;
}

static void
test_charting (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTemplate) tpl = one_minutia (60.5, 50.5, 0.0f, RL_MINUTIA_ENDING);
  RlMinutia m = { .x = 120, .y = 90, .angle = 1.0f, .kind = RL_MINUTIA_BIFURCATION, .reliability = 100 };
  int added = 0, removed = 0;
  guint n;

  rl_print_view_set_template (f->view, tpl);
  g_signal_connect (f->view, "minutia-added", G_CALLBACK (count_cb), &added);
  g_signal_connect (f->view, "minutia-removed", G_CALLBACK (count_cb), &removed);

  g_assert_cmpuint (rl_print_view_add_minutia (f->view, &m), ==, 1);
  g_object_get (f->view, "n-minutiae", &n, NULL);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (added, ==, 1);

  /* Picking at the drawn symbol finds it. */
  {
    double wx, wy;
    rl_print_view_image_to_widget (f->view, 120, 90, &wx, &wy);
    g_assert_cmpint (rl_print_view_pick_minutia (f->view, wx + 3, wy - 2), ==, 1);
    g_assert_cmpint (rl_print_view_pick_minutia (f->view, wx + 40, wy), ==, -1);
  }

  /* Select the first and press Delete. */
  rl_print_view_set_selected_minutia (f->view, 0);
  g_assert_true (rl_test_press_key (GTK_WIDGET (f->view), "Delete"));
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->view), ==, 1);
  g_assert_cmpint (removed, ==, 1);
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->view), ==, -1);
  g_assert_cmpfloat (rl_print_view_get_minutiae (f->view, NULL)[0].x, ==, 120.0f);
}

static GtkGesture *
drag_gesture (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_DRAG (c))
        return GTK_GESTURE (c);
    }
  g_assert_not_reached ();
}

/* A press at (x, y), a move by (dx, dy) and a release, through the view's
 * own drag gesture handlers. */
static void
drag (Fixture *f, double x, double y, double dx, double dy)
{
  GtkGesture *gesture = drag_gesture (GTK_WIDGET (f->view));

  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  g_signal_emit_by_name (gesture, "drag-update", dx / 2, dy / 2);
  g_signal_emit_by_name (gesture, "drag-update", dx, dy);
  g_signal_emit_by_name (gesture, "drag-end", dx, dy);
}

/* The examiner's charting by pointer: a click-and-drag in the ending tool
 * adds an ending there pointing along the drag; dragging it moves it; a
 * drag in navigate mode pans. */
static void
test_pointer_charting (Fixture *f, gconstpointer data)
{
  const RlMinutia *m;
  double cx0, cy0, cx1, cy1;

  g_object_set (f->view, "tool", RL_PRINT_TOOL_ADD_ENDING, NULL);
  /* Widget (150, 120) is image (100, 70); dragging up points at π/2. */
  drag (f, 150, 120, 0, -30);
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->view), ==, 1);
  m = &rl_print_view_get_minutiae (f->view, NULL)[0];
  g_assert_cmpfloat_with_epsilon (m->x, 100, 1e-4);
  g_assert_cmpfloat_with_epsilon (m->y, 70, 1e-4);
  g_assert_cmpfloat_with_epsilon (m->angle, G_PI / 2, 1e-4);
  g_assert_cmpint (m->kind, ==, RL_MINUTIA_ENDING);
  g_assert_cmpint (rl_print_view_get_selected_minutia (f->view), ==, 0);

  /* Bifurcation tool, plain click: pointing right. */
  g_object_set (f->view, "tool", RL_PRINT_TOOL_ADD_BIFURCATION, NULL);
  drag (f, 250, 200, 0, 0);
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->view), ==, 2);
  m = &rl_print_view_get_minutiae (f->view, NULL)[1];
  g_assert_cmpint (m->kind, ==, RL_MINUTIA_BIFURCATION);
  g_assert_cmpfloat (m->angle, ==, 0.0f);

  /* Dragging the first one moves it by the drag, in image pixels. */
  g_object_set (f->view, "tool", RL_PRINT_TOOL_NAVIGATE, NULL);
  drag (f, 151, 121, 12, -8);
  m = &rl_print_view_get_minutiae (f->view, NULL)[0];
  g_assert_cmpfloat_with_epsilon (m->x, 112, 1e-4);
  g_assert_cmpfloat_with_epsilon (m->y, 62, 1e-4);
  g_assert_cmpuint (rl_print_view_get_n_minutiae (f->view), ==, 2);

  /* A drag on empty print pans. */
  rl_print_view_get_center (f->view, &cx0, &cy0);
  drag (f, 300, 100, 25, 10);
  rl_print_view_get_center (f->view, &cx1, &cy1);
  g_assert_cmpfloat_with_epsilon (cx0 - cx1, 25, 1e-6);
  g_assert_cmpfloat_with_epsilon (cy0 - cy1, 10, 1e-6);

  /* The measuring tool: a drag gives a measurement. */
  g_object_set (f->view, "tool", RL_PRINT_TOOL_MEASURE, NULL);
  drag (f, 100, 100, 50, 0);
  {
    double mm;
    g_assert_true (rl_print_view_get_measure (f->view, &mm, NULL));
    g_assert_cmpfloat_with_epsilon (mm, 50 * 25.4 / 500, 1e-9);
  }
}

/* The measuring tool on the real print view reports mm and ridges of
 * synthetic stripes. */
static void
test_measure_in_view (Fixture *f, gconstpointer data)
{
  g_autoptr(RlImage) image = rl_image_new (IMG_W, IMG_H, 500);
  g_autoptr(RlTestPixels) px = NULL;
  double mm;
  int ridges;

  for (int y = 0; y < IMG_H; y++)
    for (int x = 0; x < IMG_W; x++)
      image->pixels[y * IMG_W + x] = (x % 10) < 4 ? 30 : 220;
  rl_print_view_set_image (f->view, image);
  rl_print_view_set_view (f->view, 1.0, 0.0, IMG_W / 2.0, IMG_H / 2.0);
  /* From one valley to another 6 periods further: 6 ridges, 60 px. */
  rl_print_view_set_measure (f->view, 7, 100, 67, 100);
  g_assert_true (rl_print_view_get_measure (f->view, &mm, &ridges));
  g_assert_cmpfloat_with_epsilon (mm, 60 * 25.4 / 500, 1e-9);
  g_assert_cmpint (ridges, ==, 6);

  /* The line is drawn in the measuring colour (yellow). */
  px = rl_test_render (GTK_WIDGET (f->view));
  {
    int r, g, b;
    rl_test_pixel (px, 50 + 30, 150, &r, &g, &b);
    g_assert_cmpint (r, >, 180);
    g_assert_cmpint (g, >, 160);
    g_assert_cmpint (b, <, 120);
  }
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/print-view/transform", test_transform);
  ADD ("/print-view/image-pixels", test_image_pixels);
  ADD ("/print-view/invert", test_invert);
  ADD ("/print-view/minutia-overlay", test_minutia_overlay);
  ADD ("/print-view/hidden-layer", test_hidden_layer);
  ADD ("/print-view/skeleton-layer", test_skeleton_layer);
  ADD ("/print-view/image-layers", test_image_layers);
  ADD ("/print-view/rotation-agrees", test_rotation_agrees);
  g_test_add ("/print-view/rotation-agrees-textures", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_rotation_agrees, fixture_tear_down);
  ADD ("/print-view/zoomed-out", test_zoomed_out);
  ADD ("/print-view/keyboard-navigation", test_keyboard_navigation);
  ADD ("/print-view/zoom-at-keeps-point", test_zoom_at_keeps_point);
  ADD ("/print-view/charting", test_charting);
  ADD ("/print-view/pointer-charting", test_pointer_charting);
  ADD ("/print-view/measure", test_measure_in_view);
#undef ADD
  return g_test_run ();
}
