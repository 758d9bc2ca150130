#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-remote.h"
#include "rl-window-private.h"
#include "pages/rl-audit-page.h"
#include "pages/rl-hits-page.h"
#include "pages/rl-identities-page.h"
#include "pages/rl-links-page.h"
#include "pages/rl-queue-page.h"
#include "pages/rl-searches-page.h"
#include "pages/rl-tuning-page.h"
#include "pages/rl-users-page.h"

#define ROLE(r) (1u << (r))

/* The sidebar's pages, in sidebar order, and the roles that see each one.
 * Alt+1…8 follow this order (see rl-application-actions.c). */
static const struct {
  const char *id;
  const char *title;
  const char *icon_name;
  guint       roles;
  GType     (*get_type) (void);
} page_info[] = {
  { "queue", N_("Work Queue"), "view-list-bullet-symbolic",
    ROLE (RL_ROLE_EXAMINER) | ROLE (RL_ROLE_SUPERVISOR), rl_queue_page_get_type },
  { "searches", N_("Searches"), "system-search-symbolic",
    ROLE (RL_ROLE_EXAMINER) | ROLE (RL_ROLE_SUPERVISOR), rl_searches_page_get_type },
  { "identities", N_("Identities"), "avatar-default-symbolic",
    ROLE (RL_ROLE_EXAMINER) | ROLE (RL_ROLE_ANALYST) | ROLE (RL_ROLE_SUPERVISOR), rl_identities_page_get_type },
  { "hits", N_("Hits"), "dialog-warning-symbolic",
    ROLE (RL_ROLE_ANALYST) | ROLE (RL_ROLE_SUPERVISOR), rl_hits_page_get_type },
  { "tuning", N_("Tuning"), "emblem-system-symbolic",
    ROLE (RL_ROLE_SUPERVISOR), rl_tuning_page_get_type },
  { "audit", N_("Audit Log"), "security-high-symbolic",
    ROLE (RL_ROLE_SUPERVISOR) | ROLE (RL_ROLE_DATA_STEWARD), rl_audit_page_get_type },
  { "users", N_("Users"), "system-users-symbolic",
    ROLE (RL_ROLE_SUPERVISOR) | ROLE (RL_ROLE_DATA_STEWARD), rl_users_page_get_type },
  { "links", N_("Identity Links"), "emblem-shared-symbolic",
    ROLE (RL_ROLE_ANALYST) | ROLE (RL_ROLE_SUPERVISOR), rl_links_page_get_type },
};

G_DEFINE_FINAL_TYPE (RlWindow, rl_window, ADW_TYPE_APPLICATION_WINDOW)

static int
page_index (const char *page_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_info); i++)
    if (g_strcmp0 (page_info[i].id, page_id) == 0)
      return (int) i;
  return -1;
}

static gboolean
page_allowed (RlWindow *self,
              guint     index)
{
  const RlUser *user = self->session ? rl_session_get_user (self->session) : NULL;

  return user != NULL && (page_info[index].roles & ROLE (user->role)) != 0;
}

