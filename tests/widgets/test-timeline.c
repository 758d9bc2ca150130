/* The encounter timeline, rendered under Xvfb: marks where their dates put
 * them, in their agency's lane; zoom and click; the keyboard's focus ring
 * and accessible label. */
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-timeline.h"
#include "widget-test-util.h"

#define W 800
#define H 200

static RlEncounter *
encounter (gint64 id, const char *agency, const char *date, RlEncounterPurpose purpose)
{
  RlEncounter *e = g_new0 (RlEncounter, 1);
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;

  g_assert_cmpint (sscanf (date, "%d-%d-%d", &y, &m, &d), ==, 3);
  dt = g_date_time_new_utc (y, m, d, 12, 0, 0);
  e->id = id;
  e->agency = g_strdup (agency);
  e->occurred_at = g_date_time_to_unix (dt);
  e->purpose = purpose;
  e->family_name = g_strdup ("Okafor");
  e->given_names = g_strdup ("Ada");
  e->place = g_strdup ("North Gate");
  return e;
}

/* A pixel differs clearly from the background (the marks are saturated). */
static gboolean
is_coloured (RlTestPixels *p, int x, int y)
{
  const guint8 *px = p->data + (gsize) y * p->stride + (gsize) x * 4;
  int b = px[0], g = px[1], r = px[2];
  return MAX (MAX (r, g), b) - MIN (MIN (r, g), b) > 60;
}

static gint64 activated;

static void
on_activated (RlTimeline *timeline, gint64 id, gpointer data)
{
  activated = id;
}

