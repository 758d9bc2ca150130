#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-preferences-window.h"
#include "rl-remote.h"

struct _RlPreferencesWindow {
  AdwPreferencesWindow parent_instance;

  RlApplication *app;
  /* A server whose certificate waits for the user's acceptance. */
  char            *pending_url;
  GTlsCertificate *pending_certificate;
  AdwMessageDialog *certificate_dialog;

  /* template children */
  AdwComboRow   *kind_row;
  AdwEntryRow   *server_row;
  AdwActionRow  *certificate_row;
  GtkButton     *connect_button;
  AdwActionRow  *workspace_row;
  AdwComboRow   *style_row;
};

G_DEFINE_FINAL_TYPE (RlPreferencesWindow, rl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Order of the style row's items. */
static const char *color_schemes[] = { "default", "light", "dark" };

/* Order of the workspace kind row's items. */
enum { KIND_FILE, KIND_SERVER };

static void
update_certificate_row (RlPreferencesWindow *self)
{
  GSettings *settings = rl_application_get_settings (self->app);
  g_autofree char *pem = g_settings_get_string (settings, "server-certificate");
  g_autofree char *url = g_settings_get_string (settings, "server-url");
  g_autoptr(GTlsCertificate) certificate = *pem ? g_tls_certificate_new_from_pem (pem, -1, NULL) : NULL;
  g_autofree char *fingerprint = certificate ? rl_certificate_fingerprint (certificate) : NULL;
  g_autofree char *subtitle = NULL;

  if (fingerprint != NULL)
    /* TRANSLATORS: the accepted certificate of a server: its host, then its SHA-256 fingerprint */
    subtitle = g_markup_printf_escaped (_("Accepted for %s\n<small><tt>SHA-256 %s</tt></small>"), url, fingerprint);
  else if (g_str_has_prefix (url, "http://"))
    subtitle = g_markup_escape_text (_("None: this server is reached without encryption"), -1);
  else
    subtitle = g_markup_escape_text (_("Not accepted yet: Connect shows the server’s certificate to check"), -1);
  adw_action_row_set_subtitle (self->certificate_row, subtitle);
}

static void
update_workspace_row (RlPreferencesWindow *self)
{
  RlWorkspaceSource source;
  g_autofree char *path = rl_application_dup_workspace_path (self->app, &source);
  gboolean server = rl_workspace_is_server (path);
  const char *origin = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *file = NULL;

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
  /* The file row names the file that "This Computer" opens, also while a
   * server is open. */
  file = server ? g_settings_get_string (rl_application_get_settings (self->app), "workspace-path")
                : g_strdup (path);
  if (file == NULL || *file == '\0')
    {
      g_free (file);
      file = g_build_filename (g_get_user_data_dir (), "ridgeline", "workspace.db", NULL);
    }
  subtitle = origin && !server ? g_markup_printf_escaped ("%s\n<small>%s</small>", file, origin)
                               : g_markup_escape_text (file, -1);
  adw_action_row_set_subtitle (self->workspace_row, subtitle);

  g_signal_handlers_block_matched (self->kind_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  adw_combo_row_set_selected (self->kind_row, server ? KIND_SERVER : KIND_FILE);
  g_signal_handlers_unblock_matched (self->kind_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_set_visible (GTK_WIDGET (self->workspace_row), !server);
  gtk_widget_set_visible (GTK_WIDGET (self->server_row), server);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), server);
  if (server)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), path);
  update_certificate_row (self);
}

static void
on_kind_selected (RlPreferencesWindow *self,
                  GParamSpec          *pspec,
                  AdwComboRow         *row)
{
  gboolean server = adw_combo_row_get_selected (row) == KIND_SERVER;
  g_autofree char *current = rl_application_dup_workspace_path (self->app, NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->workspace_row), !server);
  gtk_widget_set_visible (GTK_WIDGET (self->server_row), server);
  gtk_widget_set_visible (GTK_WIDGET (self->certificate_row), server);
  if (server)
    {
      /* Nothing opens before the address is given and Connect pressed. */
      g_autofree char *url = g_settings_get_string (rl_application_get_settings (self->app), "server-url");
      if (*gtk_editable_get_text (GTK_EDITABLE (self->server_row)) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
    }
  else if (rl_workspace_is_server (current))
    {
      /* Back to the file this computer used last. */
      g_autofree char *file = g_settings_get_string (rl_application_get_settings (self->app), "workspace-path");

      if (*file == '\0')
        {
          g_free (file);
          file = g_build_filename (g_get_user_data_dir (), "ridgeline", "workspace.db", NULL);
        }
      rl_application_open_workspace (self->app, file);
    }
}

