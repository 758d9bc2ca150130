/* bench-print-view — how fast the comparison view opens and draws.
 *
 *   xvfb-run -a -s "-screen 0 1920x1080x24" build-release/bench/bench-print-view [--frames N] [--renderer NAME]
 *
 * 1. Opening a comparison: create the RlComparisonView, give it two 500 ppi
 *    prints with their templates and the matcher's pairs, put it in an open
 *    window, and wait for the frame clock's first paint of it (the issue's
 *    target: under 150 ms). Loading from disk and matching are timed apart.
 * 2. Frame time while navigating: for each zoom / rotation, pan a little and
 *    build the frame (snapshot → render nodes) and render it with the
 *    window's renderer to a texture. Median and 95th percentile in ms.
 *
 * Prints: FVC2004 DB1_B 101_1 / 101_2 (640 × 480, 500 ppi) with their ISO
 * templates, and the same pair upsampled ×2 (1280 × 960) to stand in for
 * rolled prints at 500 ppi.
 */
#define G_LOG_DOMAIN "bench-print-view"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-comparison-view.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-template-io.h"

static int opt_frames = 60;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
percentiles (double *v, int n, double *median, double *p95)
{
  qsort (v, n, sizeof *v, cmp_double);
  *median = v[n / 2];
  *p95 = v[MIN (n - 1, (int) ceil (n * 0.95) - 1)];
}

static void
painted_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* Runs the main loop until the window's frame clock has painted once. */
static void
wait_for_paint (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = FALSE;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);

  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
}

typedef struct {
  const RlImage    *images[2];
  const RlTemplate *templates[2];
  const RlComparison *comparison;
} Pair;

static double
time_open (GtkWindow *window, const Pair *pair)
{
  double t0 = now_ms ();
  GtkWidget *view = rl_comparison_view_new ();

  rl_comparison_view_set_prints (RL_COMPARISON_VIEW (view), pair->images[0], pair->templates[0],
                                 pair->images[1], pair->templates[1]);
  rl_comparison_view_set_comparison (RL_COMPARISON_VIEW (view), pair->comparison);
  gtk_window_set_child (window, view);
  wait_for_paint (GTK_WIDGET (window));
  return now_ms () - t0;
}

/* The extractor's enhanced image, skeleton and quality map on both prints,
 * as the review gives them once its extraction thread is done: prints the
 * extraction time (done off the UI thread in the review) and the time to
 * hand the layers to the views (on the UI thread, also when cached). */
static void
add_layers (RlComparisonView *view, RlImage *const images[2])
{
  RlExtraction *ex[2];
  double t0 = now_ms (), extract_ms, apply_ms;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 2; i++)
    if (!(ex[i] = rl_extract (images[i], &error)))
      g_error ("extraction failed: %s", error->message);
  extract_ms = now_ms () - t0;
  t0 = now_ms ();
  for (int i = 0; i < 2; i++)
    {
      RlPrintView *pv = i ? rl_comparison_view_get_candidate_view (view) : rl_comparison_view_get_probe_view (view);
      rl_print_view_set_enhanced (pv, rl_extraction_get_enhanced (ex[i]));
      rl_print_view_set_skeleton (pv, rl_extraction_get_skeleton (ex[i]));
      rl_print_view_set_quality_map (pv, rl_extraction_get_quality_map (ex[i]));
    }
  apply_ms = now_ms () - t0;
  g_print ("Layers: rl_extract of both prints %.1f ms (a worker thread in the review); "
           "handing enhanced, skeleton and quality map to both views %.1f ms (UI thread)\n", extract_ms, apply_ms);
  for (int i = 0; i < 2; i++)
    rl_extraction_free (ex[i]);
}

