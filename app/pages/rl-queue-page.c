#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-load-bar.h"
#include "rl-queue-page.h"
#include "rl-review-view.h"
#include "rl-table-view.h"
#include "rl-searches-page.h"

struct _RlQueuePage {
  RlPage parent_instance;

  gboolean     disputed_only;   /* supervisors: only the disputes to decide */
  gboolean     filling;         /* refilling a dropdown: not a user's choice */
  GPtrArray   *examiners;       /* RlUser*, the dropdown's choices */

  /* template children */
  RlTableView *table;
  GtkWidget   *supervisor_bar;
  GtkDropDown *examiner_dropdown;
  GtkDropDown *agency_filter;
  GtkDropDown *priority_filter;
  GtkDropDown *quality_filter;
  GtkDropDown *age_filter;
};

/* The filters' choices, in dropdown order. */
enum { PRIORITY_ANY, PRIORITY_URGENT, PRIORITY_NORMAL, PRIORITY_LOW };
enum { QUALITY_ANY, QUALITY_POOR, QUALITY_FAIR, QUALITY_GOOD };
enum { AGE_ANY, AGE_DAY, AGE_WEEK, AGE_OLDER_DAY, AGE_OLDER_WEEK };

G_DEFINE_FINAL_TYPE (RlQueuePage, rl_queue_page, RL_TYPE_PAGE)

enum {
  PROP_0,
  PROP_DISPUTED_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_supervisor (RlSession *session)
{
  const RlUser *user = session ? rl_session_get_user (session) : NULL;

  return user != NULL && user->role == RL_ROLE_SUPERVISOR;
}

/* The examiners (and supervisors) a search can be assigned to, from the
 * workspace's users. */
static void
fill_examiners (RlQueuePage *self,
                GPtrArray   *users)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_clear_pointer (&self->examiners, g_ptr_array_unref);
  self->examiners = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_user_free);
  for (guint i = 0; users && i < users->len; i++)
    {
      RlUser *user = g_ptr_array_index (users, i);
      g_autofree char *label = NULL;

      if (!user->active || (user->role != RL_ROLE_EXAMINER && user->role != RL_ROLE_SUPERVISOR))
        continue;
      label = g_strdup_printf ("%s (%s)", user->display_name, rl_role_to_label (user->role));
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->examiners, g_ptr_array_steal_index (users, i--));
    }
  gtk_drop_down_set_model (self->examiner_dropdown, G_LIST_MODEL (names));
}

/* Quality buckets as the matcher's evaluation reports them (poor < 40,
 * fair 40–59, good ≥ 60): the same words on every screen. */
static gboolean
search_wanted (RlQueuePage *self, const RlSearch *search, const char *agency, gint64 now)
{
  gint64 age = now - search->created_at;

  if (agency != NULL && g_strcmp0 (search->agency, agency) != 0)
    return FALSE;
  switch (gtk_drop_down_get_selected (self->priority_filter))
    {
    case PRIORITY_URGENT: if (search->priority > 2) return FALSE; break;
    case PRIORITY_NORMAL: if (search->priority != 3) return FALSE; break;
    case PRIORITY_LOW: if (search->priority < 4) return FALSE; break;
    default: break;
    }
  switch (gtk_drop_down_get_selected (self->quality_filter))
    {
    case QUALITY_POOR: if (search->probe_quality < 0 || search->probe_quality >= 40) return FALSE; break;
    case QUALITY_FAIR: if (search->probe_quality < 40 || search->probe_quality >= 60) return FALSE; break;
    case QUALITY_GOOD: if (search->probe_quality < 60) return FALSE; break;
    default: break;
    }
  switch (gtk_drop_down_get_selected (self->age_filter))
    {
    case AGE_DAY: return age <= 24 * 3600;
    case AGE_WEEK: return age <= 7 * 24 * 3600;
    case AGE_OLDER_DAY: return age > 24 * 3600;
    case AGE_OLDER_WEEK: return age > 7 * 24 * 3600;
    default: return TRUE;
    }
}

