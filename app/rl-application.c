#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rl-application-private.h"
#include "rl-window.h"

struct _RlApplication {
  AdwApplication  parent_instance;

  GSettings      *settings;
  char           *command_line_path;  /* --workspace */
  char           *chosen_path;        /* chosen in this run */
};

G_DEFINE_FINAL_TYPE (RlApplication, rl_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_WORKSPACE_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Installed builds find the schema in the system's schema folders; a build
 * run from its build tree (make run, tests) finds it next to the compiled
 * resources. */
static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, RL_APP_ID, TRUE);
#ifdef RL_BUILD_SCHEMA_DIR
  if (schema == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSettingsSchemaSource) build_source =
        g_settings_schema_source_new_from_directory (RL_BUILD_SCHEMA_DIR, source, FALSE, &error);

      if (build_source == NULL)
        g_warning ("Cannot read the settings schema in %s: %s", RL_BUILD_SCHEMA_DIR, error->message);
      else
        schema = g_settings_schema_source_lookup (build_source, RL_APP_ID, FALSE);
    }
#endif
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", RL_APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
apply_color_scheme (RlApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static void
rl_application_startup (GApplication *app)
{
  RlApplication *self = RL_APPLICATION (app);
  static gsize named = 0;

  G_APPLICATION_CLASS (rl_application_parent_class)->startup (app);

  /* GLib allows one application name per process (the tests run several apps). */
  if (g_once_init_enter (&named))
    {
      g_set_application_name (_("Ridgeline"));
      g_once_init_leave (&named, 1);
    }
  gtk_window_set_default_icon_name (RL_APP_ID);
  self->settings = settings_new ();
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
  _rl_application_init_actions (self);
}

static void
rl_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (rl_window_new (RL_APPLICATION (app)));
  gtk_window_present (window);
}

static int
rl_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  RlApplication *self = RL_APPLICATION (app);
  const char *path = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("ridgeline %s\n", RL_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "workspace", "^&ay", &path) && path != NULL && *path != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
      g_free (self->command_line_path);
      self->command_line_path = g_file_get_path (file);
    }
  return -1;
}

static void
rl_application_finalize (GObject *object)
{
  RlApplication *self = RL_APPLICATION (object);

  g_clear_object (&self->settings);
  g_free (self->command_line_path);
  g_free (self->chosen_path);
  G_OBJECT_CLASS (rl_application_parent_class)->finalize (object);
}

static void
rl_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_WORKSPACE_PATH:
      g_value_take_string (value, rl_application_dup_workspace_path (RL_APPLICATION (object), NULL));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_application_class_init (RlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = rl_application_finalize;
  object_class->get_property = rl_application_get_property;
  app_class->startup = rl_application_startup;
  app_class->activate = rl_application_activate;
  app_class->handle_local_options = rl_application_handle_local_options;

  properties[PROP_WORKSPACE_PATH] =
    g_param_spec_string ("workspace-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rl_application_init (RlApplication *self)
{
  const GOptionEntry entries[] = {
    { "workspace", 'w', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open this workspace file instead of the one in the preferences"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("The workstation for fingerprint examiners, analysts and supervisors.\n"
      "The workspace is --workspace PATH, else $RIDGELINE_DB, else the one in the preferences, "
      "else ~/.local/share/ridgeline/workspace.db."));
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

GSettings *
rl_application_get_settings (RlApplication *self)
{
  g_return_val_if_fail (RL_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (self->settings != NULL, NULL);  /* only after startup */
  return self->settings;
}

char *
rl_application_dup_workspace_path (RlApplication     *self,
                                   RlWorkspaceSource *out_source)
{
  const char *env = g_getenv ("RIDGELINE_DB");
  g_autofree char *setting = NULL;
  RlWorkspaceSource source;
  char *path;

  g_return_val_if_fail (RL_IS_APPLICATION (self), NULL);

  if (self->settings != NULL)
    {
      g_autofree char *kind = g_settings_get_string (self->settings, "workspace-kind");
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");

      if (g_str_equal (kind, "server") && *url != '\0')
        setting = g_steal_pointer (&url);
      else
        setting = g_settings_get_string (self->settings, "workspace-path");
    }

  if (self->chosen_path != NULL)
    source = RL_WORKSPACE_SOURCE_CHOSEN, path = g_strdup (self->chosen_path);
  else if (self->command_line_path != NULL)
    source = RL_WORKSPACE_SOURCE_COMMAND_LINE, path = g_strdup (self->command_line_path);
  else if (env != NULL && *env != '\0')
    source = RL_WORKSPACE_SOURCE_ENVIRONMENT, path = g_strdup (env);
  else if (setting != NULL && *setting != '\0')
    source = RL_WORKSPACE_SOURCE_SETTINGS, path = g_steal_pointer (&setting);
  else
    source = RL_WORKSPACE_SOURCE_DEFAULT,
    path = g_build_filename (g_get_user_data_dir (), "ridgeline", "workspace.db", NULL);

  if (out_source != NULL)
    *out_source = source;
  return path;
}

void
rl_application_open_workspace (RlApplication *self,
                               const char    *path)
{
  g_return_if_fail (RL_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  g_free (self->chosen_path);
  self->chosen_path = g_strdup (path);
  if (rl_workspace_is_server (path))
    {
      g_settings_set_string (self->settings, "workspace-kind", "server");
      g_settings_set_string (self->settings, "server-url", path);
    }
  else
    {
      g_settings_set_string (self->settings, "workspace-kind", "file");
      g_settings_set_string (self->settings, "workspace-path", path);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE_PATH]);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (RL_IS_WINDOW (l->data))
      rl_window_open_workspace (l->data, path);
}

gboolean
rl_workspace_is_server (const char *path)
{
  return path != NULL && (g_ascii_strncasecmp (path, "https://", 8) == 0 ||
                          g_ascii_strncasecmp (path, "http://", 7) == 0);
}

void
rl_application_open_server (RlApplication   *self,
                            const char      *url,
                            GTlsCertificate *certificate)
{
  g_autofree char *pem = NULL;

  g_return_if_fail (RL_IS_APPLICATION (self));
  g_return_if_fail (url != NULL && rl_workspace_is_server (url));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (certificate != NULL)
    g_object_get (certificate, "certificate-pem", &pem, NULL);
  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "server-url", url);
  g_settings_set_string (self->settings, "server-certificate", pem ? pem : "");
  g_settings_apply (self->settings);
  rl_application_open_workspace (self, url);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     RlApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        rl_application_open_workspace (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

void
rl_application_choose_workspace (RlApplication *self,
                                 GtkWindow     *parent)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) workspaces = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *current = rl_application_dup_workspace_path (self, NULL);
  g_autofree char *folder_path = g_path_get_dirname (current);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);

  g_return_if_fail (RL_IS_APPLICATION (self));

  chooser = gtk_file_chooser_native_new (_("Open a Workspace"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (workspaces, _("Ridgeline workspaces"));
  gtk_file_filter_add_pattern (workspaces, "*.db");
  gtk_file_filter_add_pattern (workspaces, "*.sqlite");
  gtk_file_filter_add_pattern (workspaces, "*.ridgeline");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), workspaces);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  if (g_file_query_exists (folder, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
