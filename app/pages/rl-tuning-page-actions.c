/* rl-tuning-page-actions.c — the Tuning page's commands and their keys.
 *
 * The page enables what the signed-in user's role and the selected
 * release's state allow, but the store has the last word (two-person rule,
 * supervisors only): whatever it refuses is shown in the banner in its own
 * words. Tuning and evaluation run in a thread on their own connection to
 * the workspace, so the window stays responsive. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-remote-pages.h"
#include "rl-tuning-page-private.h"
#include "rl-tuning.h"

/* A tuning run or an evaluation on its thread. Shared (reference counted)
 * by the GTask and by the progress reports on their way to the main thread.
 *
 * Each progress report waits on the worker until the main thread has shown
 * it (or the job was cancelled): the page shows where the work really is,
 * and a Cancel pressed while a report is shown is seen by the very next
 * check in rl_tuning_run, before anything is written. A few hundred round
 * trips to the main loop cost nothing next to scoring the pairs. */
struct _RlTuningJob {
  char          *path;
  gint64         user_id;
  gint64         release_id;    /* evaluate: this one; tune: 0 */
  char          *name;          /* tune: the draft's name, NULL for the default */
  guint          trials;        /* tune: settings tried, 0 for all */
  RlTuningSummary summary;
  RlTuningPage  *page;          /* strong: the task holds it too */
  RlSession     *session;       /* strong: signing out cancels the job */
  gulong         signed_in_id;
  GMainContext  *context;       /* the page's (main) context */
  GCancellable  *cancellable;
  GMutex         lock;
  GCond          shown;
  guint          posted, acked; /* progress reports sent / shown */
  gboolean       stop;          /* cancelled: reports are no longer waited for */
};
typedef struct _RlTuningJob Job;

static gboolean
is_supervisor (RlTuningPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  const RlUser *user = session ? rl_session_get_user (session) : NULL;

  return user && user->role == RL_ROLE_SUPERVISOR;
}

void
_rl_tuning_page_update_actions (RlTuningPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean supervisor = is_supervisor (self) && !self->busy;
  RlReleaseState state = self->selected ? self->selected->state : 0;
  gboolean has_report = self->selected && self->selected->metrics && self->selected->metrics[0] &&
                        g_strcmp0 (self->selected->metrics, "{}") != 0;

  gtk_widget_action_set_enabled (widget, "tuning.tune", supervisor);
  gtk_widget_action_set_enabled (widget, "tuning.evaluate", supervisor && (state == RL_RELEASE_DRAFT || state == RL_RELEASE_EVALUATED));
  gtk_widget_action_set_enabled (widget, "tuning.approve", supervisor && state == RL_RELEASE_EVALUATED);
  gtk_widget_action_set_enabled (widget, "tuning.reject", supervisor && state == RL_RELEASE_EVALUATED);
  gtk_widget_action_set_enabled (widget, "tuning.activate", supervisor && state == RL_RELEASE_APPROVED);
  gtk_widget_action_set_enabled (widget, "tuning.rollback", supervisor && state == RL_RELEASE_ACTIVE);
  gtk_widget_action_set_enabled (widget, "tuning.export", has_report && !self->busy);
  gtk_widget_action_set_enabled (widget, "tuning.cancel", (self->job != NULL && !g_cancellable_is_cancelled (self->job->cancellable)) ||
                                                          (self->remote_job != 0 && !self->remote_cancelling));
}

static GtkWindow *parent_window (RlTuningPage *self);
static void       present_dialog (RlTuningPage *self, GtkWidget *dialog);

/* ------------------------------------------------------------ tune, evaluate */


static void
job_clear (Job *job)
{
  g_free (job->path);
  g_free (job->name);
  g_clear_object (&job->page);
  g_clear_object (&job->session);
  g_main_context_unref (job->context);
  g_object_unref (job->cancellable);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->shown);
}