static int
compare_codes (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
same_strings (GListModel *a, GListModel *b)
{
  guint n;

  if (a == NULL || !GTK_IS_STRING_LIST (a) || (n = g_list_model_get_n_items (a)) != g_list_model_get_n_items (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (a), i),
                   gtk_string_list_get_string (GTK_STRING_LIST (b), i)) != 0)
      return FALSE;
  return TRUE;
}

/* The agency dropdown lists the agencies of the searches in the queue;
 * the choice is kept across reloads. */
static void
fill_agencies (RlQueuePage *self, GPtrArray *searches)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  GtkStringObject *current = gtk_drop_down_get_selected_item (self->agency_filter);
  g_autofree char *keep = current && gtk_drop_down_get_selected (self->agency_filter) > 0
                          ? g_strdup (gtk_string_object_get_string (current)) : NULL;
  guint selected = 0;

  for (guint i = 0; i < searches->len; i++)
    {
      const RlSearch *search = g_ptr_array_index (searches, i);

      if (search->agency && search->agency[0] && g_hash_table_add (seen, search->agency))
        g_ptr_array_add (codes, search->agency);
    }
  /* a chosen agency stays a choice even when its last search left */
  if (keep && !g_hash_table_contains (seen, keep))
    g_ptr_array_add (codes, keep);
  g_ptr_array_sort (codes, compare_codes);
  gtk_string_list_append (list, _("Any agency"));
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = codes->pdata[i];

      gtk_string_list_append (list, code);
      if (g_strcmp0 (keep, code) == 0)
        selected = i + 1;
    }
  /* A new model re-emits "selected" (and so another reload): only when
   * the agencies really changed. */
  if (same_strings (gtk_drop_down_get_model (self->agency_filter), G_LIST_MODEL (list)))
    return;
  self->filling = TRUE;
  gtk_drop_down_set_model (self->agency_filter, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->agency_filter, selected);
  self->filling = FALSE;
}

/* What a reload reads (in a worker thread on a server: rl_page_load). */
typedef struct {
  GPtrArray *searches;   /* RlSearch* */
  GPtrArray *users;      /* RlUser*, for a supervisor's first load; NULL otherwise */
} QueueLoad;

static void
queue_load_free (QueueLoad *load)
{
  g_clear_pointer (&load->searches, g_ptr_array_unref);
  g_clear_pointer (&load->users, g_ptr_array_unref);
  g_free (load);
}

static gpointer
queue_load (RlStore *store, gpointer data, GError **error)
{
  gboolean want_users = GPOINTER_TO_INT (data);
  QueueLoad *load = g_new0 (QueueLoad, 1);

  /* The store answers for the signed-in user (the session's actor). */
  if (!(load->searches = rl_store_list_work_queue (store, error)))
    {
      queue_load_free (load);
      return NULL;
    }
  if (want_users)
    load->users = rl_store_list_users (store, NULL);
  return load;
}

static void
queue_apply (RlPage *page, gpointer result, const GError *error, gpointer data)
{
  RlQueuePage *self = RL_QUEUE_PAGE (page);
  RlSession *session = rl_page_get_session (page);
  QueueLoad *load = result;
  GPtrArray *searches;
  g_autoptr(GListStore) rows = NULL;
  g_autofree char *count = NULL;
  g_autofree char *agency = NULL;
  gint64 now = rl_store_now (rl_session_get_store (session));

  if (error != NULL)
    {
      rl_table_view_show_message (self->table, "dialog-error-symbolic", _("Cannot Read the Work Queue"),
                                  rl_page_get_load_error (page) ? NULL : error->message);
      return;
    }
  searches = load->searches;
  gtk_widget_set_visible (self->supervisor_bar, is_supervisor (session));
  if (is_supervisor (session) && self->examiners == NULL && load->users != NULL)
    fill_examiners (self, load->users);
  fill_agencies (self, searches);
  if (gtk_drop_down_get_selected (self->agency_filter) > 0)
    agency = g_strdup (gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->agency_filter)));
  rows = g_list_store_new (RL_TYPE_TEXT_ROW);
  for (guint i = 0; i < searches->len; i++)
    {
      RlSearch *search = g_ptr_array_index (searches, i);
      g_autoptr(RlTextRow) row = NULL;

      if (self->disputed_only && search->status != RL_SEARCH_DISPUTED)
        continue;
      if (!search_wanted (self, search, agency, now))
        continue;
      row = rl_searches_table_row_new (search);
      g_list_store_append (rows, row);
    }
  if (self->disputed_only)
    count = g_strdup_printf (ngettext ("%u disputed search awaiting your decision",
                                       "%u disputed searches awaiting your decision",
                                       g_list_model_get_n_items (G_LIST_MODEL (rows))),
                             g_list_model_get_n_items (G_LIST_MODEL (rows)));
  else if (g_list_model_get_n_items (G_LIST_MODEL (rows)) != searches->len)
    count = g_strdup_printf (ngettext ("%u of %u search awaiting review", "%u of %u searches awaiting review",
                                       searches->len),
                             g_list_model_get_n_items (G_LIST_MODEL (rows)), searches->len);
  else
    count = g_strdup_printf (ngettext ("%u search awaiting review", "%u searches awaiting review", searches->len),
                             searches->len);
  rl_table_view_set_rows (self->table, G_LIST_MODEL (rows), count);
}

