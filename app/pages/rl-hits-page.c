#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-hits-page.h"
#include "rl-table-view.h"
#include "rl-format.h"

struct _RlHitsPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlHitsPage, rl_hits_page, RL_TYPE_PAGE)

static void
rl_hits_page_reload (RlPage    *page,
                     RlSession *session)
{
  RlHitsPage *self = RL_HITS_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  guint n_open = 0;

  if (!(hits = rl_store_list_hits (rl_session_get_store (session), 0, &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Hits"), error->message);
      return;
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < hits->len; i++)
    {
      const RlHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *id = g_strdup_printf ("H-%06" G_GINT64_FORMAT, hit->id);
      g_autofree char *created = rl_format_time (hit->created_at);
      g_autofree char *identity = g_strdup_printf ("P-%06" G_GINT64_FORMAT, hit->identity_id);
      g_autofree char *search = g_strdup_printf ("S-%06" G_GINT64_FORMAT, hit->search_id);
      g_autofree char *score = rl_format_score (hit->score);
      g_autoptr(RlTextRow) row = rl_text_row_new (id, created, rl_hit_status_to_label (hit->status),
                                                  identity, search, score, NULL);

      if (hit->status == RL_HIT_OPEN)
        n_open++;
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u hit", "%u hits", hits->len), hits->len);
  if (n_open > 0)
    {
      g_autofree char *open = g_strdup_printf (ngettext ("%u open", "%u open", n_open), n_open);
      rl_table_view_set_status (self->table, "dialog-warning-symbolic", open, "warning");
    }
  else
    rl_table_view_set_status (self->table, NULL, NULL, NULL);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_hits_page_dispose (GObject *object)
{
  /* The bin owns the template's top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_HITS_PAGE);
  G_OBJECT_CLASS (rl_hits_page_parent_class)->dispose (object);
}

static void
rl_hits_page_class_init (RlHitsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_hits_page_dispose;
  page_class->reload = rl_hits_page_reload;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-hits-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-hits-page");
}

static void
rl_hits_page_init (RlHitsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_table_view_add_column (self->table, _("Hit"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Raised"), 1, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Status"), 2, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Identity"), 3, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Search"), 4, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Score"), 5, RL_TEXT_COLUMN_NUMERIC);
}
