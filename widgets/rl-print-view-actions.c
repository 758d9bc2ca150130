/* rl-print-view-actions.c — keyboard commands of the print view.
 *
 *   + / −       zoom in / out around the centre     0   fit the print
 *   1           1:1 (one image pixel per screen px)  arrows  pan
 *   R / ⇧R      rotate 90° clockwise / anticlockwise [ / ]  rotate 1°
 *   I           invert                               G   pixel grid
 *   Delete      delete the selected minutia          Esc clear selection and measure
 *   N / P       select the next / previous minutia (and bring it into view)
 */
#define G_LOG_DOMAIN "rl-widgets"

#include "rl-print-view-private.h"

/* One arrow press moves the print by this many screen pixels. */
#define PAN_STEP 48.0
#define ZOOM_STEP 1.25

static void
zoom_in (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);
  rl_print_view_zoom_at (self, ZOOM_STEP, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

static void
zoom_out (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);
  rl_print_view_zoom_at (self, 1.0 / ZOOM_STEP, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

static void
zoom_fit (GtkWidget *widget, const char *action_name, GVariant *param)
{
  rl_print_view_zoom_fit (RL_PRINT_VIEW (widget));
}

static void
zoom_actual (GtkWidget *widget, const char *action_name, GVariant *param)
{
  rl_print_view_set_zoom (RL_PRINT_VIEW (widget), 1.0);
}

static void
pan (GtkWidget *widget, const char *action_name, GVariant *param)
{
  double dx, dy;

  g_variant_get (param, "(dd)", &dx, &dy);
  rl_print_view_pan_by (RL_PRINT_VIEW (widget), dx, dy);
}

static void
rotate (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);
  rl_print_view_set_rotation (self, self->rotation + g_variant_get_double (param));
}

static void
delete_selected (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);

  if (self->selected >= 0 && self->editable)
    rl_print_view_remove_minutia (self, (guint) self->selected);
}

/* Keyboard-only charting: step through the minutiae; one that is off
 * screen is brought to the middle. */
static void
select_step (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);
  int n = (int) self->minutiae->len, step = g_variant_get_int32 (param), next;
  const RlMinutia *m;
  double wx, wy;

  if (n == 0 || !self->show_minutiae)
    return;
  if (self->selected < 0)
    next = step > 0 ? 0 : n - 1;
  else
    next = ((self->selected + step) % n + n) % n;
  rl_print_view_set_selected_minutia (self, next);
  m = &g_array_index (self->minutiae, RlMinutia, next);
  rl_print_view_image_to_widget (self, m->x, m->y, &wx, &wy);
  if (wx < 24 || wy < 24 || wx > gtk_widget_get_width (widget) - 24 || wy > gtk_widget_get_height (widget) - 24)
    rl_print_view_set_center (self, m->x, m->y);
}

static void
cancel (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);

  rl_print_view_set_selected_minutia (self, -1);
  rl_print_view_clear_measure (self);
}

void
_rl_print_view_class_actions_init (GtkWidgetClass *widget_class)
{
  static const struct { guint key; double dx, dy; } arrows[] = {
    { GDK_KEY_Left, PAN_STEP, 0 }, { GDK_KEY_Right, -PAN_STEP, 0 },
    { GDK_KEY_Up, 0, PAN_STEP }, { GDK_KEY_Down, 0, -PAN_STEP },
  };

  gtk_widget_class_install_action (widget_class, "view.zoom-in", NULL, zoom_in);
  gtk_widget_class_install_action (widget_class, "view.zoom-out", NULL, zoom_out);
  gtk_widget_class_install_action (widget_class, "view.zoom-fit", NULL, zoom_fit);
  gtk_widget_class_install_action (widget_class, "view.zoom-actual", NULL, zoom_actual);
  gtk_widget_class_install_action (widget_class, "view.pan", "(dd)", pan);
  gtk_widget_class_install_action (widget_class, "view.rotate", "d", rotate);
  gtk_widget_class_install_action (widget_class, "view.delete-selected", NULL, delete_selected);
  gtk_widget_class_install_action (widget_class, "view.cancel", NULL, cancel);
  gtk_widget_class_install_action (widget_class, "view.select-step", "i", select_step);
  gtk_widget_class_install_property_action (widget_class, "view.invert", "invert");
  gtk_widget_class_install_property_action (widget_class, "view.pixel-grid", "pixel-grid");
  gtk_widget_class_install_property_action (widget_class, "view.show-minutiae", "show-minutiae");
  gtk_widget_class_install_property_action (widget_class, "view.show-singularities", "show-singularities");
  gtk_widget_class_install_property_action (widget_class, "view.show-quality", "show-quality");
  gtk_widget_class_install_property_action (widget_class, "view.show-enhanced", "show-enhanced");
  gtk_widget_class_install_property_action (widget_class, "view.show-skeleton", "show-skeleton");
  gtk_widget_class_install_property_action (widget_class, "view.show-mask", "show-mask");
  gtk_widget_class_install_property_action (widget_class, "view.tool", "tool");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_SHIFT_MASK, "view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "view.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "view.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "view.zoom-actual", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, 0, "view.zoom-actual", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "view.pan", "(dd)", arrows[i].dx, arrows[i].dy);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "view.rotate", "d", 90.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_SHIFT_MASK, "view.rotate", "d", -90.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "view.rotate", "d", 1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "view.rotate", "d", -1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, 0, "view.invert", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, 0, "view.pixel-grid", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "view.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "view.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "view.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "view.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "view.select-step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "view.select-step", "i", -1);
}