static void
rl_queue_page_reload (RlPage    *page,
                      RlSession *session)
{
  RlQueuePage *self = RL_QUEUE_PAGE (page);

  /* Nothing shown yet: say it is coming rather than "no searches". */
  if (rl_table_view_get_n_rows (self->table) == 0)
    rl_table_view_show_message (self->table, "content-loading-symbolic", _("Reading the Work Queue…"), NULL);
  rl_page_load (page, _("Reading the work queue from the server…"), queue_load, queue_apply,
                GINT_TO_POINTER (is_supervisor (session) && self->examiners == NULL), NULL,
                (GDestroyNotify) queue_load_free);
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
  GCancellable *cancellable = g_object_get_data (G_OBJECT (window), "rl-open-cancellable");

  /* A review still being read from the server is not wanted any more. */
  if (cancellable)
    g_cancellable_cancel (cancellable);
  rl_page_reload (RL_PAGE (self));
  return FALSE;
}

/* A window for one review: the examiner keeps the queue at hand beside it.
 * Its content is a load bar (opening from a server, or why it could not)
 * and then the review (review_window_set_view). */
static GtkWindow *
review_window_new (RlQueuePage *self,
                   gint64       search_id)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *load_bar = rl_load_bar_new ();
  g_autofree char *title = g_strdup_printf (_("Review of Search S-%06" G_GINT64_FORMAT), search_id);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (root)));
    }
  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_box_append (GTK_BOX (toolbar), load_bar);
  adw_window_set_content (ADW_WINDOW (window), toolbar);
  g_object_set_data (G_OBJECT (window), "rl-load-bar", load_bar);
  if (rl_store_is_remote (rl_session_get_store (rl_page_get_session (RL_PAGE (self)))))
    {
      /* Until the review arrives from the server: what is coming. */
      GtkWidget *waiting = adw_status_page_new ();
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_widget_set_size_request (spinner, 48, 48);
      gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
      gtk_spinner_start (GTK_SPINNER (spinner));
      adw_status_page_set_title (ADW_STATUS_PAGE (waiting), title);
      adw_status_page_set_description (ADW_STATUS_PAGE (waiting),
                                       _("The search, its candidates and the probe’s image are being read from "
                                         "the server. The work queue stays usable meanwhile."));
      adw_status_page_set_child (ADW_STATUS_PAGE (waiting), spinner);
      gtk_widget_set_vexpand (waiting, TRUE);
      gtk_box_append (GTK_BOX (toolbar), waiting);
      g_object_set_data (G_OBJECT (window), "rl-review-waiting", waiting);
    }
  g_object_set_data (G_OBJECT (window), "rl-review-box", toolbar);
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_review_closed), self, 0);
  rl_session_close_on_sign_out (rl_page_get_session (RL_PAGE (self)), GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
review_window_set_view (GtkWindow    *window,
                        RlReviewView *view)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (window), "rl-review-box");
  GtkWidget *waiting = g_object_get_data (G_OBJECT (window), "rl-review-waiting");

  if (waiting != NULL)
    {
      gtk_box_remove (GTK_BOX (box), waiting);
      g_object_set_data (G_OBJECT (window), "rl-review-waiting", NULL);
    }
  rl_load_bar_hide (g_object_get_data (G_OBJECT (window), "rl-load-bar"));
  gtk_widget_set_vexpand (GTK_WIDGET (view), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (view));
  g_object_set_data (G_OBJECT (window), "rl-review-view", view);
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
  GtkWindow *window;

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
  window = review_window_new (self, search_id);
  review_window_set_view (window, view);
  gtk_window_present (window);
  rl_page_reload (RL_PAGE (self));
  return view;
}