static void
test_marks (void)
{
  g_autoptr(GPtrArray) encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_encounter_free);
  GtkWidget *timeline = rl_timeline_new ();
  GtkWindow *window;
  g_autoptr(RlTestPixels) pixels = NULL;
  g_autoptr(GDateTime) from = g_date_time_new_utc (2010, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  gint64 start, end;

  g_ptr_array_add (encounters, encounter (11, "VISA", "2012-06-01", RL_PURPOSE_VISA_APPLICATION));
  g_ptr_array_add (encounters, encounter (12, "BORDER", "2015-01-01", RL_PURPOSE_BORDER_CROSSING));
  g_ptr_array_add (encounters, encounter (13, "POLICE", "2018-03-15", RL_PURPOSE_ARREST_BOOKING));
  rl_timeline_set_encounters (RL_TIMELINE (timeline), encounters);
  g_assert_cmpuint (rl_timeline_get_n_encounters (RL_TIMELINE (timeline)), ==, 3);
  /* Lanes by agency code. */
  g_assert_cmpint (rl_timeline_lane_for_agency (RL_TIMELINE (timeline), "BORDER"), ==, 0);
  g_assert_cmpint (rl_timeline_lane_for_agency (RL_TIMELINE (timeline), "POLICE"), ==, 1);
  g_assert_cmpint (rl_timeline_lane_for_agency (RL_TIMELINE (timeline), "VISA"), ==, 2);

  window = rl_test_window_new (timeline, W, H);
  rl_timeline_set_range (RL_TIMELINE (timeline), g_date_time_to_unix (from), g_date_time_to_unix (to));
  rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
  g_assert_cmpint (start, ==, g_date_time_to_unix (from));
  pixels = rl_test_render (timeline);

  /* Each mark is drawn where its date falls in its lane, and nowhere else
   * along that lane (sampled away from the mark). */
  for (guint i = 0; i < encounters->len; i++)
    {
      RlEncounter *e = g_ptr_array_index (encounters, i);
      int lane = rl_timeline_lane_for_agency (RL_TIMELINE (timeline), e->agency);
      double x = rl_timeline_x_for_time (RL_TIMELINE (timeline), e->occurred_at);
      double y = rl_timeline_y_for_lane (RL_TIMELINE (timeline), lane);
      double expected = 84 + 5 + (double) (e->occurred_at - start) / (double) (end - start) * (W - 84 - 10);

      g_assert_cmpfloat (fabs (x - expected), <, 1.0);
      g_assert_true (is_coloured (pixels, (int) x, (int) y));
      g_assert_false (is_coloured (pixels, (int) x + 40, (int) y));
      g_assert_false (is_coloured (pixels, (int) x - 40, (int) y));
      /* Not in another lane at that x. */
      for (int other = 0; other < 3; other++)
        if (other != lane)
          g_assert_false (is_coloured (pixels, (int) x, (int) rl_timeline_y_for_lane (RL_TIMELINE (timeline), other)));
      g_assert_cmpint (rl_timeline_encounter_at (RL_TIMELINE (timeline), x + 2, y - 2), ==, e->id);
    }
  g_assert_cmpint (rl_timeline_encounter_at (RL_TIMELINE (timeline), 300, 5), ==, 0);

  /* A derogatory record: a red flag in its lane. */
  {
    g_autoptr(GDateTime) rec = g_date_time_new_utc (2016, 7, 1, 0, 0, 0);
    g_autoptr(RlTestPixels) with_mark = NULL;
    double x = rl_timeline_x_for_time (RL_TIMELINE (timeline), g_date_time_to_unix (rec));
    int lane = rl_timeline_lane_for_agency (RL_TIMELINE (timeline), "POLICE");
    const guint8 *px;

    rl_timeline_add_mark (RL_TIMELINE (timeline), RL_TIMELINE_MARK_DEROGATORY, g_date_time_to_unix (rec), "POLICE",
                          "Drug smuggler");
    with_mark = rl_test_render (timeline);
    px = with_mark->data + (gsize) rl_timeline_y_for_lane (RL_TIMELINE (timeline), lane) * with_mark->stride +
         (gsize) x * 4;
    g_assert_cmpint (px[2], >, 150);
    g_assert_cmpint (px[1], <, 80);
  }

  /* Click emits the encounter's id. */
  g_signal_connect (timeline, "encounter-activated", G_CALLBACK (on_activated), NULL);
  {
    RlEncounter *e = g_ptr_array_index (encounters, 1);
    GtkGesture *click = NULL;
    GListModel *controllers = gtk_widget_observe_controllers (timeline);
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_GESTURE_CLICK (c))
          click = GTK_GESTURE (c);
      }
    g_object_unref (controllers);
    g_assert_nonnull (click);
    g_signal_emit_by_name (click, "released", 1,
                           rl_timeline_x_for_time (RL_TIMELINE (timeline), e->occurred_at),
                           rl_timeline_y_for_lane (RL_TIMELINE (timeline), 0));
    g_assert_cmpint (activated, ==, 12);
  }

  /* Zoom to a day around an encounter, then to the limit. */
  {
    RlEncounter *e = g_ptr_array_index (encounters, 2);
    for (int i = 0; i < 200; i++)
      rl_timeline_zoom (RL_TIMELINE (timeline), 0.5, e->occurred_at);
    rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
    g_assert_cmpint (end - start, ==, 86400);
    g_assert_cmpint (start, <=, e->occurred_at);
    g_assert_cmpint (end, >=, e->occurred_at);
    g_clear_pointer (&pixels, rl_test_pixels_free);
    pixels = rl_test_render (timeline);
    g_assert_true (is_coloured (pixels, (int) rl_timeline_x_for_time (RL_TIMELINE (timeline), e->occurred_at),
                                (int) rl_timeline_y_for_lane (RL_TIMELINE (timeline), 1)));
  }
  gtk_window_destroy (window);
}

/* 10,000 encounters over 26 years: the whole span shows per-column density
 * bars where encounters are and nothing where there are none; zooming in
 * brings back single marks that can be clicked; hovering reuses the drawn
 * layer and rings the mark under the pointer. */
