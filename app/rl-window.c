#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-window-private.h"

G_DEFINE_FINAL_TYPE (RlWindow, rl_window, ADW_TYPE_APPLICATION_WINDOW)

static void
rl_window_class_init (RlWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlWindow, title);
  _rl_window_class_actions_init (klass);
}

static void
rl_window_init (RlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

RlWindow *
rl_window_new (RlApplication *app)
{
  return g_object_new (RL_TYPE_WINDOW, "application", app, NULL);
}