/* ---- opening a review without blocking the window (a server) ---------- */

typedef struct {
  gint64       search_id;
  RlUser      *user;        /* a copy: read in the worker */
  RlQueuePage *page;        /* held; only touched on the GUI thread */
  GtkWindow   *window;      /* the review's window on a server (weak), NULL on a file */
} OpenSearch;

static void
open_search_free (OpenSearch *open)
{
  g_clear_pointer (&open->user, rl_user_free);
  g_clear_object (&open->page);
  g_clear_weak_pointer (&open->window);
  g_free (open);
}

/* In a worker thread on a server: the search, claimed when it is pending
 * (other examiners no longer see it), and everything the review shows. */
static gpointer
open_search_load (RlStore *store, gpointer data, GError **error)
{
  OpenSearch *open = data;
  g_autoptr(RlSearch) search = rl_store_get_search (store, open->search_id, error);

  if (search == NULL)
    return NULL;
  if (search->status == RL_SEARCH_PENDING && search->claimed_by != open->user->id &&
      !rl_store_claim_search (store, open->search_id, error))
    return NULL;
  return rl_review_load (store, open->user, open->search_id, error);
}

static void start_open_search (RlQueuePage *self, gint64 search_id, GtkWindow *window);

static void
on_open_retry (RlLoadBar *bar, GtkWindow *window)
{
  RlQueuePage *page = g_object_get_data (G_OBJECT (window), "rl-queue-page");

  if (page != NULL)
    start_open_search (page, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (window), "rl-search-id")), window);
}