static void
toast (RlPreferencesWindow *self,
       const char          *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
open_pending (RlPreferencesWindow *self)
{
  g_autofree char *url = g_steal_pointer (&self->pending_url);
  g_autoptr(GTlsCertificate) certificate = g_steal_pointer (&self->pending_certificate);

  rl_application_open_server (self->app, url, certificate);
  update_workspace_row (self);
}

static void
on_certificate_response (AdwMessageDialog    *dialog,
                         const char          *response,
                         RlPreferencesWindow *self)
{
  self->certificate_dialog = NULL;
  if (g_strcmp0 (response, "accept") == 0 && self->pending_url != NULL)
    open_pending (self);
  else
    {
      g_clear_pointer (&self->pending_url, g_free);
      g_clear_object (&self->pending_certificate);
    }
}

/* First connection to a server: its certificate's fingerprint, to compare
 * with the one the server printed, before anything is sent to it. */
static void
ask_to_accept (RlPreferencesWindow *self,
               const char          *heading,
               const char          *body,
               const char          *accept_label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));

  adw_message_dialog_set_body_use_markup (dialog, TRUE);
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "accept", accept_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_certificate_response), self, 0);
  self->certificate_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

void
rl_preferences_window_connect (RlPreferencesWindow *self)
{
  GSettings *settings;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pinned_url = NULL, *pinned_pem = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (RL_IS_PREFERENCES_WINDOW (self));
  settings = rl_application_get_settings (self->app);

  if (!(url = rl_remote_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), &error)))
    {
      toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->pending_url, g_free);
  g_clear_object (&self->pending_certificate);
  self->pending_url = g_strdup (url);

  if (g_str_has_prefix (url, "http://"))
    {
      body = g_markup_printf_escaped (_("<b>%s</b> is reached without encryption: names, prints and "
                                        "passwords cross the network readable by anyone on it. Use this only "
                                        "for a test server on this computer."), url);
      ask_to_accept (self, _("Connect Without Encryption?"), body, _("Connect _Anyway"));
      return;
    }
  if (!(certificate = rl_remote_fetch_certificate (url, &error)))
    {
      g_clear_pointer (&self->pending_url, g_free);
      toast (self, error->message);
      return;
    }
  self->pending_certificate = g_object_ref (certificate);

  /* The certificate accepted before for this server: connect at once. */
  pinned_url = g_settings_get_string (settings, "server-url");
  pinned_pem = g_settings_get_string (settings, "server-certificate");
  if (g_strcmp0 (pinned_url, url) == 0 && *pinned_pem &&
      (pinned = g_tls_certificate_new_from_pem (pinned_pem, -1, NULL)) &&
      g_tls_certificate_is_same (pinned, certificate))
    {
      open_pending (self);
      return;
    }
  fingerprint = rl_certificate_fingerprint (certificate);
  body = g_markup_printf_escaped (_("The server at <b>%s</b> presents this certificate. Compare its "
                                    "fingerprint with the one the server printed when it started (ask its "
                                    "administrator) before you accept it:\n\n<tt>SHA-256 %s</tt>\n\n"
                                    "Ridgeline will refuse any other certificate from this server."),
                                  url, fingerprint);
  ask_to_accept (self, *pinned_pem && g_strcmp0 (pinned_url, url) == 0 ? _("The Server’s Certificate Changed")
                                                                       : _("Accept the Server’s Certificate?"),
                 body, _("_Accept and Connect"));
}

AdwMessageDialog *
rl_preferences_window_get_certificate_dialog (RlPreferencesWindow *self)
{
  g_return_val_if_fail (RL_IS_PREFERENCES_WINDOW (self), NULL);
  return self->certificate_dialog;
}

static void
on_connect_clicked (RlPreferencesWindow *self,
                    GtkWidget           *widget)
{
  rl_preferences_window_connect (self);
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
  g_clear_pointer (&self->pending_url, g_free);
  g_clear_object (&self->pending_certificate);
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
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, certificate_row);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, workspace_row);
  gtk_widget_class_bind_template_child (widget_class, RlPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_clicked);
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
  g_signal_connect_object (self->kind_row, "notify::selected",
                           G_CALLBACK (on_kind_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::workspace-path",
                           G_CALLBACK (update_workspace_row), self, G_CONNECT_SWAPPED);
  return self;
}
