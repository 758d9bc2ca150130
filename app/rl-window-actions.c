#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-window-private.h"

static void
rl_window_actions_about (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  const char *developers[] = { "The Ridgeline developers", NULL };

  adw_show_about_window (GTK_WINDOW (widget),
                         "application-name", _("Ridgeline"),
                         "application-icon", RL_APP_ID,
                         "version", RL_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

void
_rl_window_class_actions_init (RlWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.about", NULL, rl_window_actions_about);
}
