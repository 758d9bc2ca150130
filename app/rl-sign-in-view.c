#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-sign-in-view.h"

struct _RlSignInView {
  GtkWidget   parent_instance;

  /* template children */
  GtkWidget  *scroller;
  GtkLabel   *workspace_label;
  GtkListBox *user_list;
  GtkLabel   *message_label;
  GtkWidget  *password_box;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
  GtkButton  *sign_in_button;
};

G_DEFINE_FINAL_TYPE (RlSignInView, rl_sign_in_view, GTK_TYPE_WIDGET)

enum {
  USER_CHOSEN,
  PASSWORD_GIVEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_row_activated (RlSignInView  *self,
                  GtkListBoxRow *row,
                  GtkListBox    *list)
{
  const char *username = g_object_get_data (G_OBJECT (row), "rl-username");

  if (username != NULL)
    g_signal_emit (self, signals[USER_CHOSEN], 0, username);
}

static void
on_username_activated (RlSignInView *self,
                       AdwEntryRow  *row)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_sign_in_clicked (RlSignInView *self,
                    GtkWidget    *widget)
{
  g_autofree char *username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*username == '\0')
    {
      rl_sign_in_view_show_message (self, _("Type your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return;
    }
  g_signal_emit (self, signals[PASSWORD_GIVEN], 0, username, password);
}

static void
rl_sign_in_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_SIGN_IN_VIEW);
  G_OBJECT_CLASS (rl_sign_in_view_parent_class)->dispose (object);
}

static void
rl_sign_in_view_class_init (RlSignInViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_sign_in_view_dispose;

  /**
   * RlSignInView::user-chosen:
   * @username: the sign-in name of the chosen user
   */
  signals[USER_CHOSEN] =
    g_signal_new ("user-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * RlSignInView::password-given:
   * @username: the sign-in name typed
   * @password: the password typed (a remote workspace)
   */
  signals[PASSWORD_GIVEN] =
    g_signal_new ("password-given", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-sign-in-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, scroller);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, workspace_label);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, user_list);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, message_label);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, password_box);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, username_row);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, password_row);
  gtk_widget_class_bind_template_child (widget_class, RlSignInView, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_username_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rl-sign-in-view");
}

static void
rl_sign_in_view_init (RlSignInView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
user_row_new (const RlUser *user)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (40, user->display_name, TRUE);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), rl_role_to_label (user->role), user->agency);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user->display_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_widget_add_css_class (arrow, "dim-label");
  g_object_set_data_full (G_OBJECT (row), "rl-username", g_strdup (user->username), g_free);
  return row;
}

void
rl_sign_in_view_set_session (RlSignInView *self,
                             RlSession    *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *text = NULL;
  GtkWidget *child;

  g_return_if_fail (RL_IS_SIGN_IN_VIEW (self));
  g_return_if_fail (session == NULL || RL_IS_SESSION (session));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->user_list))))
    gtk_list_box_remove (self->user_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_widget_set_visible (self->password_box, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (session == NULL)
    return;

  /* A server: the user proves who they are with a password; the server
   * keeps its list of users to itself until then. */
  if (rl_session_is_remote (session))
    {
      g_autofree char *host = rl_session_dup_workspace_name (session);

      text = g_strdup_printf (_("Sign in to the Ridgeline server “%s”."), host);
      gtk_label_set_text (self->workspace_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->workspace_label), rl_session_get_path (session));
      gtk_widget_set_visible (GTK_WIDGET (self->user_list), FALSE);
      gtk_widget_set_visible (self->password_box, TRUE);
      return;
    }

  basename = g_path_get_basename (rl_session_get_path (session));
  text = g_strdup_printf (_("Choose who you are to open the workspace “%s”."), basename);
  gtk_label_set_text (self->workspace_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->workspace_label), rl_session_get_path (session));

  if (!(users = rl_store_list_users (rl_session_get_store (session), &error)))
    {
      gtk_label_set_text (self->message_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->user_list), FALSE);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    gtk_list_box_append (self->user_list, user_row_new (g_ptr_array_index (users, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->user_list), users->len > 0);
  if (users->len == 0)
    {
      gtk_label_set_text (self->message_label,
                          _("This workspace has no users yet. A data steward adds them with “ridgeline-cli”; "
                            "“ridgeline-cli demo” builds a demo workspace with users."));
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
    }
}

void
rl_sign_in_view_show_message (RlSignInView *self,
                              const char   *message)
{
  g_return_if_fail (RL_IS_SIGN_IN_VIEW (self));

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
}

void
rl_sign_in_view_focus (RlSignInView *self)
{
  g_return_if_fail (RL_IS_SIGN_IN_VIEW (self));

  if (!gtk_widget_get_visible (self->password_box))
    return;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->username_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

void
rl_sign_in_view_clear_password (RlSignInView *self)
{
  g_return_if_fail (RL_IS_SIGN_IN_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}