static void
test_dense (void)
{
  g_autoptr(GPtrArray) encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_encounter_free);
  GtkWidget *timeline = rl_timeline_new ();
  GtkWindow *window;
  g_autoptr(RlTestPixels) pixels = NULL;
  g_autoptr(GDateTime) from = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) gap_from = g_date_time_new_utc (2010, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) gap_to = g_date_time_new_utc (2012, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  gint64 lo = g_date_time_to_unix (from), hi = g_date_time_to_unix (to);
  gint64 g0 = g_date_time_to_unix (gap_from), g1 = g_date_time_to_unix (gap_to);
  GRand *rand = g_rand_new_with_seed (7);
  int border, visa;

  /* BORDER: all years but 2010–2011; VISA: only 2010–2011. */
  for (int i = 0; i < 10000; i++)
    {
      gint64 at = lo + (gint64) (g_rand_double (rand) * (double) (hi - lo));
      gboolean in_gap = at >= g0 && at < g1;
      RlEncounter *e = g_new0 (RlEncounter, 1);

      e->id = i + 1;
      e->agency = g_strdup (in_gap ? "VISA" : "BORDER");
      e->occurred_at = at;
      e->purpose = in_gap ? RL_PURPOSE_VISA_APPLICATION : RL_PURPOSE_BORDER_CROSSING;
      g_ptr_array_add (encounters, e);
    }
  g_rand_free (rand);
  rl_timeline_set_encounters (RL_TIMELINE (timeline), encounters);
  window = rl_test_window_new (timeline, W, H);
  rl_timeline_set_range (RL_TIMELINE (timeline), lo, hi);
  pixels = rl_test_render (timeline);
  border = (int) rl_timeline_y_for_lane (RL_TIMELINE (timeline), 0);
  visa = (int) rl_timeline_y_for_lane (RL_TIMELINE (timeline), 1);

  /* Outside the gap: BORDER coloured, VISA not; inside: the reverse. */
  for (int year = 2001; year <= 2024; year += 1)
    {
      g_autoptr(GDateTime) mid = g_date_time_new_utc (year, 7, 1, 0, 0, 0);
      int x = (int) rl_timeline_x_for_time (RL_TIMELINE (timeline), g_date_time_to_unix (mid));
      gboolean in_gap = year == 2010 || year == 2011;

      g_assert_true (is_coloured (pixels, x, in_gap ? visa : border));
      g_assert_false (is_coloured (pixels, x, in_gap ? border : visa));
    }

  /* A click in the dense view zooms in there (no encounter opened). */
  activated = 0;
  g_signal_connect (timeline, "encounter-activated", G_CALLBACK (on_activated), NULL);
  {
    GListModel *controllers = gtk_widget_observe_controllers (timeline);
    GtkGesture *click = NULL;
    GtkEventController *motion = NULL;
    gint64 start, end;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_GESTURE_CLICK (c))
          click = GTK_GESTURE (c);
        if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
          motion = GTK_EVENT_CONTROLLER (c);
      }
    g_object_unref (controllers);
    for (int i = 0; i < 8; i++)
      {
        rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
        if (end - start < 200 * 86400)
          break;
        g_signal_emit_by_name (click, "released", 1, (double) W * 3 / 4, (double) border);
      }
    rl_timeline_get_range (RL_TIMELINE (timeline), &start, &end);
    g_assert_cmpint (end - start, <, 200 * 86400);
    g_assert_cmpint (activated, ==, 0);

    /* Zoomed in: single marks again; hover one, then click it. */
    for (guint i = 0; i < encounters->len; i++)
      {
        RlEncounter *e = g_ptr_array_index (encounters, i);
        double x = rl_timeline_x_for_time (RL_TIMELINE (timeline), e->occurred_at);
        g_autoptr(RlTestPixels) hovered = NULL;
        gint64 id;

        if (x < 100 || x > W - 20 || g_strcmp0 (e->agency, "BORDER") != 0)
          continue;
        id = rl_timeline_encounter_at (RL_TIMELINE (timeline), x, border);
        g_assert_cmpint (id, !=, 0);
        g_clear_pointer (&pixels, rl_test_pixels_free);
        pixels = rl_test_render (timeline);
        g_signal_emit_by_name (motion, "motion", x, (double) border);
        hovered = rl_test_render (timeline);
        /* The ring around the hovered mark, nothing else changed. */
        {
          int changed = 0, far = 0;
          for (int y = 0; y < H; y++)
            for (int xx = 0; xx < W; xx++)
              if (memcmp (pixels->data + (gsize) y * pixels->stride + xx * 4,
                          hovered->data + (gsize) y * hovered->stride + xx * 4, 4) != 0)
                {
                  changed++;
                  if (fabs (xx - x) > 14 || abs (y - border) > 14)
                    far++;
                }
          g_assert_cmpint (changed, >, 10);
          g_assert_cmpint (far, ==, 0);
        }
        g_signal_emit_by_name (click, "released", 1, x, (double) border);
        g_assert_cmpint (activated, ==, id);
        break;
      }
    g_assert_cmpint (activated, !=, 0);
  }
  gtk_window_destroy (window);
}