static void
job_unref (Job *job)
{
  g_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

typedef struct {
  Job   *job;
  double fraction;
  char  *what;
  guint  serial;
} Report;

static void
report_free (Report *report)
{
  job_unref (report->job);
  g_free (report->what);
  g_free (report);
}

/* Main thread: shows one report, then lets the worker go on. */
static gboolean
show_report (gpointer data)
{
  Report *report = data;
  Job *job = report->job;

  if (job->page->job == job && !g_cancellable_is_cancelled (job->cancellable))
    _rl_tuning_page_show_progress (job->page, report->fraction, report->what);
  g_mutex_lock (&job->lock);
  job->acked = MAX (job->acked, report->serial);
  g_cond_broadcast (&job->shown);
  g_mutex_unlock (&job->lock);
  return G_SOURCE_REMOVE;
}

/* Worker thread: rl_tuning's progress callback. */
static void
job_progress (double fraction, const char *what, gpointer data)
{
  Job *job = data;
  Report *report = g_new0 (Report, 1);
  guint serial;

  g_mutex_lock (&job->lock);
  serial = ++job->posted;
  g_mutex_unlock (&job->lock);
  report->job = g_rc_box_acquire (job);
  report->fraction = fraction;
  report->what = g_strdup (what);
  report->serial = serial;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, show_report, report, (GDestroyNotify) report_free);
  g_mutex_lock (&job->lock);
  while (job->acked < serial && !job->stop)
    g_cond_wait (&job->shown, &job->lock);
  g_mutex_unlock (&job->lock);
}

static void cancel_remote_job (RlTuningPage *self);

void
_rl_tuning_page_cancel_job (RlTuningPage *self)
{
  Job *job = self->job;

  if (self->remote_job != 0)
    cancel_remote_job (self);
  if (job == NULL)
    return;
  g_cancellable_cancel (job->cancellable);
  g_mutex_lock (&job->lock);
  job->stop = TRUE;
  g_cond_broadcast (&job->shown);
  g_mutex_unlock (&job->lock);
}

static void
job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(RlStore) store = rl_store_open (job->path, &error);
  RlTuningOptions options = { .name = job->name, .max_trials = job->trials,
                              .progress = job_progress, .progress_data = job, .cancellable = job->cancellable };

  /* Its own connection: the window's stays free for reading meanwhile. */
  if (store == NULL || !rl_store_set_actor (store, job->user_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->release_id == 0)
    {
      gint64 id = rl_tuning_run (store, &options, &job->summary, &error);
      if (id == 0)
        {
          g_task_return_error (task, error);
          return;
        }
      job->release_id = id;
    }
  else if (!rl_tuning_evaluate (store, job->release_id, &options, &job->summary, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* The user who started the job signed out: it stops (it acts in their
 * name), nothing is stored. */
static void
on_signed_in_changed (RlSession *session, GParamSpec *pspec, RlTuningPage *self)
{
  if (rl_session_get_user (session) == NULL && self->job != NULL)
    {
      _rl_tuning_page_cancel_job (self);
      _rl_tuning_page_update_actions (self);
    }
}

static void
job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RlTuningPage *self = RL_TUNING_PAGE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  gboolean tune = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;

  g_clear_signal_handler (&job->signed_in_id, job->session);
  if (self->job == job)
    self->job = NULL;
  _rl_tuning_page_set_busy (self, NULL);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _rl_tuning_page_show_toast (self, tune ? _("Tuning cancelled: no draft was stored")
                                                 : _("Evaluation cancelled: the release is unchanged"));
          _rl_tuning_page_refresh (self, 0);
          return;
        }
      g_autofree char *text = g_strdup_printf (tune ? _("Tuning failed: %s") : _("The evaluation failed: %s"),
                                               error->message);
      _rl_tuning_page_show_error (self, text);
      _rl_tuning_page_refresh (self, 0);
      return;
    }
  _rl_tuning_page_refresh (self, job->release_id);
  {
    g_autofree char *fixed = g_strdup_printf ("%u/%u", job->summary.n_false_matches_fixed + job->summary.n_missed_matches_fixed,
                                              job->summary.n_false_matches + job->summary.n_missed_matches);
    g_autofree char *text = g_strdup_printf (tune ? _("Draft %s tuned: %s corrections fixed, %u decisions broken")
                                                  : _("%s evaluated: %s corrections fixed, %u decisions broken"),
                                             self->selected ? self->selected->name : "", fixed, job->summary.n_broken);
    _rl_tuning_page_show_toast (self, text);
  }
}

