#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-identities-page.h"
#include "rl-table-view.h"
#include "rl-format.h"
#include "rl-identity-view.h"

/* A list is for browsing; beyond this many rows, filtering is the way in. */
#define MAX_IDENTITIES 10000

struct _RlIdentitiesPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlIdentitiesPage, rl_identities_page, RL_TYPE_PAGE)

/* What a reload reads (in a worker thread on a server: rl_page_load). */
typedef struct {
  GPtrArray *identities;   /* RlIdentity*, the first MAX_IDENTITIES */
  guint      total;
} IdentitiesLoad;

static void
identities_load_free (IdentitiesLoad *load)
{
  g_clear_pointer (&load->identities, g_ptr_array_unref);
  g_free (load);
}

static gpointer
identities_load (RlStore *store, gpointer data, GError **error)
{
  IdentitiesLoad *load = g_new0 (IdentitiesLoad, 1);

  if (!(load->identities = rl_store_list_identities (store, NULL, 0, MAX_IDENTITIES, error)))
    {
      identities_load_free (load);
      return NULL;
    }
  load->total = rl_store_count_identities (store, NULL);
  return load;
}

static void
identities_apply (RlPage *page, gpointer result, const GError *error, gpointer data)
{
  RlIdentitiesPage *self = RL_IDENTITIES_PAGE (page);
  IdentitiesLoad *load = result;
  GPtrArray *identities;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  guint total;

  if (error != NULL)
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic", _("Cannot Read the Identities"),
                                  rl_page_get_load_error (page) ? NULL : error->message);
      return;
    }
  identities = load->identities;
  total = load->total;
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < identities->len; i++)
    {
      const RlIdentity *identity = g_ptr_array_index (identities, i);
      g_autofree char *encounters = g_strdup_printf ("%u", identity->n_encounters);
      g_autofree char *derogatory = identity->n_derogatory ? g_strdup_printf ("%u", identity->n_derogatory) : g_strdup ("");
      g_autofree char *last_seen = rl_format_date (identity->last_seen);
      g_autoptr(RlTextRow) row = rl_text_row_new (identity->reference, identity->family_name, identity->given_names,
                                                  identity->date_of_birth, identity->nationality, identity->sex,
                                                  encounters, derogatory, last_seen, NULL);

      g_list_store_append (rows, row);
    }
  if (total > identities->len)
    count = g_strdup_printf (_("First %u of %u identities"), identities->len, total);
  else
    count = g_strdup_printf (ngettext ("%u identity", "%u identities", identities->len), identities->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_identities_page_reload (RlPage    *page,
                           RlSession *session)
{
  RlIdentitiesPage *self = RL_IDENTITIES_PAGE (page);

  if (rl_table_view_get_n_rows (self->table) == 0)
    rl_table_view_show_message (self->table, "content-loading-symbolic", _("Reading the Identities…"), NULL);
  rl_page_load (page, _("Reading the identities from the server…"), identities_load, identities_apply, NULL, NULL,
                (GDestroyNotify) identities_load_free);
}

/* Opening a person asks for the purpose first (need to know). The table may
 * be filtered: find the row's identity through its reference. */
static void
on_activate (GtkColumnView *view, guint position, RlIdentitiesPage *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr(GObject) item = g_list_model_get_item (model, position);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GPtrArray) found = NULL;
  const char *reference;

  if (item == NULL || session == NULL || !RL_IS_TEXT_ROW (item))
    return;
  reference = rl_text_row_get_cell (RL_TEXT_ROW (item), 0);
  found = rl_store_list_identities (rl_session_get_store (session), NULL, 0, 0, NULL);
  for (guint i = 0; found && i < found->len; i++)
    {
      const RlIdentity *identity = g_ptr_array_index (found, i);
      if (g_strcmp0 (identity->reference, reference) == 0)
        {
          rl_identity_view_ask_and_open (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, session, identity->id);
          return;
        }
    }
}

/* A merge or split elsewhere: the list changes (merged identities leave it). */
static void
on_identities_changed (RlIdentitiesPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));

  if (session && gtk_widget_get_mapped (GTK_WIDGET (self)))
    rl_identities_page_reload (RL_PAGE (self), session);
}

static void
on_session_changed (RlIdentitiesPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));

  if (session)
    g_signal_connect_object (session, "identities-changed", G_CALLBACK (on_identities_changed), self,
                             G_CONNECT_SWAPPED);
}

static void
rl_identities_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_IDENTITIES_PAGE);
  G_OBJECT_CLASS (rl_identities_page_parent_class)->dispose (object);
}

static void
rl_identities_page_class_init (RlIdentitiesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_identities_page_dispose;
  page_class->reload = rl_identities_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-identities-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlIdentitiesPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-identities-page");
}

static void
rl_identities_page_init (RlIdentitiesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (rl_table_view_get_column_view (self->table), "activate", G_CALLBACK (on_activate), self);
  g_signal_connect (self, "notify::session", G_CALLBACK (on_session_changed), NULL);

  rl_table_view_add_column (self->table, _("Reference"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Family Name"), 1, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Given Names"), 2, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Date of Birth"), 3, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Nationality"), 4, 0);
  rl_table_view_add_column (self->table, _("Sex"), 5, 0);
  rl_table_view_add_column (self->table, _("Encounters"), 6, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Derogatory"), 7, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Last Seen"), 8, RL_TEXT_COLUMN_NUMERIC | RL_TEXT_COLUMN_DIM);
}