static void
bench_frames (GtkWindow *window, RlComparisonView *view, const char *label)
{
  static const struct { const char *name; double zoom, rotation; } cases[] = {
    { "fit", 0, 0 }, { "1:1", 1, 0 }, { "2x", 2, 0 }, { "4x (sharp pixels)", 4, 0 },
    { "10x (pixel grid)", 10, 0 }, { "1:1 rotated 30°", 1, 30 }, { "1:1, no overlays", 1, 0 },
    /* The extractor's layers the review shows on request. */
    { "fit + quality, skel.", 0, 0 }, { "1:1 + quality, skel.", 1, 0 }, { "1:1 + enhanced", 1, 0 },
  };
  GtkWidget *widget = GTK_WIDGET (view);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  RlPrintView *probe = rl_comparison_view_get_probe_view (view);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autofree double *snap = g_new (double, opt_frames);
  g_autofree double *render = g_new (double, opt_frames);
  g_autofree double *total = g_new (double, opt_frames);

  g_print ("\n%s — comparison view %d × %d, renderer %s\n", label, w, h, G_OBJECT_TYPE_NAME (renderer));
  g_print ("  %-20s %12s %12s %12s %12s\n", "view", "build med", "render med", "frame med", "frame p95");
  {
    /* What the renderer costs for a frame with nothing in it (to texture,
     * read back): the floor under every row below. */
    GskRenderNode *empty = gsk_color_node_new (&(GdkRGBA) { 0.1f, 0.1f, 0.1f, 1 }, &GRAPHENE_RECT_INIT (0, 0, w, h));
    double m, p;

    for (int i = 0; i < opt_frames; i++)
      {
        double t0 = now_ms ();
        g_object_unref (gsk_renderer_render_texture (renderer, empty, &GRAPHENE_RECT_INIT (0, 0, w, h)));
        total[i] = now_ms () - t0;
      }
    gsk_render_node_unref (empty);
    percentiles (total, opt_frames, &m, &p);
    g_print ("  %-20s %12s %9.2f ms %9.2f ms %9.2f ms\n", "(empty frame)", "", m, m, p);
  }
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double m1, p1, m2, p2, m3, p3;

      gboolean overlays = !g_str_has_suffix (cases[c].name, "no overlays");

      for (int side = 0; side < 2; side++)
        g_object_set (side ? rl_comparison_view_get_candidate_view (view) : probe,
                      "show-minutiae", overlays, "show-singularities", overlays,
                      "show-quality", strstr (cases[c].name, "quality") != NULL,
                      "show-skeleton", strstr (cases[c].name, "skel") != NULL,
                      "show-enhanced", strstr (cases[c].name, "enhanced") != NULL, NULL);
      gtk_widget_activate_action (widget, "comparison.fit", NULL);
      if (cases[c].zoom > 0)
        rl_print_view_set_view (probe, cases[c].zoom, cases[c].rotation,
                                rl_print_view_get_image (probe)->width / 2.0,
                                rl_print_view_get_image (probe)->height / 2.0);
      for (int i = 0; i < opt_frames; i++)
        {
          GtkSnapshot *snapshot;
          GskRenderNode *node;
          GdkTexture *texture;
          double t0, t1, t2;

          /* A small pan per frame, as when dragging; the lock moves both. */
          rl_print_view_pan_by (probe, (i % 2 ? -3 : 3), 1);
          t0 = now_ms ();
          snapshot = gtk_snapshot_new ();
          GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
          node = gtk_snapshot_free_to_node (snapshot);
          t1 = now_ms ();
          texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
          t2 = now_ms ();
          g_object_unref (texture);
          gsk_render_node_unref (node);
          snap[i] = t1 - t0;
          render[i] = t2 - t1;
          total[i] = t2 - t0;
        }
      percentiles (snap, opt_frames, &m1, &p1);
      percentiles (render, opt_frames, &m2, &p2);
      percentiles (total, opt_frames, &m3, &p3);
      g_print ("  %-20s %9.2f ms %9.2f ms %9.2f ms %9.2f ms\n", cases[c].name, m1, m2, m3, p3);
    }
}

static char *
shared_path (const char *relative)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  return g_build_filename (shared ? shared : "../shared", relative, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *paths[4] = {
    shared_path ("fingerprints/FVC2004_DB1_B/101_1.tif"),
    shared_path ("fingerprints/FVC2004_DB1_B/101_2.tif"),
    shared_path ("interchange/iso19794-2/FVC2004_DB1_B/101_1.iso"),
    shared_path ("interchange/iso19794-2/FVC2004_DB1_B/101_2.iso"),
  };
  RlImage *images[2] = { NULL, NULL }, *large[2] = { NULL, NULL };
  RlTemplate *templates[2] = { NULL, NULL };
  RlComparison *comparison = NULL;
  GtkWindow *window;
  double t0, load_ms, match_ms, opens[7];
  const GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames per view (default 60)", "N" },
    { NULL }
  };

  context = g_option_context_new ("— comparison view open and frame times");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt_frames = CLAMP (opt_frames, 5, 10000);

  gtk_init ();
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  t0 = now_ms ();
  for (int i = 0; i < 2; i++)
    {
      images[i] = rl_image_load (paths[i], 0, &error);
      if (images[i] != NULL)
        templates[i] = rl_template_load (paths[2 + i], &error);
      if (error != NULL)
        {
          g_printerr ("%s (set RIDGELINE_SHARED to the shared data folder)\n", error->message);
          return 77;
        }
    }
  load_ms = now_ms () - t0;
  t0 = now_ms ();
  rl_compare (templates[0], templates[1], &comparison);
  match_ms = now_ms () - t0;
  for (int i = 0; i < 2; i++)
    {
      large[i] = rl_image_resample (images[i], 1000);
      large[i]->ppi = 500;
    }

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1600, 900);
  gtk_window_set_child (window, gtk_label_new ("…"));
  gtk_window_present (window);
  wait_for_paint (GTK_WIDGET (window));

  g_print ("Loading two TIFF prints + two ISO templates: %.1f ms; rl_compare: %.1f ms (%u pairs)\n",
           load_ms, match_ms, comparison->n_pairs);
  {
    Pair pair = { { images[0], images[1] }, { templates[0], templates[1] }, comparison };
    Pair big = { { large[0], large[1] }, { NULL, NULL }, NULL };
    double m, p;

    for (int i = 0; i < 7; i++)
      opens[i] = time_open (window, &pair);
    percentiles (opens, 7, &m, &p);
    g_print ("Open comparison (create + set prints, templates, pairs + first paint), 640×480: "
             "median %.1f ms, worst %.1f ms of 7 (first %.1f ms)\n", m, opens[6], opens[0]);
    add_layers (RL_COMPARISON_VIEW (gtk_window_get_child (window)), images);
    bench_frames (window, RL_COMPARISON_VIEW (gtk_window_get_child (window)), "640 × 480 prints");

    for (int i = 0; i < 7; i++)
      opens[i] = time_open (window, &big);
    percentiles (opens, 7, &m, &p);
    g_print ("\nOpen comparison, 1280×960 prints: median %.1f ms, worst %.1f ms of 7\n", m, opens[6]);
    add_layers (RL_COMPARISON_VIEW (gtk_window_get_child (window)), large);
    bench_frames (window, RL_COMPARISON_VIEW (gtk_window_get_child (window)), "1280 × 960 prints");
  }

  gtk_window_destroy (window);
  for (int i = 0; i < 2; i++)
    {
      rl_image_free (images[i]);
      rl_image_free (large[i]);
      rl_template_free (templates[i]);
    }
  rl_comparison_free (comparison);
  return 0;
}
