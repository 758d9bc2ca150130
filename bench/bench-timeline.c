/* bench-timeline — frame time of the encounter timeline with many encounters.
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" build-release/bench/bench-timeline [N_ENCOUNTERS]
 *
 * Draws (snapshot + render to a texture with the window's renderer) the whole
 * span, then while zooming in step by step to one day, then while panning,
 * while hovering (the pointer moving over marks), and prints the mean and
 * worst frame time of each. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#include "rl-timeline.h"

static const char *agencies[] = { "BORDER", "POLICE", "VISA", "ASYLUM", "DEFENCE" };

/* Time of the widget's own work (snapshot) in the last frame_ms call. */
static double last_snapshot_ms;

static double
frame_ms (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GskRenderNode *node;
  GdkTexture *texture;
  gint64 t0 = g_get_monotonic_time ();

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  last_snapshot_ms = (g_get_monotonic_time () - t0) / 1000.0;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  g_object_unref (texture);
  gsk_render_node_unref (node);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* RL_BENCH_PNG=FILE: the current view saved as a PNG (to look at it). */
static void
save_png (GtkWidget *widget)
{
  const char *path = g_getenv ("RL_BENCH_PNG");
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;

  if (path == NULL)
    return;
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  gdk_texture_save_to_png (texture, path);
  g_object_unref (texture);
  gsk_render_node_unref (node);
}

static double snap_ms[100];

static void
report (const char *what, const double *ms, int n)
{
  double sum = 0, worst = 0, snap_sum = 0, snap_worst = 0;
  for (int i = 0; i < n; i++)
    {
      sum += ms[i];
      worst = MAX (worst, ms[i]);
      snap_sum += snap_ms[i];
      snap_worst = MAX (snap_worst, snap_ms[i]);
    }
  printf ("%-28s %4d frames  mean %7.2f ms  worst %7.2f ms   (snapshot alone: mean %6.2f, worst %6.2f)\n",
          what, n, sum / n, worst, snap_sum / n, snap_worst);
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 10000;
  g_autoptr(GPtrArray) encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_encounter_free);
  GRand *rand = g_rand_new_with_seed (42);
  GtkWidget *timeline, *window;
  gint64 lo = 946684800, hi = lo + (gint64) 26 * 365 * 86400; /* 2000 .. 2026 */
  double ms[100];
  gint64 start, end;

  gtk_init ();
  for (int i = 0; i < n; i++)
    {
      RlEncounter *e = g_new0 (RlEncounter, 1);
      e->id = i + 1;
      e->agency = g_strdup (agencies[g_rand_int_range (rand, 0, G_N_ELEMENTS (agencies))]);
      e->occurred_at = lo + (gint64) (g_rand_double (rand) * (double) (hi - lo));
      e->purpose = g_rand_int_range (rand, 1, 9);
      e->family_name = g_strdup ("Okafor");
      e->given_names = g_strdup ("Ada");
      e->place = g_strdup ("North Gate");
      g_ptr_array_add (encounters, e);
    }
  timeline = rl_timeline_new ();
  {
    gint64 t0 = g_get_monotonic_time ();
    rl_timeline_set_encounters (RL_TIMELINE (timeline), encounters);
    printf ("%d encounters, set_encounters %.1f ms\n", n, (g_get_monotonic_time () - t0) / 1000.0);
  }
  for (int i = 0; i < 50; i++)
    rl_timeline_add_mark (RL_TIMELINE (timeline), i % 2 ? RL_TIMELINE_MARK_HIT : RL_TIMELINE_MARK_DEROGATORY,
                          lo + (hi - lo) / 50 * i, agencies[i % 5], "mark");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 240);
  gtk_window_set_child (GTK_WINDOW (window), timeline);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (timeline) < 1200)
    g_main_context_iteration (NULL, TRUE);
  printf ("renderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (timeline))));

  for (int i = 0; i < 30; i++)
    {
      ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
    }
  report ("whole span (26 years)", ms, 30);
  save_png (timeline);

  /* The same span moved by a second each frame: drawn anew every time. */
  rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
  for (int i = 0; i < 30; i++)
    {
      rl_timeline_set_range (RL_TIMELINE (timeline), start + (i + 1) % 2, end + (i + 1) % 2);
      ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
    }
  report ("whole span, redrawn", ms, 30);
  rl_timeline_set_range (RL_TIMELINE (timeline), start, end);

  rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
  for (int i = 0; i < 60; i++)
    {
      rl_timeline_zoom (RL_TIMELINE (timeline), 0.82, start + (end - start) / 2);
      ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
    }
  rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
  report ("zooming in to a day", ms, 60);
  printf ("  (span now %.1f days)\n", (end - start) / 86400.0);

  rl_timeline_set_range (RL_TIMELINE (timeline), lo, lo + (gint64) 2 * 365 * 86400);
  for (int i = 0; i < 60; i++)
    {
      rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
      rl_timeline_set_range (RL_TIMELINE (timeline), start + (end - start) / 10, end + (end - start) / 10);
      ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
    }
  report ("panning a 2-year view", ms, 60);

  /* Hovering: the pointer moves over a zoomed-in view, the hovered mark
   * changes and the drawn layer is reused (only the ring is new). */
  {
    GtkEventController *motion = NULL;
    GListModel *controllers = gtk_widget_observe_controllers (timeline);
    double y0 = rl_timeline_y_for_lane (RL_TIMELINE (timeline), 0);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
          motion = GTK_EVENT_CONTROLLER (c);
      }
    g_object_unref (controllers);
    if (motion == NULL)   /* a timeline without hover */
      goto done;
    rl_timeline_set_range (RL_TIMELINE (timeline), lo + (hi - lo) / 2, lo + (hi - lo) / 2 + 60 * 86400);
    for (int i = 0; i < 60; i++)
      {
        g_signal_emit_by_name (motion, "motion", 100.0 + i * 17.0, y0);
        ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
      }
    report ("hovering a 60-day view", ms, 60);
    rl_timeline_set_range (RL_TIMELINE (timeline), lo - (hi - lo) / 20, hi + (hi - lo) / 20);
    for (int i = 0; i < 60; i++)
      {
        g_signal_emit_by_name (motion, "motion", 100.0 + i * 17.0, y0);
        ms[i] = frame_ms (timeline);
      snap_ms[i] = last_snapshot_ms;
      }
    report ("hovering the whole span", ms, 60);
  }
done:

  gtk_window_destroy (GTK_WINDOW (window));
  g_rand_free (rand);
  return 0;
}
