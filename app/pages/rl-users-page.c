#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-format.h"
#include "rl-remote.h"
#include "rl-store-credentials.h"
#include "rl-users-page.h"
#include "rl-table-view.h"

struct _RlUsersPage {
  RlPage parent_instance;

  GPtrArray   *agencies;      /* RlAgency*, the dropdowns' choices */
  GPtrArray   *grants;        /* RlAccessGrant*, the rules table's rows */
  GPtrArray   *users;         /* RlUser*, the users table's rows (in the store's order) */
  GtkColumnViewColumn *sessions_column;
  char        *ended_status;  /* what the last "End Sessions" did, shown beside the count */

  /* template children */
  RlTableView *table;
  GtkWidget   *sessions_bar;
  GtkLabel    *sessions_label;
  GtkWidget   *access_section;
  GtkDropDown *source_dropdown;
  GtkDropDown *role_dropdown;
  GtkDropDown *agency_dropdown;
  RlTableView *rules_table;
};

/* role_dropdown's choices after "Any role", in this order */
static const RlRole role_choices[] = { RL_ROLE_EXAMINER, RL_ROLE_ANALYST, RL_ROLE_SUPERVISOR, RL_ROLE_DATA_STEWARD };

G_DEFINE_FINAL_TYPE (RlUsersPage, rl_users_page, RL_TYPE_PAGE)

static gboolean
is_steward (RlSession *session)
{
  const RlUser *user = session ? rl_session_get_user (session) : NULL;

  return user != NULL && user->role == RL_ROLE_DATA_STEWARD;
}

static void
fill_agencies (RlUsersPage *self, RlStore *store)
{
  g_autoptr(GtkStringList) sources = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) agencies = gtk_string_list_new (NULL);

  g_clear_pointer (&self->agencies, g_ptr_array_unref);
  if (!(self->agencies = rl_store_list_agencies (store, NULL)))
    self->agencies = g_ptr_array_new ();
  gtk_string_list_append (agencies, _("Any agency"));
  for (guint i = 0; i < self->agencies->len; i++)
    {
      const RlAgency *a = self->agencies->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s — %s", a->code, a->name);

      gtk_string_list_append (sources, label);
      gtk_string_list_append (agencies, label);
    }
  gtk_drop_down_set_model (self->source_dropdown, G_LIST_MODEL (sources));
  gtk_drop_down_set_model (self->agency_dropdown, G_LIST_MODEL (agencies));
}

/* The steward's rules: who may read restricted records of which agency. */
static void
reload_rules (RlUsersPage *self, RlSession *session)
{
  RlStore *store = rl_session_get_store (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  g_autofree char *count = NULL;

  gtk_widget_set_visible (self->access_section, is_steward (session));
  if (!is_steward (session))
    return;
  if (self->agencies == NULL)
    fill_agencies (self, store);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  if (!(self->grants = rl_store_list_access_grants (store, &error)))
    {
      rl_table_view_show_message (self->rules_table, "dialog-error-symbolic", _("Cannot Read the Access Rules"),
                                  error->message);
      return;
    }
  for (guint i = 0; i < self->grants->len; i++)
    {
      const RlAccessGrant *g = self->grants->pdata[i];
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (g->granted_at);
      g_autofree char *since = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_autoptr(RlTextRow) row = rl_text_row_new (g->source_agency, g->role ? rl_role_to_label (g->role) : _("Any role"),
                                                  g->agency ? g->agency : _("Any agency"),
                                                  g->granted_by ? g->granted_by : "", since, NULL);
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u rule", "%u rules", self->grants->len), self->grants->len);
  rl_table_view_set_rows (self->rules_table, G_LIST_MODEL (rows), count);
}

static void
show_refusal (RlUsersPage *self, const char *title, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, title, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Ending sessions means something only on a server workspace (a file has
 * no server sessions), and only a data steward may. */
static gboolean
manages_sessions (RlSession *session)
{
  return is_steward (session) && rl_session_is_remote (session);
}

/* The user of the selected row (the table may be sorted or filtered: found
 * by sign-in name, which is unique), or NULL. */
static const RlUser *
selected_user (RlUsersPage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (rl_table_view_get_column_view (self->table));
  guint position = GTK_IS_SINGLE_SELECTION (model) ? gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model))
                                                   : GTK_INVALID_LIST_POSITION;
  g_autoptr(RlTextRow) row = NULL;

  if (self->users == NULL || position == GTK_INVALID_LIST_POSITION ||
      !(row = g_list_model_get_item (G_LIST_MODEL (model), position)))
    return NULL;
  for (guint i = 0; i < self->users->len; i++)
    {
      const RlUser *user = self->users->pdata[i];
      if (g_strcmp0 (user->username, rl_text_row_get_cell (row, 1)) == 0)
        return user;
    }
  return NULL;
}

static void
update_session_actions (RlUsersPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  const RlUser *me = session ? rl_session_get_user (session) : NULL;
  const RlUser *user = selected_user (self);
  gboolean can = session != NULL && manages_sessions (session) && user != NULL && me != NULL && user->id != me->id;
  g_autofree char *text = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.end-sessions", can);
  if (user != NULL && me != NULL && user->id == me->id)
    text = g_strdup (_("Your own session ends when you sign out."));
  else if (user != NULL)
    /* TRANSLATORS: %s is a person's name */
    text = g_strdup_printf (_("End %s’s sessions to sign them out of every workstation at once."),
                            user->display_name);
  else
    text = g_strdup (_("Select a user to end their sessions: they are signed out of every workstation at once."));
  gtk_label_set_text (self->sessions_label, text);
}

static void
on_end_sessions_response (AdwMessageDialog *dialog,
                          const char       *response,
                          RlUsersPage      *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));
  const char *name = g_object_get_data (G_OBJECT (dialog), "user-name");
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (g_strcmp0 (response, "end") != 0 || session == NULL)
    return;
  if (!rl_store_end_user_sessions (rl_session_get_store (session), user_id, &n, &error))
    {
      show_refusal (self, _("Cannot End the Sessions"), error);
      rl_page_reload (RL_PAGE (self));
      return;
    }
  g_free (self->ended_status);
  if (n == 0)
    self->ended_status = g_strdup_printf (_("%s had no open session"), name);
  else
    self->ended_status = g_strdup_printf (ngettext ("Ended %u session of %s", "Ended %u sessions of %s", n), n, name);
  rl_page_reload (RL_PAGE (self));
}

