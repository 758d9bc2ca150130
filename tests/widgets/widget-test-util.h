/* widget-test-util.h — render a widget in a real window under Xvfb and read
 * back its pixels, the way a user would see them. */
#pragma once

#include <gtk/gtk.h>

typedef struct {
  int     width, height, stride;
  guint8 *data;            /* B, G, R, A per pixel (Cairo ARGB32 in memory) */
} RlTestPixels;

static inline void
rl_test_pixels_free (RlTestPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_free (pixels->data);
  g_free (pixels);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTestPixels, rl_test_pixels_free)

static inline void
rl_test_iterate (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* A window holding `child` at a fixed size, presented and laid out. */
static inline GtkWindow *
rl_test_window_new (GtkWidget *child, int width, int height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  while ((!gtk_widget_get_mapped (child) || gtk_widget_get_width (child) != width ||
          gtk_widget_get_height (child) != height) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  rl_test_iterate ();
  return window;
}

static inline RlTestPixels *
rl_test_render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GdkTexture) texture = NULL;
  RlTestPixels *pixels = g_new0 (RlTestPixels, 1);

  /* What the widget draws for the next frame (a GtkWidgetPaintable only
   * shows frames already drawn, which is racy in a test). */
  rl_test_iterate ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);

  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = pixels->width * 4;
  pixels->data = g_malloc ((gsize) pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
  if (g_getenv ("RL_TEST_SAVE_PNG") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s.png", g_getenv ("RL_TEST_SAVE_PNG"),
                                               g_test_get_path () + 1);
      for (char *p = name + strlen (g_getenv ("RL_TEST_SAVE_PNG")) + 1; *p; p++)
        if (*p == '/')
          *p = '-';
      gdk_texture_save_to_png (texture, name);
    }
  return pixels;
}

/* Channel values at widget pixel (x, y). */
static inline void
rl_test_pixel (const RlTestPixels *pixels, int x, int y, int *r, int *g, int *b)
{
  const guint8 *p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);
  p = pixels->data + (gsize) y * pixels->stride + (gsize) x * 4;
  *b = p[0];
  *g = p[1];
  *r = p[2];
}

/* Triggers the class key binding for `accel` (e.g. "plus") on a widget, as a
 * key press would: the shortcut is looked up in the widget's own shortcut
 * controllers, so a missing binding fails the test. */
static inline gboolean
rl_test_press_key (GtkWidget *widget, const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint n = g_list_model_get_n_items (controllers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      guint n_shortcuts;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      n_shortcuts = g_list_model_get_n_items (G_LIST_MODEL (controller));
      for (guint j = 0; j < n_shortcuts; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_strcmp0 (trigger, accel) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}
