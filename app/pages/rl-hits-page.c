/* rl-hits-page.c — the analysts' hit queue with filters. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <string.h>

#include "rl-hits-page.h"
#include "rl-table-view.h"
#include "rl-format.h"

enum { STATUS_TODO, STATUS_ALL, STATUS_FIRST };   /* then one item per RlHitStatus */
enum { AGE_ANY, AGE_DAY, AGE_WEEK, AGE_MONTH, AGE_OLDER };

struct _RlHitsPage {
  RlPage parent_instance;

  gboolean filling;            /* dropdowns being refilled: no reload */
  GArray  *hit_ids;            /* gint64, rows in table order */

  /* template children */
  RlTableView *table;
  GtkDropDown *status_filter;
  GtkDropDown *category_filter;
  GtkDropDown *agency_filter;
  GtkDropDown *age_filter;
};

G_DEFINE_FINAL_TYPE (RlHitsPage, rl_hits_page, RL_TYPE_PAGE)

static gboolean
status_wanted (RlHitsPage *self, const RlUser *user, RlHitStatus status)
{
  guint selected = gtk_drop_down_get_selected (self->status_filter);

  if (selected == STATUS_ALL)
    return TRUE;
  if (selected == STATUS_TODO)
    return status == RL_HIT_OPEN || (status == RL_HIT_ESCALATED && user && user->role == RL_ROLE_SUPERVISOR);
  return status == (RlHitStatus) (selected - STATUS_FIRST + 1);
}

static gboolean
age_wanted (RlHitsPage *self, gint64 age)
{
  switch (gtk_drop_down_get_selected (self->age_filter))
    {
    case AGE_DAY: return age <= 24 * 3600;
    case AGE_WEEK: return age <= 7 * 24 * 3600;
    case AGE_MONTH: return age <= 30 * 24 * 3600;
    case AGE_OLDER: return age > 30 * 24 * 3600;
    default: return TRUE;
    }
}

static char *
format_age (gint64 age)
{
  if (age < 3600)
    return g_strdup_printf (_("%d min"), (int) MAX (age / 60, 0));
  if (age < 48 * 3600)
    return g_strdup_printf (_("%d h"), (int) (age / 3600));
  return g_strdup_printf (_("%d days"), (int) (age / (24 * 3600)));
}

/* The agency dropdown lists the workspace's agencies; keep the choice. */
static void
fill_agencies (RlHitsPage *self, RlStore *store)
{
  g_autoptr(GPtrArray) agencies = rl_store_list_agencies (store, NULL);
  GtkStringList *list = gtk_string_list_new (NULL);
  GtkStringObject *current = gtk_drop_down_get_selected_item (self->agency_filter);
  g_autofree char *keep = current ? g_strdup (gtk_string_object_get_string (current)) : NULL;
  guint selected = 0;

  gtk_string_list_append (list, _("Any agency"));
  for (guint i = 0; agencies && i < agencies->len; i++)
    {
      const RlAgency *a = agencies->pdata[i];
      gtk_string_list_append (list, a->code);
      if (g_strcmp0 (keep, a->code) == 0)
        selected = i + 1;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->agency_filter, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->agency_filter, selected);
  self->filling = FALSE;
  g_object_unref (list);
}