/* A pixel in the keyboard focus ring's colour. */
static gboolean
is_focus_ring (RlTestPixels *p, int x, int y)
{
  const guint8 *px = p->data + (gsize) y * p->stride + (gsize) x * 4;
  GdkRGBA ring = RL_TIMELINE_FOCUS_COLOUR;

  return abs (px[2] - (int) (ring.red * 255)) < 40 && abs (px[1] - (int) (ring.green * 255)) < 40 &&
         abs (px[0] - (int) (ring.blue * 255)) < 40;
}

/* The 2 px line falls across pixel edges as the mark's x does: one of the
 * three pixels around the expected place is fully covered (the widget's
 * background is transparent, so half-covered pixels come out darker). */
static gboolean
near_focus_ring (RlTestPixels *p, int x, int y)
{
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      if (is_focus_ring (p, x + dx, y + dy))
        return TRUE;
  return FALSE;
}

/* The ring's four sides around encounter e (a rounded square FOCUS_HALF =
 * 11 px out from the mark's centre), each sampled at its middle. */
static guint
ring_sides (RlTestPixels *p, RlTimeline *timeline, RlEncounter *e)
{
  int x = (int) round (rl_timeline_x_for_time (timeline, e->occurred_at));
  int y = (int) round (rl_timeline_y_for_lane (timeline, rl_timeline_lane_for_agency (timeline, e->agency)));

  return near_focus_ring (p, x + 11, y) + near_focus_ring (p, x - 11, y) + near_focus_ring (p, x, y + 11) +
         near_focus_ring (p, x, y - 11);
}

/* The keyboard: the timeline takes focus on the first encounter in view,
 * ringed; Left/Right (the timeline.step-mark bindings) move the ring from
 * mark to mark in time, Enter opens the one it is on; the accessible label
 * names that encounter's date, agency and purpose. */
