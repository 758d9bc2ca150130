#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-application.h"
#include "rl-window.h"

struct _RlApplication {
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (RlApplication, rl_application, ADW_TYPE_APPLICATION)

static void
rl_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (rl_window_new (RL_APPLICATION (app)));
  gtk_window_present (window);
}

static void
rl_application_class_init (RlApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->activate = rl_application_activate;
}

static void
rl_application_init (RlApplication *self)
{
}

RlApplication *
rl_application_new (void)
{
  return g_object_new (RL_TYPE_APPLICATION,
                       "application-id", RL_APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/ridgeline/Workstation",
                       NULL);
}