static void
rl_hits_page_reload (RlPage    *page,
                     RlSession *session)
{
  RlHitsPage *self = RL_HITS_PAGE (page);
  RlStore *store = rl_session_get_store (session);
  const RlUser *user = rl_session_get_user (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  guint category = gtk_drop_down_get_selected (self->category_filter);
  const char *agency = NULL;
  gint64 now = rl_store_now (store);
  guint n_todo = 0;

  fill_agencies (self, store);
  if (gtk_drop_down_get_selected (self->agency_filter) > 0)
    agency = gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->agency_filter));
  g_array_set_size (self->hit_ids, 0);

  /* One request on a server: each row comes with its encounter's agency
   * and its person's derogatory records. */
  if (!(hits = rl_store_list_hit_rows (store, 0, &error)))
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic",
                                  _("Cannot Read the Hits"), error->message);
      return;
    }
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < hits->len; i++)
    {
      const RlHitRow *hit_row = g_ptr_array_index (hits, i);
      const RlHit *hit = hit_row->hit;
      const char *encounter_agency = hit_row->encounter_agency;
      GPtrArray *records = hit_row->records;
      g_autoptr(GString) categories = g_string_new (NULL);
      g_autoptr(GString) holders = g_string_new (NULL);
      gboolean category_match = category == 0, agency_match = agency == NULL;
      gint64 age = now - hit->created_at;

      if (status_wanted (self, user, hit->status) && hit->status != RL_HIT_CONFIRMED && hit->status != RL_HIT_DISMISSED &&
          !(hit->status == RL_HIT_ESCALATED && !(user && user->role == RL_ROLE_SUPERVISOR)))
        n_todo++;
      if (!status_wanted (self, user, hit->status) || !age_wanted (self, age))
        continue;
      if (agency && encounter_agency && g_strcmp0 (encounter_agency, agency) == 0)
        agency_match = TRUE;
      for (guint k = 0; records && k < records->len; k++)
        {
          const RlDerogatoryRecord *r = records->pdata[k];
          const char *label = rl_derogatory_category_to_label (r->category);

          if (category != 0 && (guint) r->category == category)
            category_match = TRUE;
          if (agency && g_strcmp0 (r->source_agency, agency) == 0)
            agency_match = TRUE;
          if (!strstr (categories->str, label))
            g_string_append_printf (categories, "%s%s", categories->len ? ", " : "", label);
          {
            /* "POLICE (restricted), BORDER": who holds what kind. */
            g_autofree char *holder = r->restricted ? g_strdup_printf (_("%s (restricted)"), r->source_agency)
                                                    : g_strdup (r->source_agency);
            if (!strstr (holders->str, holder))
              g_string_append_printf (holders, "%s%s", holders->len ? ", " : "", holder);
          }
        }
      if (!category_match || !agency_match)
        continue;
      {
        g_autofree char *id = g_strdup_printf ("H-%06" G_GINT64_FORMAT, hit->id);
        g_autofree char *created = rl_format_time (hit->created_at);
        g_autofree char *age_text = format_age (age);
        g_autofree char *identity = g_strdup_printf ("P-%06" G_GINT64_FORMAT, hit->identity_id);
        g_autofree char *score = g_strdup_printf ("%.1f", hit->score);
        g_autoptr(RlTextRow) row = rl_text_row_new (id, created, age_text, rl_hit_status_to_label (hit->status),
                                                    categories->str, holders->str, encounter_agency ? encounter_agency : "",
                                                    identity, score, NULL);
        g_list_store_append (rows, row);
        g_array_append_val (self->hit_ids, hit->id);
      }
    }
  count = g_strdup_printf (ngettext ("%u hit", "%u hits", g_list_model_get_n_items (G_LIST_MODEL (rows))),
                           g_list_model_get_n_items (G_LIST_MODEL (rows)));
  if (n_todo > 0)
    {
      g_autofree char *todo = g_strdup_printf (ngettext ("%u to decide", "%u to decide", n_todo), n_todo);
      rl_table_view_set_status (self->table, "dialog-warning-symbolic", todo, "warning");
    }
  else
    rl_table_view_set_status (self->table, NULL, NULL, NULL);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

GArray *
rl_hits_page_get_hit_ids (RlHitsPage *self)
{
  g_return_val_if_fail (RL_IS_HITS_PAGE (self), NULL);
  return g_array_ref (self->hit_ids);
}

static void
on_hit_disposed (RlHitView *view, RlHitsPage *self)
{
  rl_page_reload (RL_PAGE (self));
}

