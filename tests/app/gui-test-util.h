/* gui-test-util.h — what the GUI tests under Xvfb share: waiting for the
 * window to draw, screenshots a person can look at, the text a user sees,
 * and finding widgets the way a user would (by title, by action, by type).
 *
 * Header only (static inline): each test is one executable. Every wait is
 * for a condition (a frame painted, a widget mapped); the bounds are only
 * there so a broken test ends with a failing assertion instead of hanging
 * until the test's own timeout. */
#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-store-load.h"

/* ---- the main loop ---------------------------------------------------- */

/* Dispatches what is pending now (bounded: an idle that re-adds itself
 * would otherwise never let the test go on). */
static inline void
rl_gui_iterate (void)
{
  for (int i = 0; i < 500 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static inline void
rl_gui_wait_mapped (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  rl_gui_iterate ();
}

static inline void
rl_gui_on_after_paint (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* Runs the main loop until every store load under way (a page's data read
 * from a server in a worker thread: rl-store-load.h) has been applied. */
static inline void
rl_gui_wait_for_loads (void)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (rl_store_loads_pending () > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (rl_store_loads_pending (), ==, 0);
  rl_gui_iterate ();
}

/* Runs the main loop until the widget's window has painted a frame that
 * started after this call (loads under way or not: a test that holds the
 * server's reply uses this one). */
static inline void
rl_gui_wait_for_paint (GtkWidget *widget)
{
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gint64 deadline;
  gulong id;

  g_assert_nonnull (native);
  rl_gui_wait_mapped (native);
  clock = gtk_widget_get_frame_clock (native);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (rl_gui_on_after_paint), &painted);
  gtk_widget_queue_draw (native);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
}

/* The store loads under way finished (rl_gui_wait_for_loads), then a frame
 * painted: what the user sees once the window has its data. */
static inline void
rl_gui_wait_for_frame (GtkWidget *widget)
{
  rl_gui_wait_for_loads ();
  rl_gui_wait_for_paint (widget);
}

/* ---- screenshots ------------------------------------------------------ */

/* BUILDDIR/tests/app/screenshots (made on first use). */
static inline const char *
rl_gui_screenshot_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *builddir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";

      /* G_TEST_BUILDDIR is build/tests; a test run by hand from
       * build/tests/app may set it to its own directory. */
      if (g_str_has_suffix (builddir, "app"))
        dir = g_build_filename (builddir, "screenshots", NULL);
      else
        dir = g_build_filename (builddir, "app", "screenshots", NULL);
      g_mkdir_with_parents (dir, 0755);
    }
  return dir;
}

/* The widget as drawn in its window, saved to SCREENSHOTS/name.png; the
 * texture is returned for checks on its pixels. */
static inline GdkTexture *
rl_gui_take_screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (rl_gui_screenshot_dir (), file, NULL);
  GdkTexture *texture;
  int width = 0, height = 0;

  /* A window presented just now may need a few frames before it draws. */
  for (int frames = 0; node == NULL && frames < 50; frames++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      rl_gui_wait_for_paint (widget);   /* what is shown now, loading or not */
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  if (node == NULL)
    g_test_message ("%s: mapped %d visible %d opacity %.2f drawable %d size %dx%d", name,
                    gtk_widget_get_mapped (widget), gtk_widget_get_visible (widget),
                    gtk_widget_get_opacity (widget), gtk_widget_is_drawable (widget), width, height);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, width, height);
  return texture;
}

static inline void
rl_gui_screenshot (GtkWidget *widget, const char *name)
{
  g_object_unref (rl_gui_take_screenshot (widget, name));
}

/* Not one or two flat colours: at least `min_colours` different colours
 * among a sample of the pixels. */
