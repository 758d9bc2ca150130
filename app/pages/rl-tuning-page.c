#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-tuning-page.h"
#include "rl-table-view.h"
#include "rl-format.h"

struct _RlTuningPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlTuningPage, rl_tuning_page, RL_TYPE_PAGE)

static void
rl_tuning_page_reload (RlPage    *page,
                       RlSession *session)
{
  RlTuningPage *self = RL_TUNING_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  RlStore *store = rl_session_get_store (session);

  if (!(releases = rl_store_list_releases (store, &error)) || !(users = rl_store_list_users (store, &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Matcher Releases"), error->message);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *user = g_ptr_array_index (users, i);
      g_hash_table_insert (names, &user->id, user->display_name);
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < releases->len; i++)
    {
      const RlMatcherRelease *release = g_ptr_array_index (releases, i);
      const char *author = release->author_id ? g_hash_table_lookup (names, &release->author_id) : _("Ridgeline");
      const char *approver = release->approver_id ? g_hash_table_lookup (names, &release->approver_id) : "";
      g_autofree char *created = rl_format_time (release->created_at);
      g_autofree char *activated = rl_format_time (release->activated_at);
      g_autoptr(RlTextRow) row = rl_text_row_new (release->name, rl_release_state_to_label (release->state),
                                                  author ? author : "", approver ? approver : "",
                                                  created, activated, NULL);

      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u release", "%u releases", releases->len), releases->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_tuning_page_dispose (GObject *object)
{
  /* The bin owns the template's top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_TUNING_PAGE);
  G_OBJECT_CLASS (rl_tuning_page_parent_class)->dispose (object);
}

static void
rl_tuning_page_class_init (RlTuningPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_tuning_page_dispose;
  page_class->reload = rl_tuning_page_reload;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-tuning-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-tuning-page");
}

static void
rl_tuning_page_init (RlTuningPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_table_view_add_column (self->table, _("Release"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("State"), 1, 0);
  rl_table_view_add_column (self->table, _("Author"), 2, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Reviewed By"), 3, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Created"), 4, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Activated"), 5, RL_TEXT_COLUMN_NUMERIC);
}
