#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-preferences-window.h"

struct _RlPreferencesWindow {
  AdwPreferencesWindow parent_instance;

  RlApplication *app;

  /* template children */
  AdwActionRow  *workspace_row;
  AdwComboRow   *style_row;
};

G_DEFINE_FINAL_TYPE (RlPreferencesWindow, rl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Order of the style row's items. */
static const char *color_schemes[] = { "default", "light", "dark" };

static void
update_workspace_row (RlPreferencesWindow *self)
{
  RlWorkspaceSource source;
  g_autofree char *path = rl_application_dup_workspace_path (self->app, &source);
  const char *origin = NULL;
  g_autofree char *subtitle = NULL;

  switch (source)
    {
    case RL_WORKSPACE_SOURCE_COMMAND_LINE:
      origin = _("Given with --workspace for this run");
      break;
    case RL_WORKSPACE_SOURCE_ENVIRONMENT:
      origin = _("Given by the RIDGELINE_DB environment variable");
      break;
    case RL_WORKSPACE_SOURCE_DEFAULT:
      origin = _("The default workspace");
      break;
    case RL_WORKSPACE_SOURCE_CHOSEN:
    case RL_WORKSPACE_SOURCE_SETTINGS:
    default:
      break;
    }
  subtitle = origin ? g_markup_printf_escaped ("%s\n<small>%s</small>", path, origin)
                    : g_markup_escape_text (path, -1);
  adw_action_row_set_subtitle (self->workspace_row, subtitle);
}

static void
on_choose_clicked (RlPreferencesWindow *self,
                   GtkButton           *button)
{
  rl_application_choose_workspace (self->app, GTK_WINDOW (self));
}

static void
on_style_selected (RlPreferencesWindow *self,
                   GParamSpec          *pspec,
                   AdwComboRow         *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected < G_N_ELEMENTS (color_schemes))
    g_settings_set_string (rl_application_get_settings (self->app), "color-scheme", color_schemes[selected]);
}

static void
rl_preferences_window_dispose (GObject *object)
{
  RlPreferencesWindow *self = RL_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->app);
  G_OBJECT_CLASS (rl_preferences_window_parent_class)->dispose (object);
}

static void
rl_preferences_window_class_init (RlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, workspace_row);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_style_selected);
  gtk_widget_class_set_css_name (widget_class, "rl-preferences-window");
}

static void
rl_preferences_window_init (RlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

RlPreferencesWindow *
rl_preferences_window_new (RlApplication *app)
{
  RlPreferencesWindow *self;
  g_autofree char *scheme = NULL;

  g_return_val_if_fail (RL_IS_APPLICATION (app), NULL);

  self = g_object_new (RL_TYPE_PREFERENCES_WINDOW, "application", app, NULL);
  self->app = g_object_ref (app);

  scheme = g_settings_get_string (rl_application_get_settings (app), "color-scheme");
  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_strcmp0 (scheme, color_schemes[i]) == 0)
      adw_combo_row_set_selected (self->style_row, i);
  g_signal_connect_object (self->style_row, "notify::selected",
                           G_CALLBACK (on_style_selected), self, G_CONNECT_SWAPPED);

  update_workspace_row (self);
  g_signal_connect_object (app, "notify::workspace-path",
                           G_CALLBACK (update_workspace_row), self, G_CONNECT_SWAPPED);
  return self;
}
