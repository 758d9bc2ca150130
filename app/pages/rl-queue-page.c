#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-queue-page.h"
#include "rl-review-view.h"
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

/* The search id of a row ("S-000123" in the first cell). */
static gint64
row_search_id (RlTextRow *row)
{
  const char *cell = rl_text_row_get_cell (row, 0);

  return g_str_has_prefix (cell, "S-") ? g_ascii_strtoll (cell + 2, NULL, 10) : 0;
}

static gboolean
on_review_closed (GtkWindow   *window,
                  RlQueuePage *self)
{
  rl_page_reload (RL_PAGE (self));
  return FALSE;
}

/* A window for one review: the examiner keeps the queue at hand beside it. */
static GtkWindow *
review_window_new (RlQueuePage  *self,
                   RlReviewView *view)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  g_autofree char *title = g_strdup_printf (_("Review of Search S-%06" G_GINT64_FORMAT),
                                            rl_review_view_get_search_id (view));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (root)));
    }
  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_widget_set_vexpand (GTK_WIDGET (view), TRUE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (view));
  adw_window_set_content (ADW_WINDOW (window), toolbar);
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_review_closed), self, 0);
  return GTK_WINDOW (window);
}

RlReviewView *
rl_queue_page_open_search (RlQueuePage *self,
                           gint64       search_id,
                           GError     **error)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  RlStore *store;
  g_autoptr(RlSearch) search = NULL;
  RlReviewView *view;

  g_return_val_if_fail (RL_IS_QUEUE_PAGE (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);
  store = rl_session_get_store (session);

  if (!(search = rl_store_get_search (store, search_id, error)))
    return NULL;
  /* Opening a pending search claims it: other examiners no longer see it. */
  if (search->status == RL_SEARCH_PENDING && search->claimed_by != rl_store_get_actor (store) &&
      !rl_store_claim_search (store, search_id, error))
    return NULL;
  if (!(view = rl_review_view_new (session, search_id, error)))
    return NULL;
  gtk_window_present (review_window_new (self, view));
  rl_page_reload (RL_PAGE (self));
  return view;
}

static void
on_row_activate (GtkColumnView *column_view,
                 guint          position,
                 RlQueuePage   *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_autoptr(RlTextRow) row = g_list_model_get_item (model, position);
  g_autoptr(GError) error = NULL;
  gint64 search_id = row ? row_search_id (row) : 0;

  if (search_id == 0)
    return;
  if (!rl_queue_page_open_search (self, search_id, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Cannot Open the Search"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      rl_page_reload (RL_PAGE (self));
    }
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
  g_signal_connect (rl_table_view_get_column_view (self->table), "activate", G_CALLBACK (on_row_activate), self);
}