static inline void
rl_gui_assert_colourful (GdkTexture *texture, guint min_colours)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) w * h * 4);
  g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);

  gdk_texture_download (texture, data, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h && g_hash_table_size (colours) < 1000; i += 7)
    g_hash_table_add (colours, GUINT_TO_POINTER (((guint32 *) data)[i] & 0xffffff));
  g_assert_cmpuint (g_hash_table_size (colours), >=, min_colours);
}

/* Not blank: the picture as a whole varies, and inside `area` (a page's
 * content) a fair share of pixels differ from that area's background. */
static inline void
rl_gui_assert_not_blank (GdkTexture *texture, const graphene_rect_t *area, const char *name)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  double sum = 0, sum2 = 0;
  int x0 = MAX (0, (int) area->origin.x), y0 = MAX (0, (int) area->origin.y);
  int x1 = MIN (width, (int) (area->origin.x + area->size.width));
  int y1 = MIN (height, (int) (area->origin.y + area->size.height));
  guint32 background;
  guint64 differing = 0, total = 0;
  double variance;

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;
        double luma = 0.114 * p[0] + 0.587 * p[1] + 0.299 * p[2];
        sum += luma;
        sum2 += luma * luma;
      }
  variance = sum2 / ((double) width * height) - (sum / ((double) width * height)) * (sum / ((double) width * height));
  g_test_message ("%s: luminance variance %.1f", name, variance);
  g_assert_cmpfloat (variance, >, 25.0);

  g_assert_cmpint (x1 - x0, >, 16);
  g_assert_cmpint (y1 - y0, >, 16);
  /* The area's background is the colour of its top-left corner pixel after
   * a few pixels of margin. */
  memcpy (&background, pixels + (y0 + 4) * stride + (x0 + 4) * 4, 4);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;
        const guchar *b = (const guchar *) &background;
        total++;
        if (ABS (p[0] - b[0]) + ABS (p[1] - b[1]) + ABS (p[2] - b[2]) > 48)
          differing++;
      }
  g_test_message ("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " content pixels differ from the background",
                  name, differing, total);
  g_assert_cmpuint (differing, >, total / 400);
}

/* ---- text ------------------------------------------------------------- */

/* Every text the user can see in widget: labels, inscriptions, rows' titles
 * and subtitles of visible widgets, one per line. */
static inline void
rl_gui_collect_text (GtkWidget *widget, GString *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_INSCRIPTION (widget) && gtk_inscription_get_text (GTK_INSCRIPTION (widget)))
    g_string_append_printf (out, "%s\n", gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
  if (ADW_IS_PREFERENCES_ROW (widget))
    g_string_append_printf (out, "%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (ADW_IS_ACTION_ROW (widget) && adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)))
    g_string_append_printf (out, "%s\n", adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    rl_gui_collect_text (child, out);
}

static inline char *
rl_gui_visible_text (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  rl_gui_collect_text (widget, text);
  return g_string_free (text, FALSE);
}

/* The text of every label under widget, shown or hidden: for checking that
 * something is not in the widget tree at all (restricted content must not
 * be put in a hidden label either). */
static inline void
rl_gui_collect_labels (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    rl_gui_collect_labels (c, out);
}

/* ---- finding widgets -------------------------------------------------- */

/* The first widget under root (root included, depth first) that matches. */
static inline GtkWidget *
rl_gui_find (GtkWidget *root, gboolean (*match) (GtkWidget *, gconstpointer), gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = rl_gui_find (child, match, data);
      if (found)
        return found;
    }
  return NULL;
}

static inline gboolean
rl_gui_is_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static inline GtkWidget *
rl_gui_find_type (GtkWidget *widget, GType type)
{
  return rl_gui_find (widget, rl_gui_is_type, GSIZE_TO_POINTER (type));
}

typedef struct {
  GType       type;
  const char *title;
} RlGuiTitled;

static inline gboolean
rl_gui_is_titled (GtkWidget *widget, gconstpointer data)
{
  const RlGuiTitled *want = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, want->type) && ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), want->title) == 0;
}