/* ------------------------------------------- on a remote workspace */

/* The tuning or evaluation runs on the server (it scores thousands of pairs
 * on the server's cores, next to the workspace): the page starts it, polls
 * it twice a second for its progress, and may cancel it. */

static void
finish_remote_job (RlTuningPage *self, RlRemoteJob *job, const GError *error)
{
  gboolean tune = self->remote_tune;

  g_clear_handle_id (&self->remote_poll, g_source_remove);
  self->remote_job = 0;
  self->remote_cancelling = FALSE;
  _rl_tuning_page_set_busy (self, NULL);
  if (job == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Lost track of the server’s job: %s"), error->message);
      _rl_tuning_page_show_error (self, text);
      _rl_tuning_page_refresh (self, 0);
      return;
    }
  if (job->state == RL_REMOTE_JOB_CANCELLED)
    {
      _rl_tuning_page_show_toast (self, tune ? _("Tuning cancelled: no draft was stored")
                                             : _("Evaluation cancelled: the release is unchanged"));
      _rl_tuning_page_refresh (self, 0);
      return;
    }
  if (job->state == RL_REMOTE_JOB_INTERRUPTED)
    {
      g_autofree char *text = g_strdup_printf (tune ? _("Tuning interrupted: %s. No draft was stored; start it again.")
                                                    : _("The evaluation was interrupted: %s. The release is unchanged; start it again."),
                                               job->message ? job->message : _("the server stopped"));
      _rl_tuning_page_show_error (self, text);
      _rl_tuning_page_refresh (self, 0);
      return;
    }
  if (job->state == RL_REMOTE_JOB_FAILED)
    {
      g_autofree char *text = g_strdup_printf (tune ? _("Tuning failed: %s") : _("The evaluation failed: %s"),
                                               job->message ? job->message : "");
      _rl_tuning_page_show_error (self, text);
      _rl_tuning_page_refresh (self, 0);
      return;
    }
  _rl_tuning_page_refresh (self, job->release_id);
  {
    g_autofree char *fixed = g_strdup_printf ("%u/%u", job->summary.n_false_matches_fixed + job->summary.n_missed_matches_fixed,
                                              job->summary.n_false_matches + job->summary.n_missed_matches);
    g_autofree char *text = g_strdup_printf (tune ? _("Draft %s tuned: %s corrections fixed, %u decisions broken")
                                                  : _("%s evaluated: %s corrections fixed, %u decisions broken"),
                                             self->selected ? self->selected->name : "", fixed, job->summary.n_broken);
    _rl_tuning_page_show_toast (self, text);
  }
}

static void
show_remote_progress (RlTuningPage *self, const RlRemoteJob *job)
{
  if (self->remote_cancelling || job->cancelling)
    return;   /* the label says it is cancelling */
  _rl_tuning_page_show_progress (self, job->progress,
                                 job->stage ? job->stage : _("Waiting for the server to start…"));
}

static gboolean
poll_remote_job (gpointer data)
{
  RlTuningPage *self = data;
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(RlRemoteJob) job = NULL;

  if (session == NULL)
    {
      self->remote_poll = 0;
      self->remote_job = 0;
      return G_SOURCE_REMOVE;
    }
  job = rl_remote_get_job (rl_session_get_store (session), self->remote_job, &error);
  if (job != NULL && job->state == RL_REMOTE_JOB_RUNNING)
    {
      show_remote_progress (self, job);
      return G_SOURCE_CONTINUE;
    }
  self->remote_poll = 0;   /* removed by returning */
  finish_remote_job (self, job, error);
  return G_SOURCE_REMOVE;
}

