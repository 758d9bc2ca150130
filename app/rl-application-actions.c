#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-application-private.h"
#include "rl-preferences-window.h"

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing each window (not g_application_quit) lets it save its state. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  RlApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  RlPreferencesWindow *prefs = rl_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
choose_workspace_activated (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  RlApplication *self = user_data;

  rl_application_choose_workspace (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
}

void
_rl_application_init_actions (RlApplication *self)
{
  static const GActionEntry entries[] = {
    { "quit", quit_activated },
    { "preferences", preferences_activated },
    { "choose-workspace", choose_workspace_activated },
  };
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.choose-workspace", { "<Control>o", NULL } },
    { "win.sign-out", { "<Control><Shift>l", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.page::queue", { "<Alt>1", NULL } },
    { "win.page::searches", { "<Alt>2", NULL } },
    { "win.page::identities", { "<Alt>3", NULL } },
    { "win.page::hits", { "<Alt>4", NULL } },
    { "win.page::tuning", { "<Alt>5", NULL } },
    { "win.page::audit", { "<Alt>6", NULL } },
    { "win.page::users", { "<Alt>7", NULL } },
    { "win.page::links", { "<Alt>8", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}
