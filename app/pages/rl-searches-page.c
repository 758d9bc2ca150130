#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-searches-page.h"
#include "rl-table-view.h"

struct _RlSearchesPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlSearchesPage, rl_searches_page, RL_TYPE_PAGE)

static void
rl_searches_page_reload (RlPage    *page,
                     RlSession *session)
{
  RlSearchesPage *self = RL_SEARCHES_PAGE (page);

  rl_table_view_set_rows (self->table, NULL, NULL);
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

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-searches-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlSearchesPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-searches-page");
}

static void
rl_searches_page_init (RlSearchesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