static void
on_sidebar_row_selected (RlWindow      *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  int index;

  if (row == NULL)
    return;
  index = gtk_list_box_row_get_index (row);
  gtk_stack_set_visible_child (self->page_stack, g_ptr_array_index (self->pages, index));
  adw_window_title_set_title (self->page_title, _(page_info[index].title));
  if (self->session != NULL && rl_session_get_user (self->session) != NULL)
  {
    /* The window's own title names the page too: window lists, screen
     * readers and test drivers see where the user is (once signed in). */
    /* TRANSLATORS: window title, "Work Queue — Ridgeline" */
    g_autofree char *title = g_strdup_printf (_("%s — Ridgeline"), _(page_info[index].title));
    gtk_window_set_title (GTK_WINDOW (self), title);
  }
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-page", page_info[index].id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_sidebar_row_activated (RlWindow      *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  /* Enter on a row, or activating the selected row again in a folded
   * window, shows its page. */
  if (gtk_list_box_get_selected_row (list) != row)
    gtk_list_box_select_row (list, row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_back_clicked (RlWindow  *self,
                 GtkButton *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *
sidebar_row_new (guint index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (page_info[index].icon_name);
  GtkWidget *label = gtk_label_new (_(page_info[index].title));

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (row, "sidebar-row");
  return row;
}

static void
show_signed_in_user (RlWindow *self)
{
  const RlUser *user = rl_session_get_user (self->session);
  const char *name = rl_session_get_display_name (self->session);
  const char *role = rl_session_get_role_summary (self->session);
  g_autofree char *tooltip = NULL;

  adw_avatar_set_text (self->user_avatar, name);
  adw_avatar_set_text (self->popover_avatar, name);
  gtk_label_set_text (self->user_label, name);
  gtk_label_set_text (self->popover_name, name);
  gtk_label_set_text (self->popover_role, role);
  gtk_label_set_text (self->popover_workspace, rl_session_get_path (self->session));
  /* TRANSLATORS: tooltip of the header's user button: "Signed in as Dana Reyes (Supervisor · CBP)" */
  tooltip = g_strdup_printf (_("Signed in as %s (%s)"), name, role);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->user_button), tooltip);
  if (user != NULL && rl_session_is_remote (self->session))
    {
      /* A server workspace says which server it is, always in sight. */
      g_autofree char *host = rl_session_dup_workspace_name (self->session);
      /* TRANSLATORS: header subtitle on a server workspace: "Examiner · FBI — on ridgeline.example" */
      g_autofree char *subtitle = g_strdup_printf (_("%s — on %s"), role, host);
      adw_window_title_set_subtitle (self->page_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->page_title, user ? role : NULL);
}

/* The first shown search entry under a widget (a page's filter), or NULL. */
static GtkWidget *
find_filter (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_SEARCH_ENTRY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_filter (child);
      if (found)
        return found;
    }
  return NULL;
}

/* The keyboard starts in the page shown after signing in (its filter, from
 * where Tab reaches its table), not in the header where the sign-in list
 * left it. */
static gboolean
focus_page (gpointer data)
{
  RlWindow *self = data;
  GtkWidget *page = gtk_stack_get_visible_child (self->page_stack);
  GtkWidget *filter = page ? find_filter (page) : NULL;

  if (filter != NULL)
    gtk_widget_grab_focus (filter);
  else if (page != NULL)
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
  return G_SOURCE_REMOVE;
}

static void show_session (RlWindow *self);

static void
on_user_chosen (RlWindow     *self,
                const char   *username,
                RlSignInView *view)
{
  g_autoptr(GError) error = NULL;

  if (!rl_session_sign_in (self->session, username, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  show_session (self);
}

/* A server workspace: the server checks the password and from then on
 * acts for this user. */
static void
on_password_given (RlWindow     *self,
                   const char   *username,
                   const char   *password,
                   RlSignInView *view)
{
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)
    return;
  if (!rl_session_sign_in_with_password (self->session, username, password, &error))
    {
      rl_sign_in_view_show_message (view, error->message);
      rl_sign_in_view_clear_password (view);
      rl_sign_in_view_focus (view);
      return;
    }
  rl_sign_in_view_show_message (view, NULL);
  rl_sign_in_view_clear_password (view);
  show_session (self);
}

/* After signing in: the pages the role allows, the last one shown. */
static void
show_session (RlWindow *self)
{
  g_autofree char *last = NULL;
  int first_allowed = -1;
  int to_show;

  for (guint i = 0; i < G_N_ELEMENTS (page_info); i++)
    {
      gboolean allowed = page_allowed (self, i);

      gtk_widget_set_visible (g_ptr_array_index (self->rows, i), allowed);
      if (allowed && first_allowed < 0)
        first_allowed = (int) i;
    }
  show_signed_in_user (self);

  last = g_settings_get_string (self->settings, "last-page");
  to_show = page_index (last);
  if (to_show < 0 || !page_allowed (self, to_show))
    to_show = first_allowed;

  gtk_stack_set_visible_child_name (self->main_stack, "session");
  gtk_list_box_unselect_all (self->sidebar_list);
  if (to_show >= 0)
    {
      gtk_list_box_select_row (self->sidebar_list, g_ptr_array_index (self->rows, to_show));
      g_idle_add_full (G_PRIORITY_LOW, focus_page, g_object_ref (self), g_object_unref);
    }
  _rl_window_update_actions (self);
}

void
_rl_window_sign_out (RlWindow *self)
{
  if (self->session == NULL)
    return;
  self->signing_out = TRUE;
  rl_session_sign_out (self->session);
  self->signing_out = FALSE;
  gtk_list_box_unselect_all (self->sidebar_list);
  gtk_popover_popdown (gtk_menu_button_get_popover (self->user_button));
  /* Refresh the list: users may have changed while signed in. */
  rl_sign_in_view_set_session (self->sign_in_view, self->session);
  gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
  gtk_window_set_title (GTK_WINDOW (self), "Ridgeline");
  _rl_window_update_actions (self);
}

static void
show_error (RlWindow     *self,
            const char   *path,
            const GError *error)
{
  const char *title = _("Cannot Open the Workspace");
  const char *hint = _("Choose another workspace file.");
  const char *command = NULL;
  g_autofree char *description = NULL;

  if (rl_workspace_is_server (path))
    {
      title = _("Cannot Reach the Server");
      hint = _("Check that ridgeline-server runs there, or change the server in Preferences (Ctrl+,).");
      if (g_error_matches (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION))
        {
          title = _("The Server’s Certificate Is Not Accepted");
          hint = _("Open Preferences (Ctrl+,), choose Server and Connect: compare the certificate’s "
                   "fingerprint with the one the server’s administrator gives you, then accept it.");
        }
    }
  else if (g_error_matches (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
    {
      title = _("No Workspace Found");
      hint = _("Choose a workspace file, or create a demo workspace with this command:");
      command = "ridgeline-cli demo --db PATH";
    }
  else if (g_error_matches (error, RL_STORE_ERROR, RL_STORE_ERROR_TOO_NEW))
    {
      title = _("Workspace From a Newer Ridgeline");
      hint = _("Open it with the newer version of Ridgeline, or choose another workspace file.");
    }
  else if (g_error_matches (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT))
    {
      title = _("Not a Ridgeline Workspace");
      hint = _("The file is damaged or is not a workspace. Choose another workspace file.");
    }

  if (command != NULL)
    description = g_markup_printf_escaped ("%s\n\n%s\n<tt>%s</tt>", error->message, hint, command);
  else
    description = g_markup_printf_escaped ("%s\n\n%s", error->message, hint);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

/* The certificate the user accepted for this server in Preferences (the
 * server-url and server-certificate settings), or NULL. */
static GTlsCertificate *
pinned_certificate (RlWindow   *self,
                    const char *url)
{
  g_autofree char *pinned_url = NULL, *pem = NULL, *a = NULL, *b = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  if (self->settings == NULL)
    return NULL;
  pinned_url = g_settings_get_string (self->settings, "server-url");
  pem = g_settings_get_string (self->settings, "server-certificate");
  a = rl_remote_normalize_url (url, NULL);
  b = rl_remote_normalize_url (pinned_url, NULL);
  if (a == NULL || g_strcmp0 (a, b) != 0 || *pem == '\0')
    return NULL;
  if (!(certificate = g_tls_certificate_new_from_pem (pem, -1, &error)))
    g_warning ("The accepted certificate of %s cannot be read: %s", url, error->message);
  return certificate;
}

/* The server ended the session (it restarted, or the session expired):
 * back to the sign-in form, saying why. */
static void
on_session_signed_in (RlWindow   *self,
                      GParamSpec *pspec,
                      RlSession  *session)
{
  if (self->signing_out || rl_session_get_user (session) != NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "session") != 0)
    return;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (rl_store_is_remote (rl_session_get_store (session)))
    reason = rl_remote_dup_signed_out_reason (rl_session_get_store (session));
  _rl_window_sign_out (self);
  /* The server's own words when it says why (a data steward ended the
   * session); else the likely causes. */
  if (reason != NULL && *reason != '\0')
    /* TRANSLATORS: %s is the server's reason, e.g. "Sam Steward (Data Steward) ended your session at …" */
    message = g_strdup_printf (_("%s."), reason);
  rl_sign_in_view_show_message (self->sign_in_view,
                                message ? message
                                        : _("The server no longer accepts your session (it may have restarted, or "
                                            "the session expired). Sign in again."));
}

void
rl_window_open_workspace (RlWindow   *self,
                          const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  RlStore *store;

  g_return_if_fail (RL_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->session != NULL)
    _rl_window_sign_out (self);
  for (guint i = 0; i < self->pages->len; i++)
    rl_page_set_session (g_ptr_array_index (self->pages, i), NULL);
  rl_sign_in_view_set_session (self->sign_in_view, NULL);
  g_clear_object (&self->session);

  if (rl_workspace_is_server (path))
    {
      g_autoptr(GTlsCertificate) pinned = pinned_certificate (self, path);
      store = rl_store_open_remote (path, pinned, &error);
    }
  else
    store = rl_store_open (path, &error);
  if (store == NULL)
    {
      g_debug ("Cannot open %s: %s", path, error->message);
      show_error (self, path, error);
      _rl_window_update_actions (self);
      return;
    }

  self->session = rl_session_new (store);
  g_signal_connect_object (self->session, "notify::signed-in", G_CALLBACK (on_session_signed_in), self,
                           G_CONNECT_SWAPPED);
  for (guint i = 0; i < self->pages->len; i++)
    rl_page_set_session (g_ptr_array_index (self->pages, i), self->session);
  rl_sign_in_view_set_session (self->sign_in_view, self->session);
  basename = rl_session_dup_workspace_name (self->session);
  adw_window_title_set_subtitle (self->sign_in_title, basename);
  gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
  gtk_window_set_title (GTK_WINDOW (self), "Ridgeline");
  rl_sign_in_view_focus (self->sign_in_view);
  _rl_window_update_actions (self);
}

static gboolean
rl_window_close_request (GtkWindow *window)
{
  RlWindow *self = RL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (rl_window_parent_class)->close_request (window);
}

/* GtkWindow:application is not a construct property: set the window up from
 * the application's settings and workspace once it has one. */
static void
on_application_set (RlWindow   *self,
                    GParamSpec *pspec)
{
  GtkApplication *gtk_app = gtk_window_get_application (GTK_WINDOW (self));
  RlApplication *app;
  g_autofree char *path = NULL;

  if (self->settings != NULL || gtk_app == NULL)
    return;
  g_return_if_fail (RL_IS_APPLICATION (gtk_app));
  app = RL_APPLICATION (gtk_app);

  self->settings = g_object_ref (rl_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  path = rl_application_dup_workspace_path (app, NULL);
  rl_window_open_workspace (self, path);
}

static void
rl_window_dispose (GObject *object)
{
  RlWindow *self = RL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_WINDOW);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (rl_window_parent_class)->dispose (object);
}

static void
rl_window_class_init (RlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = rl_window_dispose;
  window_class->close_request = rl_window_close_request;

  g_type_ensure (RL_TYPE_SIGN_IN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, sign_in_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, sign_in_title);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, page_title);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, user_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, user_avatar);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, popover_avatar);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, popover_name);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, popover_role);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, popover_workspace);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_user_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_set_css_name (widget_class, "rl-window");
  _rl_window_class_actions_init (klass);
}