static void
test_keyboard (void)
{
  g_autoptr(GPtrArray) encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_encounter_free);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *before = gtk_button_new_with_label ("before");
  GtkWidget *timeline = rl_timeline_new ();
  RlTimeline *t = RL_TIMELINE (timeline);
  GtkWindow *window;
  g_autoptr(GDateTime) from = g_date_time_new_utc (2010, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  gint64 deadline;

  g_ptr_array_add (encounters, encounter (11, "VISA", "2012-06-01", RL_PURPOSE_VISA_APPLICATION));
  g_ptr_array_add (encounters, encounter (12, "BORDER", "2015-01-01", RL_PURPOSE_BORDER_CROSSING));
  g_ptr_array_add (encounters, encounter (13, "POLICE", "2018-03-15", RL_PURPOSE_ARREST_BOOKING));
  rl_timeline_set_encounters (t, encounters);
  gtk_widget_set_vexpand (timeline, TRUE);
  gtk_box_append (GTK_BOX (box), before);
  gtk_box_append (GTK_BOX (box), timeline);
  window = rl_test_window_new (box, W, H);
  rl_timeline_set_range (t, g_date_time_to_unix (from), g_date_time_to_unix (to));
  activated = 0;
  g_signal_connect (timeline, "encounter-activated", G_CALLBACK (on_activated), NULL);

  /* Not focused: no ring anywhere. */
  gtk_widget_grab_focus (before);
  rl_test_iterate ();
  {
    g_autoptr(RlTestPixels) p = rl_test_render (timeline);
    for (guint i = 0; i < encounters->len; i++)
      g_assert_cmpuint (ring_sides (p, t, g_ptr_array_index (encounters, i)), ==, 0);
  }

  /* Focused (as Tab would): on the first encounter in view, ringed. The
   * window must be the active one for the focus to show: wait for the X
   * server to say so. */
  gtk_widget_grab_focus (timeline);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!gtk_widget_has_focus (timeline) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!gtk_widget_has_focus (timeline))
    {
      gtk_window_destroy (window);
      g_test_skip ("the test window never became the active window");
      return;
    }
  g_assert_cmpint (rl_timeline_get_focused (t), ==, 11);
  {
    g_autoptr(RlTestPixels) p = rl_test_render (timeline);
    g_assert_cmpuint (ring_sides (p, t, g_ptr_array_index (encounters, 0)), ==, 4);
    g_assert_cmpuint (ring_sides (p, t, g_ptr_array_index (encounters, 1)), ==, 0);
  }
  {
    char *message = gtk_test_accessible_check_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Encounter timeline: 3 encounters from 3 agencies. Encounter 1 of 3: 2012-06-01, VISA, Visa application. "
      "Enter opens it; Left and Right move to the previous or next encounter.");
    g_assert_null (message);
  }

  /* Right: the next encounter in time (another lane). */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.step-mark", "i", 1));
  g_assert_cmpint (rl_timeline_get_focused (t), ==, 12);
  {
    g_autoptr(RlTestPixels) p = rl_test_render (timeline);
    g_assert_cmpuint (ring_sides (p, t, g_ptr_array_index (encounters, 0)), ==, 0);
    g_assert_cmpuint (ring_sides (p, t, g_ptr_array_index (encounters, 1)), ==, 4);
  }
  {
    char *message = gtk_test_accessible_check_property (GTK_ACCESSIBLE (timeline), GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Encounter timeline: 3 encounters from 3 agencies. Encounter 2 of 3: 2015-01-01, BORDER, Border crossing. "
      "Enter opens it; Left and Right move to the previous or next encounter.");
    g_assert_null (message);
  }
  /* Past the last it stays on the last; Home goes to the first. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.step-mark", "i", 1));
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.step-mark", "i", 1));
  g_assert_cmpint (rl_timeline_get_focused (t), ==, 13);
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.edge-mark", "i", -1));
  g_assert_cmpint (rl_timeline_get_focused (t), ==, 11);
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.step-mark", "i", 1));

  /* Enter opens it; a mark scrolled out of view is brought back. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.open-mark", NULL));
  g_assert_cmpint (activated, ==, 12);
  rl_timeline_zoom (t, 0.05, g_date_time_to_unix (from));
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.step-mark", "i", 1));
  g_assert_cmpint (rl_timeline_get_focused (t), ==, 13);
  {
    RlEncounter *e = g_ptr_array_index (encounters, 2);
    double x = rl_timeline_x_for_time (t, e->occurred_at);
    g_autoptr(RlTestPixels) p = rl_test_render (timeline);

    g_assert_cmpfloat (x, >, 84);
    g_assert_cmpfloat (x, <, W);
    g_assert_cmpuint (ring_sides (p, t, e), ==, 4);
    if (g_getenv ("RL_TEST_SAVE_PNG") == NULL)
      g_test_message ("set RL_TEST_SAVE_PNG=DIR to see the focus ring");
  }
  gtk_window_destroy (window);
}

int
main (int argc, char **argv)
{
  /* The test AT context keeps the accessible properties for
   * gtk_test_accessible_check_property (GTK_A11Y=none keeps none). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/timeline/marks", test_marks);
  g_test_add_func ("/timeline/dense", test_dense);
  g_test_add_func ("/timeline/keyboard", test_keyboard);
  return g_test_run ();
}