static void
open_search_apply (gpointer owner, gpointer result, const GError *error, gpointer data)
{
  OpenSearch *open = data;
  RlQueuePage *self = open->page;
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  RlReviewView *view;

  if (session == NULL)
    return;
  if (error != NULL)
    {
      if (open->window != NULL)
        {
          /* On a server: the window says why, with Retry. */
          GtkWidget *waiting = g_object_get_data (G_OBJECT (open->window), "rl-review-waiting");

          rl_load_bar_show_error (g_object_get_data (G_OBJECT (open->window), "rl-load-bar"), error->message);
          if (waiting != NULL)
            {
              adw_status_page_set_title (ADW_STATUS_PAGE (waiting), _("Cannot Open the Search"));
              adw_status_page_set_description (ADW_STATUS_PAGE (waiting), NULL);
              gtk_widget_set_visible (adw_status_page_get_child (ADW_STATUS_PAGE (waiting)), FALSE);
            }
        }
      else
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                      _("Cannot Open the Search"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      rl_page_reload (RL_PAGE (self));
      rl_session_check_server_session (session);
      return;
    }
  view = rl_review_view_new_from_load (session, result);
  if (open->window != NULL)
    review_window_set_view (open->window, view);
  else
    {
      GtkWindow *window = review_window_new (self, open->search_id);

      review_window_set_view (window, view);
      gtk_window_present (window);
    }
  rl_page_reload (RL_PAGE (self));
}

/* window: the review's window on a server, already shown with its load
 * bar (a retry: the same one); NULL to make one. */
static void
start_open_search (RlQueuePage *self,
                   gint64       search_id,
                   GtkWindow   *window)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  RlStore *store = rl_session_get_store (session);
  OpenSearch *open = g_new0 (OpenSearch, 1);
  g_autoptr(GCancellable) cancellable = rl_session_new_cancellable (session);
  GObject *owner = G_OBJECT (self);

  open->search_id = search_id;
  open->user = rl_user_copy (rl_session_get_user (session));
  open->page = g_object_ref (self);
  if (rl_store_is_remote (store))
    {
      /* The window opens at once and says the review is on its way; the
       * queue stays usable meanwhile. Closing it cancels the reading. */
      if (window == NULL)
        {
          RlLoadBar *bar;

          window = review_window_new (self, search_id);
          bar = g_object_get_data (G_OBJECT (window), "rl-load-bar");
          g_object_set_data (G_OBJECT (window), "rl-queue-page", self);
          g_object_set_data (G_OBJECT (window), "rl-search-id", GSIZE_TO_POINTER ((gsize) search_id));
          g_signal_connect_object (bar, "retry", G_CALLBACK (on_open_retry), window, 0);
          gtk_window_present (window);
        }
      {
        g_autofree char *text = g_strdup_printf (_("Opening search S-%06" G_GINT64_FORMAT " from the server…"),
                                                 search_id);
        GtkWidget *waiting = g_object_get_data (G_OBJECT (window), "rl-review-waiting");

        rl_load_bar_show_loading (g_object_get_data (G_OBJECT (window), "rl-load-bar"), text);
        if (waiting != NULL)
          {
            g_autofree char *title = g_strdup_printf (_("Review of Search S-%06" G_GINT64_FORMAT), search_id);

            adw_status_page_set_title (ADW_STATUS_PAGE (waiting), title);
            gtk_widget_set_visible (adw_status_page_get_child (ADW_STATUS_PAGE (waiting)), TRUE);
          }
      }
      g_object_set_data_full (G_OBJECT (window), "rl-open-cancellable", g_object_ref (cancellable), g_object_unref);
      g_set_weak_pointer (&open->window, window);
      owner = G_OBJECT (window);
    }
  rl_store_load_async (store, owner, cancellable, open_search_load, open_search_apply, open,
                       (GDestroyNotify) open_search_free, (GDestroyNotify) rl_review_load_free);
}

void
rl_queue_page_open_search_async (RlQueuePage *self,
                                 gint64       search_id)
{
  g_return_if_fail (RL_IS_QUEUE_PAGE (self));
  g_return_if_fail (rl_page_get_session (RL_PAGE (self)) != NULL);

  start_open_search (self, search_id, NULL);
}

static void
on_row_activate (GtkColumnView *column_view,
                 guint          position,
                 RlQueuePage   *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_autoptr(RlTextRow) row = g_list_model_get_item (model, position);
  gint64 search_id = row ? row_search_id (row) : 0;

  if (search_id == 0)
    return;
  rl_queue_page_open_search_async (self, search_id);
}

gboolean
rl_queue_page_assign_search (RlQueuePage *self,
                             gint64       search_id,
                             gint64       examiner_id,
                             GError     **error)
{
  RlSession *session;

  g_return_val_if_fail (RL_IS_QUEUE_PAGE (self), FALSE);
  session = rl_page_get_session (RL_PAGE (self));
  g_return_val_if_fail (session != NULL, FALSE);

  if (!rl_store_assign_search (rl_session_get_store (session), search_id, examiner_id, error))
    return FALSE;
  rl_page_reload (RL_PAGE (self));
  return TRUE;
}

static gint64
selected_search_id (RlQueuePage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (rl_table_view_get_column_view (self->table));
  gpointer row = GTK_IS_SINGLE_SELECTION (model)
                 ? gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model)) : NULL;

  return row ? row_search_id (RL_TEXT_ROW (row)) : 0;
}

static void
show_message (RlQueuePage *self,
              const char  *title,
              const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, title, text);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
