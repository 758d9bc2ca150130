#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-queue-page.h"
#include "rl-table-view.h"
#include "rl-searches-page.h"

struct _RlQueuePage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlQueuePage, rl_queue_page, RL_TYPE_PAGE)

static void
rl_queue_page_reload (RlPage    *page,
                      RlSession *session)
{
  RlQueuePage *self = RL_QUEUE_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) searches = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;

  /* The store answers for the signed-in user (the session's actor). */
  if (!(searches = rl_store_list_work_queue (rl_session_get_store (session), &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Work Queue"), error->message);
      return;
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < searches->len; i++)
    {
      g_autoptr(RlTextRow) row = rl_searches_table_row_new (g_ptr_array_index (searches, i));
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u search awaiting review", "%u searches awaiting review", searches->len),
                           searches->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_queue_page_dispose (GObject *object)
{
  /* The bin owns the template's top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_QUEUE_PAGE);
  G_OBJECT_CLASS (rl_queue_page_parent_class)->dispose (object);
}

static void
rl_queue_page_class_init (RlQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_queue_page_dispose;
  page_class->reload = rl_queue_page_reload;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-queue-page");
}

static void
rl_queue_page_init (RlQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_searches_table_add_columns (self->table);
}