static void
cancel_remote_job (RlTuningPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(RlRemoteJob) job = NULL;

  if (self->remote_cancelling || session == NULL || rl_session_get_store (session) == NULL)
    return;
  self->remote_cancelling = TRUE;
  /* The server stops it at its next step; the poll sees it end. */
  job = rl_remote_cancel_job (rl_session_get_store (session), self->remote_job, NULL);
}

static void
start_remote_job (RlTuningPage *self, RlStore *store, gint64 release_id, const char *name, guint trials)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlRemoteJob) job = release_id ? rl_remote_start_evaluation (store, release_id, &error)
                                          : rl_remote_start_tuning (store, name, trials, &error);

  if (job == NULL)
    {
      g_autofree char *text = g_strdup_printf (release_id == 0 ? _("Tuning failed: %s") : _("The evaluation failed: %s"),
                                               error->message);
      _rl_tuning_page_show_error (self, text);
      return;
    }
  self->remote_job = job->id;
  self->remote_tune = release_id == 0;
  self->remote_cancelling = FALSE;
  _rl_tuning_page_set_busy (self, release_id == 0
                            ? _("Tuning a draft release on the server: each setting scores the labelled pairs, then the draft is evaluated.")
                            : _("Evaluating on the server: scoring the labelled pairs and re-running past searches with both releases."));
  show_remote_progress (self, job);
  _rl_tuning_page_update_actions (self);
  self->remote_poll = g_timeout_add (500, poll_remote_job, self);
}

static void
start_job (RlTuningPage *self, gint64 release_id, const char *name, guint trials)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (session == NULL || rl_session_get_user (session) == NULL || self->busy)
    return;
  _rl_tuning_page_clear_message (self);
  if (rl_store_is_remote (rl_session_get_store (session)))
    {
      start_remote_job (self, rl_session_get_store (session), release_id, name, trials);
      return;
    }
  job = g_rc_box_new0 (Job);
  job->path = g_strdup (rl_session_get_path (session));
  job->user_id = rl_session_get_user (session)->id;
  job->release_id = release_id;
  job->name = name && name[0] ? g_strdup (name) : NULL;
  job->trials = trials;
  job->page = g_object_ref (self);
  job->session = g_object_ref (session);
  job->signed_in_id = g_signal_connect (session, "notify::signed-in", G_CALLBACK (on_signed_in_changed), self);
  job->context = g_main_context_ref_thread_default ();
  job->cancellable = g_cancellable_new ();
  g_mutex_init (&job->lock);
  g_cond_init (&job->shown);
  task = g_task_new (self, NULL, job_done, GINT_TO_POINTER (release_id == 0));
  g_task_set_task_data (task, job, (GDestroyNotify) job_unref);
  g_task_set_name (task, release_id == 0 ? "rl-tune" : "rl-evaluate");
  _rl_tuning_page_set_busy (self, release_id == 0
                            ? _("Tuning a draft release: each setting scores the labelled pairs, then the draft is evaluated.")
                            : _("Evaluating: scoring the labelled pairs and re-running past searches with both releases."));
  self->job = job;
  _rl_tuning_page_update_actions (self);
  g_task_run_in_thread (task, job_thread);
}

static void
cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);

  if (self->job == NULL && self->remote_job == 0)
    return;
  _rl_tuning_page_cancel_job (self);
  gtk_label_set_text (self->progress_label, _("Cancelling: stopping at the next step; nothing is stored."));
  _rl_tuning_page_update_actions (self);
}

static void
on_tune_response (AdwMessageDialog *dialog, const char *response, RlTuningPage *self)
{
  GtkDropDown *depth = g_object_get_data (G_OBJECT (dialog), "depth");
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "tune") != 0)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  /* Quick: the baseline and the first weights only; thorough: every setting. */
  start_job (self, 0, name, gtk_drop_down_get_selected (depth) == 1 ? 5 : 0);
}