RlHitView *
rl_hits_page_open_hit (RlHitsPage *self, gint64 hit_id, GError **error)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  RlHitView *view;
  GtkWidget *window, *toolbar, *header;
  g_autofree char *title = NULL;

  g_return_val_if_fail (RL_IS_HITS_PAGE (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  if (!(view = rl_hit_view_new (session, hit_id, error)))
    return NULL;
  window = adw_window_new ();
  title = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT), hit_id);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (root)));
    }
  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_widget_set_vexpand (GTK_WIDGET (view), TRUE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (view));
  adw_window_set_content (ADW_WINDOW (window), toolbar);
  rl_session_close_on_sign_out (session, GTK_WINDOW (window));
  g_signal_connect_object (view, "disposed", G_CALLBACK (on_hit_disposed), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return view;
}

static void
on_row_activate (GtkColumnView *column_view,
                 guint          position,
                 RlHitsPage    *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_autoptr(RlTextRow) row = g_list_model_get_item (model, position);
  g_autoptr(GError) error = NULL;
  const char *id = row ? rl_text_row_get_cell (row, 0) : NULL;
  gint64 hit_id = id && g_str_has_prefix (id, "H-") ? g_ascii_strtoll (id + 2, NULL, 10) : 0;

  if (hit_id == 0)
    return;
  if (!rl_hits_page_open_hit (self, hit_id, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Cannot Open the Hit"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
on_filter_changed (RlHitsPage *self)
{
  if (!self->filling && rl_page_get_session (RL_PAGE (self)) != NULL)
    rl_page_reload (RL_PAGE (self));
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
rl_hits_page_finalize (GObject *object)
{
  g_clear_pointer (&RL_HITS_PAGE (object)->hit_ids, g_array_unref);
  G_OBJECT_CLASS (rl_hits_page_parent_class)->finalize (object);
}

static void
rl_hits_page_class_init (RlHitsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_hits_page_dispose;
  object_class->finalize = rl_hits_page_finalize;
  page_class->reload = rl_hits_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-hits-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, table);
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, category_filter);
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, agency_filter);
  gtk_widget_class_bind_template_child (widget_class, RlHitsPage, age_filter);
  gtk_widget_class_set_css_name (widget_class, "rl-hits-page");
}

static void
rl_hits_page_init (RlHitsPage *self)
{
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) categories = gtk_string_list_new (NULL);
  const char *ages[] = { _("Any age"), _("Last 24 hours"), _("Last 7 days"), _("Last 30 days"), _("Older than 30 days"),
                         NULL };
  g_autoptr(GtkStringList) age_list = gtk_string_list_new (ages);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->hit_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_string_list_append (statuses, _("To do"));
  gtk_string_list_append (statuses, _("All"));
  for (RlHitStatus s = RL_HIT_OPEN; s <= RL_HIT_ESCALATED; s++)
    gtk_string_list_append (statuses, rl_hit_status_to_label (s));
  gtk_string_list_append (categories, _("Any category"));
  for (int c = 1; c <= RL_DEROGATORY_N_CATEGORIES; c++)
    gtk_string_list_append (categories, rl_derogatory_category_to_label (c));
  self->filling = TRUE;
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (statuses));
  gtk_drop_down_set_model (self->category_filter, G_LIST_MODEL (categories));
  gtk_drop_down_set_model (self->age_filter, G_LIST_MODEL (age_list));
  self->filling = FALSE;
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->category_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->agency_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->age_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);

  rl_table_view_add_column (self->table, _("Hit"), 0, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Raised"), 1, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Age"), 2, RL_TEXT_COLUMN_NUMERIC);
  rl_table_view_add_column (self->table, _("Status"), 3, 0);
  rl_table_view_add_column (self->table, _("Categories"), 4, RL_TEXT_COLUMN_EXPAND);
  rl_table_view_add_column (self->table, _("Held by"), 5, 0);
  rl_table_view_add_column (self->table, _("Encounter"), 6, 0);
  rl_table_view_add_column (self->table, _("Person"), 7, RL_TEXT_COLUMN_MONO);
  rl_table_view_add_column (self->table, _("Score"), 8, RL_TEXT_COLUMN_NUMERIC);
  g_signal_connect (rl_table_view_get_column_view (self->table), "activate", G_CALLBACK (on_row_activate), self);
}
