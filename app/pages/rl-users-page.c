#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-users-page.h"
#include "rl-table-view.h"

struct _RlUsersPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlUsersPage, rl_users_page, RL_TYPE_PAGE)

static void
rl_users_page_reload (RlPage    *page,
                     RlSession *session)
{
  RlUsersPage *self = RL_USERS_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;

  if (!(users = rl_store_list_users (rl_session_get_store (session), &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Users"), error->message);
      return;
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < users->len; i++)
    {
      const RlUser *user = g_ptr_array_index (users, i);
      g_autoptr(RlTextRow) row = rl_text_row_new (user->display_name, user->username,
                                                  rl_role_to_label (user->role), user->agency, NULL);
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u user", "%u users", users->len), users->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
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
  page_class->reload = rl_users_page_reload;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlUsersPage, table);
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
}
