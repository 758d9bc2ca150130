#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-audit-page.h"
#include "rl-table-view.h"
#include "rl-format.h"

/* The page shows the newest entries; the chain check covers all of them. */
#define MAX_ENTRIES 5000

struct _RlAuditPage {
  RlPage parent_instance;

  /* template children */
  RlTableView *table;
};

G_DEFINE_FINAL_TYPE (RlAuditPage, rl_audit_page, RL_TYPE_PAGE)

/* What a reload reads (in a worker thread on a server: rl_page_load). */
typedef struct {
  GPtrArray     *entries;   /* RlAuditEntry*, newest first */
  RlAuditReport *report;    /* the whole chain checked, or NULL with report_error */
  char          *report_error;
} AuditLoad;

static void
audit_load_free (AuditLoad *load)
{
  g_clear_pointer (&load->entries, g_ptr_array_unref);
  g_clear_pointer (&load->report, rl_audit_report_free);
  g_free (load->report_error);
  g_free (load);
}

static gpointer
audit_load (RlStore *store, gpointer data, GError **error)
{
  AuditLoad *load = g_new0 (AuditLoad, 1);
  g_autoptr(GError) local = NULL;

  if (!(load->entries = rl_store_list_audit (store, NULL, 0, 0, MAX_ENTRIES, error)))
    {
      audit_load_free (load);
      return NULL;
    }
  /* Check the whole chain each time the page is shown: it is what makes the
   * log worth reading. */
  if (!(load->report = rl_store_verify_audit (store, &local)))
    load->report_error = g_strdup (local->message);
  return load;
}

static void
audit_apply (RlPage *page, gpointer result, const GError *error, gpointer data)
{
  RlAuditPage *self = RL_AUDIT_PAGE (page);
  AuditLoad *load = result;
  GPtrArray *entries;
  RlAuditReport *report;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;

  if (error != NULL)
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic", _("Cannot Read the Audit Log"),
                                  rl_page_get_load_error (page) ? NULL : error->message);
      return;
    }
  entries = load->entries;
  report = load->report;
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < entries->len; i++)
    {
      const RlAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *time = rl_format_time (entry->at);
      g_autofree char *record = entry->object_kind && *entry->object_kind
                                ? g_strdup_printf ("%s #%" G_GINT64_FORMAT, entry->object_kind, entry->object_id)
                                : g_strdup ("");
      g_autofree char *hash = g_strndup (entry->hash ? entry->hash : "", 12);
      const char *user = entry->user_id ? entry->username : _("System");
      g_autoptr(RlTextRow) row = rl_text_row_new (time, user, entry->action, record,
                                                  entry->purpose ? entry->purpose : "", hash, NULL);

      g_list_store_append (rows, row);
    }

  if (report == NULL)
    rl_table_view_set_status (self->table, "dialog-error-symbolic", load->report_error, "error");
  else if (report->problem != NULL)
    rl_table_view_set_status (self->table, "dialog-warning-symbolic", report->problem, "error");
  else
    rl_table_view_set_status (self->table, "security-high-symbolic", _("Hash chain intact"), "success");

  if (report != NULL && report->n_rows > entries->len)
    {
      /* A literal G_GUINT64_FORMAT would cut the message short for xgettext. */
      g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, report->n_rows);
      count = g_strdup_printf (_("Newest %u of %s entries"), entries->len, total);
    }
  else
    count = g_strdup_printf (ngettext ("%u entry", "%u entries", entries->len), entries->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_audit_page_reload (RlPage    *page,
                      RlSession *session)
{
  RlAuditPage *self = RL_AUDIT_PAGE (page);

  if (rl_table_view_get_n_rows (self->table) == 0)
    rl_table_view_show_message (self->table, "content-loading-symbolic", _("Reading the Audit Log…"), NULL);
  rl_page_load (page, _("Reading the audit log from the server…"), audit_load, audit_apply, NULL, NULL,
                (GDestroyNotify) audit_load_free);
}

static void
rl_audit_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_AUDIT_PAGE);
  G_OBJECT_CLASS (rl_audit_page_parent_class)->dispose (object);
}

static void
rl_audit_page_class_init (RlAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_audit_page_dispose;
  page_class->reload = rl_audit_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlAuditPage, table);
  gtk_widget_class_set_css_name (widget_class, "rl-audit-page");
}

static void
rl_audit_page_init (RlAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rl_table_view_add_column (self->table, _("Time"), 0, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("User"), 1, 0);
  rl_table_view_add_column (self->table, _("Action"), 2, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Record"), 3, 0);
  rl_table_view_add_column (self->table, _("Stated Purpose"), 4, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Hash"), 5, RL_TEXT_COLUMN_MONO | RL_TEXT_COLUMN_DIM);
}
