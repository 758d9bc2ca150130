/* rl-links-page.c — multiple-identity links, yellow ones (to review) first. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-links-page.h"
#include "rl-format.h"
#include "rl-identity-view.h"
#include "rl-table-view.h"

struct _RlLinksPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlLinksPage, rl_links_page, RL_TYPE_PAGE)

/* "P-000012 · Ada Okafor", "P-000034 (merged into P-000012)". */
static char *
describe (RlStore *store, gint64 identity_id)
{
  g_autoptr(RlIdentity) identity = rl_store_get_identity_summary (store, identity_id, NULL);
  g_autoptr(RlIdentity) into = NULL;

  if (identity == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, identity_id);
  if (identity->merged_into && (into = rl_store_get_identity_summary (store, identity->merged_into, NULL)))
    return g_strdup_printf (_("%s (merged into %s)"), identity->reference, into->reference);
  return g_strdup_printf ("%s · %s %s", identity->reference, identity->given_names, identity->family_name);
}

static int
yellow_first (gconstpointer a, gconstpointer b)
{
  const RlIdentityLink *la = *(RlIdentityLink * const *) a, *lb = *(RlIdentityLink * const *) b;
  gboolean ya = la->colour == RL_LINK_YELLOW, yb = lb->colour == RL_LINK_YELLOW;

  if (ya != yb)
    return ya ? -1 : 1;
  return (la->id > lb->id) - (la->id < lb->id);
}

static void
rl_links_page_reload (RlPage *page, RlSession *session)
{
  RlLinksPage *self = RL_LINKS_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  RlStore *store = rl_session_get_store (session);
  guint n_yellow = 0;

  if (!(links = rl_store_list_identity_links (store, 0, &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic", _("Cannot Read the Identity Links"),
                                  error->message);
      return;
    }
  g_ptr_array_sort (links, yellow_first);
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < links->len; i++)
    {
      const RlIdentityLink *l = g_ptr_array_index (links, i);
      g_autofree char *id = g_strdup_printf ("L-%06" G_GINT64_FORMAT, l->id);
      g_autofree char *a = describe (store, l->identity_a);
      g_autofree char *b = describe (store, l->identity_b);
      g_autofree char *score = g_strdup_printf ("%.0f", l->score);
      g_autofree char *found = rl_format_date (l->created_at);
      g_autoptr(RlTextRow) row = rl_text_row_new (id, rl_link_colour_to_label (l->colour), a, b, score, found,
                                                  l->reason ? l->reason : "", NULL);

      n_yellow += l->colour == RL_LINK_YELLOW;
      g_list_store_append (rows, row);
    }
  count = g_strdup_printf (ngettext ("%u link to review, %u in all", "%u links to review, %u in all", n_yellow),
                           n_yellow, links->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

/* Opening asks for the purpose first (need to know). The table may be
 * filtered or sorted: find the row's link through its id cell. */
static void
on_activate (GtkColumnView *view, guint position, RlLinksPage *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr(GObject) item = g_list_model_get_item (model, position);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GPtrArray) links = NULL;
  const char *cell;
  gint64 link_id;

  if (item == NULL || session == NULL || !RL_IS_TEXT_ROW (item))
    return;
  cell = rl_text_row_get_cell (RL_TEXT_ROW (item), 0);
  if (cell == NULL || !g_str_has_prefix (cell, "L-"))
    return;
  link_id = g_ascii_strtoll (cell + 2, NULL, 10);
  links = rl_store_list_identity_links (rl_session_get_store (session), 0, NULL);
  for (guint i = 0; links && i < links->len; i++)
    {
      const RlIdentityLink *l = g_ptr_array_index (links, i);
      if (l->id == link_id)
        {
          rl_identity_view_ask_and_open (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, session, l->identity_a);
          return;
        }
    }
}

/* A merge, split or resolution elsewhere: read the links again if shown. */
static void
on_identities_changed (RlLinksPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));

  if (session && gtk_widget_get_mapped (GTK_WIDGET (self)))
    rl_links_page_reload (RL_PAGE (self), session);
}

static void
on_session_changed (RlLinksPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));

  if (session)
    g_signal_connect_object (session, "identities-changed", G_CALLBACK (on_identities_changed), self,
                             G_CONNECT_SWAPPED);
}

static void
rl_links_page_dispose (GObject *object)
{
  /* The bin owns the template's top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_LINKS_PAGE);
  G_OBJECT_CLASS (rl_links_page_parent_class)->dispose (object);
}

static void
rl_links_page_class_init (RlLinksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_links_page_dispose;
  page_class->reload = rl_links_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-links-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlLinksPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-links-page");
}

static void
rl_links_page_init (RlLinksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (rl_table_view_get_column_view (self->table), "activate", G_CALLBACK (on_activate), self);
  g_signal_connect (self, "notify::session", G_CALLBACK (on_session_changed), NULL);

  rl_table_view_add_column (self->table, _("Link"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Colour"), 1, 0);
  rl_table_view_add_column (self->table, _("Identity"), 2, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Linked With"), 3, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Score"), 4, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Found"), 5, RL_TEXT_COLUMN_NUMERIC | RL_TEXT_COLUMN_DIM);
  rl_table_view_add_column (self->table, _("Reason"), 6, RL_TEXT_COLUMN_DIM);
}
