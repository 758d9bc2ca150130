#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-searches-page.h"
#include "rl-table-view.h"
#include "rl-format.h"

struct _RlSearchesPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlSearchesPage, rl_searches_page, RL_TYPE_PAGE)

void
rl_searches_table_add_columns (RlTableView *table)
{
  rl_table_view_add_column (table, _("Search"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (table, _("Submitted"), 1, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (table, _("Status"), 2, 0);
  rl_table_view_add_column (table, _("Why Reviewed"), 3, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (table, _("Priority"), 4, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (table, _("Agency"), 5, 0);
  rl_table_view_add_column (table, _("Finger"), 6, 0);
  rl_table_view_add_column (table, _("Quality"), 7, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (table, _("Candidates"), 8, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (table, _("Best Score"), 9, RL_TEXT_COLUMN_NUMERIC);
}

RlTextRow *
rl_searches_table_row_new (const RlSearch *search)
{
  g_autofree char *id = g_strdup_printf ("S-%06" G_GINT64_FORMAT, search->id);
  g_autofree char *created = rl_format_time (search->created_at);
  g_autofree char *priority = g_strdup_printf ("%d", search->priority);
  g_autofree char *quality = search->probe_quality >= 0 ? g_strdup_printf ("%d", search->probe_quality) : g_strdup ("");
  g_autofree char *n_candidates = g_strdup_printf ("%u", search->n_candidates);
  g_autofree char *best = rl_format_score (search->best_score);

  return rl_text_row_new (id, created, rl_search_status_to_label (search->status),
                          rl_search_reason_to_label (search->reason), priority,
                          search->agency ? search->agency : "", rl_format_finger (search->probe_finger),
                          quality, n_candidates, best, NULL);
}

static gpointer
searches_load (RlStore *store, gpointer data, GError **error)
{
  return rl_store_list_searches (store, 0, error);
}

static void
searches_apply (RlPage *page, gpointer result, const GError *error, gpointer data)
{
  RlSearchesPage *self = RL_SEARCHES_PAGE (page);
  GPtrArray *searches = result;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;

  if (error != NULL)
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic", _("Cannot Read the Searches"),
                                  rl_page_get_load_error (page) ? NULL : error->message);
      return;
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < searches->len; i++)
    {
      g_autoptr(RlTextRow) row = rl_searches_table_row_new (g_ptr_array_index (searches, i));
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u search", "%u searches", searches->len), searches->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_searches_page_reload (RlPage    *page,
                         RlSession *session)
{
  RlSearchesPage *self = RL_SEARCHES_PAGE (page);

  /* Nothing shown yet: say it is coming rather than "no searches". */
  if (rl_table_view_get_n_rows (self->table) == 0)
    rl_table_view_show_message (self->table, "content-loading-symbolic", _("Reading the Searches…"), NULL);
  rl_page_load (page, _("Reading the searches from the server…"), searches_load, searches_apply, NULL, NULL,
                (GDestroyNotify) g_ptr_array_unref);
}

static void
rl_searches_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_SEARCHES_PAGE);
  G_OBJECT_CLASS (rl_searches_page_parent_class)->dispose (object);
}

static void
rl_searches_page_class_init (RlSearchesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_searches_page_dispose;
  page_class->reload = rl_searches_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-searches-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlSearchesPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-searches-page");
}

static void
rl_searches_page_init (RlSearchesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_searches_table_add_columns (self->table);
}
