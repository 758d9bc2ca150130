/* rl-import-dialog.c — bulk import with a progress dialog. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-import-dialog.h"
#include "rl-import.h"
#include "rl-remote.h"
#include "rl-store.h"

/* Rows beyond this are summarised: a list of 100,000 imported files helps
 * nobody, the rejected ones are what a person needs to see. */
#define MAX_RESULT_ROWS 500

struct _RlImportDialog {
  AdwWindow     parent_instance;

  char         *workspace;
  gint64        user_id;
  /* On a server workspace: a connection of the window's session for the
   * import thread (rl_remote_open_another); the files go to the server. */
  RlStore      *remote;
  GPtrArray    *paths;          /* char*: what the user chose */
  GCancellable *cancellable;
  gboolean      running;
  gboolean      done;
  guint         n_files;
  guint         n_done;
  guint         n_imported;
  guint         n_skipped;
  guint         n_rejected;
  guint         n_samples;
  guint         n_rows;
  gint64        started_at;

  /* template children */
  GtkButton      *cancel_button;
  GtkButton      *import_button;
  GtkButton      *add_files_button;
  GtkButton      *add_folder_button;
  GtkLabel       *chosen_label;
  GtkProgressBar *progress;
  GtkLabel       *status_label;
  GtkListBox     *results_list;
  GtkLabel       *summary_label;
};

G_DEFINE_FINAL_TYPE (RlImportDialog, rl_import_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum {
  FILE_IMPORTED,
  FILE_SKIPPED,
  FILE_REJECTED,
} FileOutcome;

/* What the worker reports to the main thread after each file. */
typedef struct {
  RlImportDialog *self;
  char           *path;
  FileOutcome     outcome;
  char           *message;     /* why rejected, or notes; may be NULL */
  guint           n_samples;
} FileReport;

static void
file_report_free (FileReport *report)
{
  g_object_unref (report->self);
  g_free (report->path);
  g_free (report->message);
  g_free (report);
}

static void
update_chosen (RlImportDialog *self)
{
  g_autofree char *text = NULL;

  if (self->paths->len == 0)
    text = g_strdup (_("Nothing chosen yet"));
  else if (self->paths->len == 1)
    text = g_path_get_basename (self->paths->pdata[0]);
  else
    text = g_strdup_printf (ngettext ("%u file or folder", "%u files or folders", self->paths->len),
                            self->paths->len);
  gtk_label_set_text (self->chosen_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), self->paths->len > 0 && !self->running && !self->done);
}

static void
update_controls (RlImportDialog *self)
{
  gboolean idle = !self->running && !self->done;

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_files_button), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_folder_button), idle);
  gtk_button_set_label (self->cancel_button, self->done ? _("_Close") : _("_Cancel"));
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), !self->done);
  update_chosen (self);
}

static void
add_result_row (RlImportDialog *self, const char *path, FileOutcome outcome, const char *message)
{
  GtkWidget *row;
  GtkWidget *icon;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *escaped_name = g_markup_escape_text (name, -1);
  g_autofree char *escaped_message = message ? g_markup_escape_text (message, -1) : NULL;

  if (self->n_rows == MAX_RESULT_ROWS)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Further files are counted in the summary only"));
      gtk_list_box_append (self->results_list, row);
    }
  if (self->n_rows++ >= MAX_RESULT_ROWS)
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_name);
  if (escaped_message)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_message);
  switch (outcome)
    {
    case FILE_IMPORTED:
      icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (icon, "success");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Imported"), -1);
      break;
    case FILE_SKIPPED:
      icon = gtk_image_new_from_icon_name ("media-skip-forward-symbolic");
      gtk_widget_add_css_class (icon, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Skipped: imported before"), -1);
      break;
    case FILE_REJECTED:
    default:
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rejected"), -1);
      break;
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_append (self->results_list, row);
}

static gboolean
on_file_report (gpointer data)
{
  FileReport *report = data;
  RlImportDialog *self = report->self;
  g_autofree char *status = NULL;
  g_autofree char *name = g_path_get_basename (report->path);

  self->n_done++;
  switch (report->outcome)
    {
    case FILE_IMPORTED:
      self->n_imported++;
      self->n_samples += report->n_samples;
      break;
    case FILE_SKIPPED:
      self->n_skipped++;
      break;
    case FILE_REJECTED:
    default:
      self->n_rejected++;
      break;
    }
  /* Rejections and notes matter; a plain success is only counted. */
  if (report->outcome == FILE_REJECTED || report->message != NULL)
    add_result_row (self, report->path, report->outcome, report->message);

  if (self->n_files > 0)
    gtk_progress_bar_set_fraction (self->progress, (double) self->n_done / self->n_files);
  status = g_strdup_printf (_("%u of %u — %s"), self->n_done, self->n_files, name);
  gtk_progress_bar_set_text (self->progress, status);
  return G_SOURCE_REMOVE;
}

static gboolean
on_file_count (gpointer data)
{
  FileReport *report = data;

  report->self->n_files = report->n_samples;
  if (report->n_samples == 0)
    gtk_label_set_text (report->self->status_label, _("No files Ridgeline can import were found"));
  else
    gtk_label_set_text (report->self->status_label, _("Importing…"));
  return G_SOURCE_REMOVE;
}

static void
post (RlImportDialog *self, GSourceFunc func, const char *path, FileOutcome outcome, char *message, guint n)
{
  FileReport *report = g_new0 (FileReport, 1);

  report->self = g_object_ref (self);
  report->path = g_strdup (path ? path : "");
  report->outcome = outcome;
  report->message = message;
  report->n_samples = n;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, func, report, (GDestroyNotify) file_report_free);
}

