#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-import-dialog.h"
#include "rl-import.h"
#include "rl-page.h"
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
                         "developer-name", _("The Ridgeline developers"),
                         "developers", developers,
                         "comments", _("Review what automated 1:N fingerprint matching says before it changes "
                                       "someone’s life: candidate review, derogatory hits, matcher tuning "
                                       "and a tamper-evident audit log."),
                         "website", "https://ridgeline.example.org",
                         "issue-url", "https://ridgeline.example.org/issues",
                         "copyright", "© 2026 The Ridgeline developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
rl_window_actions_page (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  RlWindow *self = RL_WINDOW (widget);
  const char *page_id = g_variant_get_string (param, NULL);

  if (!rl_window_show_page (self, page_id))
    gtk_widget_error_bell (widget);
}

static void
on_import_finished (RlImportDialog *dialog,
                    RlWindow       *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->page_stack);
  g_autofree char *toast = g_strdup_printf (_("%u files imported, %u rejected"),
                                            rl_import_dialog_get_n_imported (dialog),
                                            rl_import_dialog_get_n_rejected (dialog));

  /* The page on show may list what was just imported. */
  if (RL_IS_PAGE (page))
    rl_page_reload (RL_PAGE (page));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast));
}

/* As the store's rule (rl_import_check_role): analysts do not enrol
 * prints. The same on a file and on a server. */
static gboolean
user_may_import (const RlUser *user)
{
  return rl_import_role_may_import (user->role);
}

static void
rl_window_actions_import (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  RlWindow *self = RL_WINDOW (widget);
  const RlUser *user;
  RlImportDialog *dialog;
  g_autoptr(GError) error = NULL;

  if (self->session == NULL || (user = rl_session_get_user (self->session)) == NULL
      || !user_may_import (user))
    return;
  dialog = rl_import_dialog_new_for_store (GTK_WINDOW (self), rl_session_get_store (self->session), user->id,
                                           &error);
  if (dialog == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  g_signal_connect_object (dialog, "finished", G_CALLBACK (on_import_finished), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rl_window_actions_sign_out (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  _rl_window_sign_out (RL_WINDOW (widget));
}

void
_rl_window_update_actions (RlWindow *self)
{
  gboolean signed_in = self->session != NULL && rl_session_get_user (self->session) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.page", signed_in);
  /* On a server workspace Import sends the files to the server. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import",
                                 signed_in && user_may_import (rl_session_get_user (self->session)));
}

void
_rl_window_class_actions_init (RlWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.about", NULL, rl_window_actions_about);
  gtk_widget_class_install_action (widget_class, "win.page", "s", rl_window_actions_page);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, rl_window_actions_sign_out);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, rl_window_actions_import);
}