assign_selected (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RlQueuePage *self = RL_QUEUE_PAGE (widget);
  guint chosen = gtk_drop_down_get_selected (self->examiner_dropdown);
  gint64 search_id = selected_search_id (self);
  g_autoptr(GError) error = NULL;
  RlUser *examiner;

  if (search_id == 0)
    {
      show_message (self, _("No Search Selected"), _("Select the search to assign in the list first."));
      return;
    }
  if (self->examiners == NULL || chosen == GTK_INVALID_LIST_POSITION || chosen >= self->examiners->len)
    {
      show_message (self, _("No Examiner Chosen"), _("Choose the examiner to assign the search to."));
      return;
    }
  examiner = g_ptr_array_index (self->examiners, chosen);
  if (!rl_queue_page_assign_search (self, search_id, examiner->id, &error))
    show_message (self, _("Cannot Assign the Search"), error->message);
  else
    {
      g_autofree char *text = g_strdup_printf (_("Search S-%06" G_GINT64_FORMAT " assigned to %s"),
                                               search_id, examiner->display_name);
      rl_table_view_set_status (self->table, "emblem-ok-symbolic", text, "success");
    }
}

static void
rl_queue_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RlQueuePage *self = RL_QUEUE_PAGE (object);

  if (prop_id == PROP_DISPUTED_ONLY)
    g_value_set_boolean (value, self->disputed_only);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
rl_queue_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  RlQueuePage *self = RL_QUEUE_PAGE (object);

  if (prop_id != PROP_DISPUTED_ONLY)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (self->disputed_only != g_value_get_boolean (value))
    {
      self->disputed_only = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
      if (rl_page_get_session (RL_PAGE (self)) != NULL)
        rl_page_reload (RL_PAGE (self));
    }
}

static void
rl_queue_page_finalize (GObject *object)
{
  g_clear_pointer (&RL_QUEUE_PAGE (object)->examiners, g_ptr_array_unref);
  G_OBJECT_CLASS (rl_queue_page_parent_class)->finalize (object);
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
  object_class->finalize = rl_queue_page_finalize;
  object_class->get_property = rl_queue_page_get_property;
  object_class->set_property = rl_queue_page_set_property;
  page_class->reload = rl_queue_page_reload;
  page_class->remote_ready = TRUE;

  properties[PROP_DISPUTED_ONLY] = g_param_spec_boolean ("disputed-only", NULL, NULL, FALSE,
                                                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                         G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_install_property_action (widget_class, "queue.disputed-only", "disputed-only");
  gtk_widget_class_install_action (widget_class, "queue.assign", NULL, assign_selected);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "queue.disputed-only", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "queue.assign", NULL);

  g_type_ensure (RL_TYPE_TABLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, table);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, supervisor_bar);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, examiner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, agency_filter);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, priority_filter);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, quality_filter);
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, age_filter);
  gtk_widget_class_set_css_name (widget_class, "rl-queue-page");
}

static void
on_filter_changed (RlQueuePage *self)
{
  if (!self->filling && rl_page_get_session (RL_PAGE (self)) != NULL)
    rl_page_reload (RL_PAGE (self));
}

static void
set_choices (RlQueuePage *self, GtkDropDown *dropdown, const char *const *choices)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (choices);

  self->filling = TRUE;
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  self->filling = FALSE;
  g_signal_connect_swapped (dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
}

static void
rl_queue_page_init (RlQueuePage *self)
{
  /* in the order of the PRIORITY_, QUALITY_ and AGE_ enums */
  const char *priorities[] = { _("Any priority"), _("Urgent (1–2)"), _("Normal (3)"), _("Low (4–5)"), NULL };
  const char *qualities[] = { _("Any quality"), _("Poor (below 40)"), _("Fair (40–59)"), _("Good (60 and up)"), NULL };
  const char *ages[] = { _("Any age"), _("Last 24 hours"), _("Last 7 days"), _("Waiting over a day"),
                         _("Waiting over a week"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  set_choices (self, self->priority_filter, priorities);
  set_choices (self, self->quality_filter, qualities);
  set_choices (self, self->age_filter, ages);
  g_signal_connect_swapped (self->agency_filter, "notify::selected", G_CALLBACK (on_filter_changed), self);

  rl_searches_table_add_columns (self->table);
  g_signal_connect (rl_table_view_get_column_view (self->table), "activate", G_CALLBACK (on_row_activate), self);
}