static void
end_sessions (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlUsersPage *self = RL_USERS_PAGE (widget);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  const RlUser *user = selected_user (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *heading = NULL, *body = NULL;
  AdwMessageDialog *dialog;

  if (session == NULL || user == NULL || !manages_sessions (session))
    return;
  /* TRANSLATORS: %s is a person's name */
  heading = g_strdup_printf (_("End %s’s Sessions?"), user->display_name);
  body = g_strdup_printf (_("%s (%s) is signed out of every workstation at once: their next step there asks them "
                            "to sign in again, and a conclusion they have not recorded yet is lost. The account "
                            "stays active. Ending the sessions is recorded in the audit log."),
                          user->display_name, user->username);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                                       body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "end", _("_End Sessions"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER ((gsize) user->id));
  g_object_set_data_full (G_OBJECT (dialog), "user-name", g_strdup (user->display_name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_end_sessions_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
grant_access (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlUsersPage *self = RL_USERS_PAGE (widget);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;
  guint source = gtk_drop_down_get_selected (self->source_dropdown);
  guint role = gtk_drop_down_get_selected (self->role_dropdown);
  guint agency = gtk_drop_down_get_selected (self->agency_dropdown);
  const RlAgency *src, *at;

  if (session == NULL || self->agencies == NULL || source >= self->agencies->len)
    return;
  src = self->agencies->pdata[source];
  at = agency > 0 && agency <= self->agencies->len ? self->agencies->pdata[agency - 1] : NULL;
  if (rl_store_grant_restricted_access (rl_session_get_store (session), src->id,
                                        role > 0 && role <= G_N_ELEMENTS (role_choices) ? role_choices[role - 1] : 0,
                                        at ? at->id : 0, &error) == 0)
    show_refusal (self, _("Cannot Grant Access"), error);
  rl_page_reload (RL_PAGE (self));
}

static void
revoke_access (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlUsersPage *self = RL_USERS_PAGE (widget);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  GtkSelectionModel *model = gtk_column_view_get_model (rl_table_view_get_column_view (self->rules_table));
  g_autoptr(GError) error = NULL;
  guint position = GTK_IS_SINGLE_SELECTION (model) ? gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model))
                                                   : GTK_INVALID_LIST_POSITION;
  g_autoptr(RlTextRow) row = NULL;

  if (session == NULL || self->grants == NULL || position == GTK_INVALID_LIST_POSITION)
    return;
  /* the table may be sorted: find the rule by what the row shows */
  row = g_list_model_get_item (G_LIST_MODEL (model), position);
  for (guint i = 0; row && i < self->grants->len; i++)
    {
      const RlAccessGrant *g = self->grants->pdata[i];
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (g->granted_at);
      g_autofree char *since = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");

      if (g_strcmp0 (rl_text_row_get_cell (row, 0), g->source_agency) == 0 &&
          g_strcmp0 (rl_text_row_get_cell (row, 1), g->role ? rl_role_to_label (g->role) : _("Any role")) == 0 &&
          g_strcmp0 (rl_text_row_get_cell (row, 2), g->agency ? g->agency : _("Any agency")) == 0 &&
          g_strcmp0 (rl_text_row_get_cell (row, 4), since) == 0)
        {
          if (!rl_store_revoke_restricted_access (rl_session_get_store (session), g->id, &error))
            show_refusal (self, _("Cannot Revoke the Rule"), error);
          break;
        }
    }
  rl_page_reload (RL_PAGE (self));
}

static void
rl_users_page_reload (RlPage    *page,
                     RlSession *session)
{
  RlUsersPage *self = RL_USERS_PAGE (page);
  RlStore *store = rl_session_get_store (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GArray) open = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  gboolean sessions = manages_sessions (session);

  g_clear_pointer (&self->users, g_ptr_array_unref);
  gtk_widget_set_visible (self->sessions_bar, sessions);
  gtk_column_view_column_set_visible (self->sessions_column, sessions);
  if (!(users = rl_store_list_users (store, &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Users"), error->message);
      update_session_actions (self);
      return;
    }
  /* Who is signed in: a steward's view of a server workspace. A failure
   * leaves the column empty; the users are still listed. */
  if (sessions && !(open = rl_store_list_open_sessions (store, &error)))
    {
      g_debug ("Cannot read the open sessions: %s", error->message);
      g_clear_error (&error);
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < users->len; i++)
    {
      const RlUser *user = g_ptr_array_index (users, i);
      g_autofree char *signed_in = NULL;
      g_autoptr(RlTextRow) row = NULL;

      for (guint k = 0; open && k < open->len; k++)
        {
          const RlUserSessions *u = &g_array_index (open, RlUserSessions, k);
          if (u->user_id == user->id)
            {
              g_autofree char *since = rl_format_time (u->last_opened_at);
              /* TRANSLATORS: "2 sessions, latest 2026-11-23 09:12" */
              signed_in = g_strdup_printf (ngettext ("%u session, since %s", "%u sessions, latest %s", u->n_open),
                                           u->n_open, since);
            }
        }
      row = rl_text_row_new (user->display_name, user->username, rl_role_to_label (user->role), user->agency,
                             signed_in ? signed_in : "", NULL);
      g_list_store_append (rows, row);
    }
  self->users = g_steal_pointer (&users);
  count = g_strdup_printf (ngettext ("%u user", "%u users", self->users->len), self->users->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
  rl_table_view_set_status (self->table, self->ended_status ? "emblem-ok-symbolic" : NULL, self->ended_status,
                            "success");
  update_session_actions (self);
  reload_rules (self, session);
}

static void
rl_users_page_finalize (GObject *object)
{
  RlUsersPage *self = RL_USERS_PAGE (object);

  g_clear_pointer (&self->agencies, g_ptr_array_unref);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_free (self->ended_status);
  G_OBJECT_CLASS (rl_users_page_parent_class)->finalize (object);
}

static void
rl_users_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_USERS_PAGE);
  G_OBJECT_CLASS (rl_users_page_parent_class)->dispose (object);
}

static void
rl_users_page_class_init (RlUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_users_page_dispose;
  object_class->finalize = rl_users_page_finalize;
  page_class->reload = rl_users_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, table);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, sessions_bar);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, sessions_label);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, access_section);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, role_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, agency_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, rules_table);
  gtk_widget_class_install_action (widget_class, "users.grant-access", NULL, grant_access);
  gtk_widget_class_install_action (widget_class, "users.revoke-access", NULL, revoke_access);
  gtk_widget_class_install_action (widget_class, "users.end-sessions", NULL, end_sessions);
  gtk_widget_class_set_css_name (widget_class, "rl-users-page");
}