static char *
join_notes (GPtrArray *notes)
{
  if (notes == NULL || notes->len == 0)
    return NULL;
  g_ptr_array_add (notes, NULL);
  {
    char *joined = g_strjoinv ("; ", (char **) notes->pdata);
    g_ptr_array_remove_index (notes, notes->len - 1);
    return joined;
  }
}

static void import_files (GTask *task, RlImportDialog *self, RlStore *store, char **paths,
                          GCancellable *cancellable);

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RlImportDialog *self = source_object;
  char **paths = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;

  /* A connection of its own: SQLite connections are not shared across
   * threads. On a server the dialog's own connection to it (the server acts
   * for the signed-in user). */
  if (self->remote != NULL)
    store = NULL;
  else if ((store = rl_store_open (self->workspace, &error)) == NULL ||
           (self->user_id != 0 && !rl_store_set_actor (store, self->user_id, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  import_files (task, self, self->remote ? self->remote : store, paths, cancellable);
}

static void
import_files (GTask        *task,
              RlImportDialog *self,
              RlStore      *store,
              char        **paths,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GHashTable) history = NULL;
  RlImportOptions options = { 0 };

  if (!(history = rl_import_load_history (store, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  options.imported = history;
  options.make_template = rl_import_extract_template;

  files = rl_import_collect_files ((const char *const *) paths);
  post (self, on_file_count, NULL, FILE_IMPORTED, NULL, files->len);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      RlImportResult result = { 0 };
      g_autoptr(GError) local = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        post (self, on_file_report, path, FILE_REJECTED, g_strdup (_("No such file or folder")), 0);
      else if (!rl_import_file (store, path, &options, &result, &local))
        post (self, on_file_report, path, FILE_REJECTED, g_strdup (local->message), 0);
      else if (result.skipped)
        post (self, on_file_report, path, FILE_SKIPPED, NULL, 0);
      else
        post (self, on_file_report, path, FILE_IMPORTED, join_notes (result.notes), result.n_samples);
      rl_import_result_clear (&result);
    }
  g_task_return_boolean (task, TRUE);
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RlImportDialog *self = RL_IMPORT_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  double seconds = (g_get_monotonic_time () - self->started_at) / 1e6;
  gboolean cancelled = g_cancellable_is_cancelled (self->cancellable);

  g_task_propagate_boolean (G_TASK (result), &error);
  self->running = FALSE;
  self->done = TRUE;

  if (error != NULL)
    summary = g_strdup_printf (_("The import could not start: %s"), error->message);
  else
    summary = g_strdup_printf (_("%s%u imported (%u prints), %u skipped as imported before, %u rejected, in %.1f s."),
                               cancelled ? _("Cancelled. ") : "",
                               self->n_imported, self->n_samples, self->n_skipped, self->n_rejected, seconds);
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->status_label, cancelled ? _("Cancelled: files already imported are kept whole")
                                                    : error ? _("Nothing was imported") : _("Done"));
  if (!cancelled && error == NULL)
    gtk_progress_bar_set_fraction (self->progress, 1.0);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

void
rl_import_dialog_start (RlImportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  char **paths;

  g_return_if_fail (RL_IS_IMPORT_DIALOG (self));

  if (self->running || self->done || self->paths->len == 0)
    return;
  self->running = TRUE;
  self->started_at = g_get_monotonic_time ();
  g_ptr_array_add (self->paths, NULL);
  paths = g_strdupv ((char **) self->paths->pdata);
  g_ptr_array_remove_index (self->paths, self->paths->len - 1);

  gtk_label_set_text (self->status_label, _("Looking for files…"));
  gtk_progress_bar_set_fraction (self->progress, 0);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  task = g_task_new (self, self->cancellable, import_done, NULL);
  g_task_set_source_tag (task, rl_import_dialog_start);
  g_task_set_task_data (task, paths, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, import_thread);
}

void
rl_import_dialog_cancel (RlImportDialog *self)
{
  g_return_if_fail (RL_IS_IMPORT_DIALOG (self));

  if (self->running)
    {
      gtk_label_set_text (self->status_label, _("Cancelling after the current file…"));
      g_cancellable_cancel (self->cancellable);
    }
  else
    gtk_window_close (GTK_WINDOW (self));
}

void
rl_import_dialog_add_path (RlImportDialog *self, const char *path)
{
  g_return_if_fail (RL_IS_IMPORT_DIALOG (self));
  g_return_if_fail (path != NULL);

  if (self->running || self->done)
    return;
  g_ptr_array_add (self->paths, g_strdup (path));
  update_chosen (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  RlImportDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            rl_import_dialog_add_path (self, path);
        }
    }
  g_object_unref (chooser);
}

static void
choose (RlImportDialog *self, gboolean folder)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (folder ? _("Add a Folder of Prints") : _("Add Print Files"),
                                         GTK_WINDOW (self),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  if (!folder)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Transactions and print images"));
      for (const char *const *p = (const char *const[]) { "*.an2", "*.an2k", "*.eft", "*.ebts", "*.nist", "*.xml",
                                                          "*.wsq", "*.png", "*.jpg", "*.jpeg", "*.tif", "*.tiff",
                                                          "*.bmp", "*.pgm", NULL }; *p; p++)
        gtk_file_filter_add_pattern (filter, *p);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_add_files_clicked (RlImportDialog *self)
{
  choose (self, FALSE);
}

static void
on_add_folder_clicked (RlImportDialog *self)
{
  choose (self, TRUE);
}

static void
on_import_clicked (RlImportDialog *self)
{
  rl_import_dialog_start (self);
}

static void
on_cancel_clicked (RlImportDialog *self)
{
  rl_import_dialog_cancel (self);
}

static gboolean
rl_import_dialog_close_request (GtkWindow *window)
{
  RlImportDialog *self = RL_IMPORT_DIALOG (window);

  /* Closing while importing cancels after the current file: each file is
   * one transaction, so nothing is left half-imported. */
  if (self->running)
    {
      rl_import_dialog_cancel (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (rl_import_dialog_parent_class)->close_request (window);
}

static void
rl_import_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RlImportDialog *self = RL_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_import_dialog_finalize (GObject *object)
{
  RlImportDialog *self = RL_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->remote, rl_store_close);
  g_free (self->workspace);
  G_OBJECT_CLASS (rl_import_dialog_parent_class)->finalize (object);
}

static void
rl_import_dialog_class_init (RlImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->finalize = rl_import_dialog_finalize;
  object_class->get_property = rl_import_dialog_get_property;
  window_class->close_request = rl_import_dialog_close_request;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, add_files_button);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, add_folder_button);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, results_list);
  gtk_widget_class_bind_template_child (widget_class, RlImportDialog, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, on_add_files_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_css_name (widget_class, "importdialog");
}

static void
rl_import_dialog_init (RlImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  update_controls (self);
}

RlImportDialog *
rl_import_dialog_new (GtkWindow *parent, const char *workspace_path, gint64 user_id)
{
  RlImportDialog *self;

  g_return_val_if_fail (workspace_path != NULL, NULL);

  self = g_object_new (RL_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->workspace = g_strdup (workspace_path);
  self->user_id = user_id;
  return self;
}

RlImportDialog *
rl_import_dialog_new_for_store (GtkWindow *parent, RlStore *store, gint64 user_id, GError **error)
{
  RlImportDialog *self;
  RlStore *remote = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  /* Imports take longer than a page's request: the server extracts every
   * print and searches the new encounter before it answers. */
  if (rl_store_is_remote (store) && !(remote = rl_remote_open_another (store, 600, error)))
    return NULL;
  self = rl_import_dialog_new (parent, rl_store_get_path (store), user_id);
  self->remote = remote;
  if (remote)
    {
      g_autofree char *text = g_strdup_printf (_("Into the workspace on %s: choose files or folders of this "
                                                 "computer, then Import"), rl_remote_get_host (store));
      gtk_label_set_text (self->status_label, text);
    }
  return self;
}

gboolean
rl_import_dialog_get_running (RlImportDialog *self)
{
  g_return_val_if_fail (RL_IS_IMPORT_DIALOG (self), FALSE);
  return self->running;
}

guint
rl_import_dialog_get_n_imported (RlImportDialog *self)
{
  g_return_val_if_fail (RL_IS_IMPORT_DIALOG (self), 0);
  return self->n_imported;
}

guint
rl_import_dialog_get_n_skipped (RlImportDialog *self)
{
  g_return_val_if_fail (RL_IS_IMPORT_DIALOG (self), 0);
  return self->n_skipped;
}

guint
rl_import_dialog_get_n_rejected (RlImportDialog *self)
{
  g_return_val_if_fail (RL_IS_IMPORT_DIALOG (self), 0);
  return self->n_rejected;
}