/* A row (AdwPreferencesRow or a subtype, e.g. ADW_TYPE_ENTRY_ROW) by title. */
static inline GtkWidget *
rl_gui_find_titled (GtkWidget *widget, GType type, const char *title)
{
  RlGuiTitled want = { type, title };

  return rl_gui_find (widget, rl_gui_is_titled, &want);
}

static inline gboolean
rl_gui_is_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static inline gboolean
rl_gui_is_label (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static inline gboolean
rl_gui_is_button_for (GtkWidget *widget, gconstpointer action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

/* The button whose action is `action` ("page.start", "win.sign-out"). */
static inline GtkWidget *
rl_gui_find_button (GtkWidget *widget, const char *action)
{
  return rl_gui_find (widget, rl_gui_is_button_for, action);
}

static inline guint
rl_gui_count_class (GtkWidget *widget, const char *css_class)
{
  guint n = gtk_widget_has_css_class (widget, css_class) ? 1 : 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n += rl_gui_count_class (c, css_class);
  return n;
}

/* A visible toplevel window of `type` (a dialog, Preferences), or NULL. */
static inline GtkWindow *
rl_gui_find_window (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static inline gboolean
rl_gui_is_named (GtkWidget *widget, gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* The widget whose name (gtk_widget_set_name, or the .ui's name) is `name`. */
static inline GtkWidget *
rl_gui_find_named (GtkWidget *widget, const char *name)
{
  return rl_gui_find (widget, rl_gui_is_named, name);
}

/* Every widget of `type` under widget, depth first, into out. */
static inline void
rl_gui_collect_type (GtkWidget *widget, GType type, GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    rl_gui_collect_type (c, type, out);
}

static inline guint
rl_gui_count_type (GtkWidget *widget, GType type)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  rl_gui_collect_type (widget, type, all);
  return all->len;
}

/* ---- clicking --------------------------------------------------------- */

/* The widget's own click gesture (a GtkGestureClick it must have). */
static inline GtkGesture *
rl_gui_click_gesture (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GtkGesture *click = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_CLICK (c))
        click = GTK_GESTURE (c);
    }
  g_assert_nonnull (click);
  return click;
}

/* A primary-button click at (x, y) in widget coordinates, as the widget's
 * click gesture reports it ("released", which is where widgets act). */
static inline void
rl_gui_click (GtkWidget *widget, double x, double y)
{
  g_signal_emit_by_name (rl_gui_click_gesture (widget), "released", 1, x, y);
  rl_gui_iterate ();
}

/* A click on a button (GtkButton and its subclasses: "clicked", at once,
 * as a pointer click emits it; gtk_widget_activate would emit it only after
 * GTK's 250 ms activate animation) or on a check button (toggled). The
 * widget must be visible and sensitive, as for a user. */
static inline void
rl_gui_click_button (gpointer button)
{
  GtkWidget *widget = GTK_WIDGET (button);

  g_assert_true (gtk_widget_get_visible (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    g_assert_true (gtk_widget_activate (widget));
  rl_gui_iterate ();
}

/* ---- the window ------------------------------------------------------- */

#include "rl-window-private.h"

/* Types a user name and password into the sign-in form of a workspace on a
 * server and presses Enter in the password field (as the button does), then
 * waits for a frame. Says nothing about the outcome: the caller checks it. */
static inline void
rl_gui_type_sign_in (RlWindow *window, const char *username, const char *password)
{
  GtkWidget *view = GTK_WIDGET (window->sign_in_view);
  GtkWidget *user_row = rl_gui_find_titled (view, ADW_TYPE_ENTRY_ROW, "User Name");
  GtkWidget *password_row = rl_gui_find_titled (view, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

  g_assert_nonnull (user_row);
  g_assert_nonnull (password_row);
  gtk_editable_set_text (GTK_EDITABLE (user_row), username);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  g_signal_emit_by_name (password_row, "entry-activated");
  rl_gui_wait_for_frame (GTK_WIDGET (window));
}