static void
tune_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);
  GtkWidget *dialog, *box, *entry, *depth;
  const char *const depths[] = { N_("Thorough: every weight and tolerance (17 settings)"),
                                 N_("Quick: 5 settings"), NULL };
  g_autoptr(GtkStringList) depth_list = gtk_string_list_new (NULL);

  if (self->busy)
    return;
  for (guint i = 0; depths[i]; i++)
    gtk_string_list_append (depth_list, _(depths[i]));
  dialog = adw_message_dialog_new (parent_window (self), _("Tune a Draft Release?"),
                                   _("The draft is tuned from the examiners' corrections and conclusions and the workspace's own prints, starting from the active release, then evaluated on held-out impostor pairs. It must then be approved by another supervisor before it can be activated."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name (optional; default: tuned- and the date)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name of the draft"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  depth = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (depth_list)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (depth), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Settings to try"), -1);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), depth);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "tune", _("_Tune"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "tune", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "tune");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "depth", depth);
  g_signal_connect (dialog, "response", G_CALLBACK (on_tune_response), self);
  present_dialog (self, dialog);
  self->comment_entry = GTK_ENTRY (entry);
  gtk_widget_grab_focus (entry);
}

static void
evaluate_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);

  if (self->selected_id != 0)
    start_job (self, self->selected_id, NULL, 0);
}

/* ------------------------------------------------------------ review */

gboolean
_rl_tuning_page_review (RlTuningPage *self, gboolean approve, const char *comment)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 id = self->selected_id;

  if (session == NULL || id == 0)
    return FALSE;
  name = g_strdup (self->selected ? self->selected->name : "");
  _rl_tuning_page_clear_message (self);
  if (!rl_store_review_release (rl_session_get_store (session), id, approve, comment, &error))
    {
      g_autofree char *text = g_strdup_printf (approve ? _("Cannot approve %s: %s") : _("Cannot reject %s: %s"),
                                               name, error->message);
      _rl_tuning_page_show_error (self, text);
      return FALSE;
    }
  _rl_tuning_page_refresh (self, id);
  {
    g_autofree char *text = g_strdup_printf (approve ? _("%s approved") : _("%s rejected"), name);
    _rl_tuning_page_show_toast (self, text);
  }
  return TRUE;
}

static void
on_review_response (AdwMessageDialog *dialog, const char *response, RlTuningPage *self)
{
  g_autofree char *comment = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));

  if (g_strcmp0 (response, "approve") == 0 || g_strcmp0 (response, "reject") == 0)
    _rl_tuning_page_review (self, g_str_equal (response, "approve"), comment[0] ? comment : NULL);
}

static void
on_dialog_destroy (GtkWindow *dialog, RlTuningPage *self)
{
  if (self->dialog == dialog)
    {
      self->dialog = NULL;
      self->comment_entry = NULL;
    }
}

static GtkWindow *
parent_window (RlTuningPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
present_dialog (RlTuningPage *self, GtkWidget *dialog)
{
  if (self->dialog)
    gtk_window_destroy (self->dialog);
  self->dialog = GTK_WINDOW (dialog);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_dialog_destroy), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
review (RlTuningPage *self, gboolean approve)
{
  GtkWidget *dialog, *entry;
  g_autofree char *heading = NULL;

  if (self->selected == NULL)
    return;
  heading = g_strdup_printf (approve ? _("Approve %s?") : _("Reject %s?"), self->selected->name);
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   approve ? _("An approved release can then be activated: new searches will use it. You cannot approve a release you made yourself.")
                                           : _("A rejected release is never activated. Say what is wrong so that the author can tune again."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), approve ? _("Comment (what you checked)") : _("Why it is rejected"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Review comment"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), NULL);
  if (approve)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "approve", _("_Approve"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "approve");
    }
  else
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "reject", _("_Reject"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reject", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reject");
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_review_response), self);
  present_dialog (self, dialog);
  self->comment_entry = GTK_ENTRY (entry);
  gtk_widget_grab_focus (entry);
}

static void
approve_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  review (RL_TUNING_PAGE (widget), TRUE);
}

static void
reject_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  review (RL_TUNING_PAGE (widget), FALSE);
}