static void
rl_users_page_init (RlUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_table_view_add_column (self->table, _("Name"), 0, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Sign-in Name"), 1, RL_TEXT_COLUMN_MONO | RL_TEXT_COLUMN_DIM);
  rl_table_view_add_column (self->table, _("Role"), 2, 0);
  rl_table_view_add_column (self->table, _("Agency"), 3, 0);
  self->sessions_column = rl_table_view_add_column (self->table, _("Signed In"), 4, RL_TEXT_COLUMN_NUMERIC);
  gtk_column_view_column_set_visible (self->sessions_column, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.end-sessions", FALSE);
  g_signal_connect_object (gtk_column_view_get_model (rl_table_view_get_column_view (self->table)),
                           "notify::selected", G_CALLBACK (update_session_actions), self, G_CONNECT_SWAPPED);

  {
    g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);

    gtk_string_list_append (roles, _("Any role"));
    for (guint i = 0; i < G_N_ELEMENTS (role_choices); i++)
      gtk_string_list_append (roles, rl_role_to_label (role_choices[i]));
    gtk_drop_down_set_model (self->role_dropdown, G_LIST_MODEL (roles));
  }
  rl_table_view_add_column (self->rules_table, _("Records Held By"), 0, 0);
  rl_table_view_add_column (self->rules_table, _("Readable by Role"), 1, 0);
  rl_table_view_add_column (self->rules_table, _("At Agency"), 2, 0);
  rl_table_view_add_column (self->rules_table, _("Granted By"), 3, RL_TEXT_COLUMN_MONO | RL_TEXT_COLUMN_DIM);
  rl_table_view_add_column (self->rules_table, _("Since"), 4, RL_TEXT_COLUMN_NUMERIC);
}
