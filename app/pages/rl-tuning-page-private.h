/* rl-tuning-page-private.h — what rl-tuning-page.c and rl-tuning-page-actions.c share. */
#pragma once

#include "rl-release-view.h"
#include "rl-tuning-page.h"

G_BEGIN_DECLS

struct _RlTuningPage {
  RlPage parent_instance;

  gint64            selected_id;
  RlMatcherRelease *selected;      /* as read at the last reload */
  gboolean          busy;
  gboolean          filling;       /* list being rebuilt: no selection handling */
  GtkWindow        *dialog;        /* the open confirmation or comment dialog */
  GtkEntry         *comment_entry; /* the open dialog's text: comment or name */
  struct _RlTuningJob *job;        /* the tuning or evaluation running, NULL none */
  /* On a remote workspace the job runs on the server: its id, polled. */
  gint64            remote_job;
  gboolean          remote_tune;
  gboolean          remote_cancelling;
  guint             remote_poll;

  /* template children */
  AdwToastOverlay *toasts;
  GtkRevealer     *message_revealer;
  GtkLabel        *message_label;
  GtkListBox      *list;
  GtkSpinner      *spinner;
  GtkLabel        *busy_label;
  GtkBox          *progress_box;
  GtkProgressBar  *progress_bar;
  GtkLabel        *progress_label;
  GtkButton       *cancel_button;
  GtkLabel        *count_label;
  RlReleaseView   *view;
};

/* Re-reads the releases and selects release_id (0: keep the selection). */
void     _rl_tuning_page_refresh         (RlTuningPage *self, gint64 release_id);
/* A refusal or failure in the banner (stays until dismissed or the next action). */
void     _rl_tuning_page_show_error      (RlTuningPage *self, const char *text);
void     _rl_tuning_page_show_toast      (RlTuningPage *self, const char *text);
void     _rl_tuning_page_clear_message   (RlTuningPage *self);
void     _rl_tuning_page_update_actions  (RlTuningPage *self);
void     _rl_tuning_page_set_busy        (RlTuningPage *self, const char *text);
/* The running job's progress (main thread); text: what it is doing. */
void     _rl_tuning_page_show_progress   (RlTuningPage *self, double fraction, const char *text);
/* Stops the running job, if any (Cancel, or the page going away). */
void     _rl_tuning_page_cancel_job      (RlTuningPage *self);
/* The actions' work without their dialogs (the dialogs call these). */
gboolean _rl_tuning_page_review          (RlTuningPage *self, gboolean approve, const char *comment);
gboolean _rl_tuning_page_rollback        (RlTuningPage *self);
gboolean _rl_tuning_page_export_to       (RlTuningPage *self, const char *path);
void     _rl_tuning_page_class_actions_init (GtkWidgetClass *widget_class);

G_END_DECLS