/* ------------------------------------------------------------ activate, roll back */

static void
activate_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 id = self->selected_id;

  if (session == NULL || id == 0)
    return;
  name = g_strdup (self->selected ? self->selected->name : "");
  _rl_tuning_page_clear_message (self);
  if (!rl_store_activate_release (rl_session_get_store (session), id, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot activate %s: %s"), name, error->message);
      _rl_tuning_page_show_error (self, text);
      return;
    }
  _rl_tuning_page_refresh (self, id);
  {
    g_autofree char *text = g_strdup_printf (_("%s is active: new searches use it"), name);
    _rl_tuning_page_show_toast (self, text);
  }
}

gboolean
_rl_tuning_page_rollback (RlTuningPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;
  gint64 back;

  if (session == NULL)
    return FALSE;
  _rl_tuning_page_clear_message (self);
  if (!(back = rl_store_rollback_release (rl_session_get_store (session), &error)))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot roll back: %s"), error->message);
      _rl_tuning_page_show_error (self, text);
      return FALSE;
    }
  _rl_tuning_page_refresh (self, back);
  {
    g_autofree char *text = g_strdup_printf (_("Rolled back: %s is active again"), self->selected ? self->selected->name : "");
    _rl_tuning_page_show_toast (self, text);
  }
  return TRUE;
}

static void
on_rollback_response (AdwMessageDialog *dialog, const char *response, RlTuningPage *self)
{
  if (g_strcmp0 (response, "rollback") == 0)
    _rl_tuning_page_rollback (self);
}

static void
rollback_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  if (self->selected == NULL)
    return;
  body = g_strdup_printf (_("%s is retired and the release active before it is reactivated. New searches use that one at once; searches already made keep their results."),
                          self->selected->name);
  dialog = adw_message_dialog_new (parent_window (self), _("Roll Back the Active Release?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "rollback", _("_Roll Back"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rollback", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_rollback_response), self);
  present_dialog (self, dialog);
}

/* ------------------------------------------------------------ export */

gboolean
_rl_tuning_page_export_to (RlTuningPage *self, const char *path)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  g_autoptr(GError) error = NULL;

  if (session == NULL || self->selected_id == 0)
    return FALSE;
  if (!rl_tuning_write_report_pdf (rl_session_get_store (session), self->selected_id, path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot export the report: %s"), error->message);
      _rl_tuning_page_show_error (self, text);
      return FALSE;
    }
  {
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *text = g_strdup_printf (_("Report saved as %s"), base);
    _rl_tuning_page_show_toast (self, text);
  }
  return TRUE;
}

static void
on_export_response (GtkNativeDialog *chooser, int response, RlTuningPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        _rl_tuning_page_export_to (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTuningPage *self = RL_TUNING_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->selected == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export the Evaluation Report"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = g_strdup_printf (_("release-%s-report.pdf"), self->selected->name);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
dismiss_message_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  _rl_tuning_page_clear_message (RL_TUNING_PAGE (widget));
}

void
_rl_tuning_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "tuning.tune", NULL, tune_activated);
  gtk_widget_class_install_action (widget_class, "tuning.evaluate", NULL, evaluate_activated);
  gtk_widget_class_install_action (widget_class, "tuning.approve", NULL, approve_activated);
  gtk_widget_class_install_action (widget_class, "tuning.reject", NULL, reject_activated);
  gtk_widget_class_install_action (widget_class, "tuning.activate", NULL, activate_activated);
  gtk_widget_class_install_action (widget_class, "tuning.rollback", NULL, rollback_activated);
  gtk_widget_class_install_action (widget_class, "tuning.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "tuning.dismiss-message", NULL, dismiss_message_activated);
  gtk_widget_class_install_action (widget_class, "tuning.cancel", NULL, cancel_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "tuning.tune", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "tuning.evaluate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "tuning.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "tuning.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "tuning.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "tuning.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "tuning.rollback", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "tuning.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "tuning.cancel", NULL);
}