static void
rl_window_init (RlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->pages = g_ptr_array_new ();
  self->rows = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (page_info); i++)
    {
      GtkWidget *page = g_object_new (page_info[i].get_type (), NULL);
      GtkWidget *row = sidebar_row_new (i);
      GtkStackPage *stack_page = gtk_stack_add_named (self->page_stack, page, page_info[i].id);

      gtk_stack_page_set_title (stack_page, _(page_info[i].title));
      gtk_stack_page_set_icon_name (stack_page, page_info[i].icon_name);
      gtk_list_box_append (self->sidebar_list, row);
      g_ptr_array_add (self->pages, page);
      g_ptr_array_add (self->rows, row);
    }
  _rl_window_update_actions (self);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);
  g_signal_connect_object (self->sign_in_view, "password-given", G_CALLBACK (on_password_given), self,
                           G_CONNECT_SWAPPED);
}

RlWindow *
rl_window_new (RlApplication *app)
{
  return g_object_new (RL_TYPE_WINDOW, "application", app, NULL);
}

RlSession *
rl_window_get_session (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
rl_window_get_page (RlWindow *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  if (self->session == NULL || rl_session_get_user (self->session) == NULL)
    return NULL;
  if (!(row = gtk_list_box_get_selected_row (self->sidebar_list)))
    return NULL;
  return page_info[gtk_list_box_row_get_index (row)].id;
}

gboolean
rl_window_show_page (RlWindow   *self,
                     const char *page_id)
{
  int index;

  g_return_val_if_fail (RL_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (page_id != NULL, FALSE);

  index = page_index (page_id);
  if (index < 0 || !page_allowed (self, index))
    return FALSE;
  gtk_list_box_select_row (self->sidebar_list, g_ptr_array_index (self->rows, index));
  return TRUE;
}
