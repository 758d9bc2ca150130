/* rl-tuning-page.c — the supervisor's tuning workspace: matcher releases and
 * the selected release's evaluation report. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-tuning-page-private.h"
#include "rl-format.h"

G_DEFINE_FINAL_TYPE (RlTuningPage, rl_tuning_page, RL_TYPE_PAGE)

static const char *
state_css (RlReleaseState state)
{
  switch (state)
    {
    case RL_RELEASE_DRAFT: return "release-draft";
    case RL_RELEASE_EVALUATED: return "release-evaluated";
    case RL_RELEASE_APPROVED: return "release-approved";
    case RL_RELEASE_REJECTED: return "release-rejected";
    case RL_RELEASE_ACTIVE: return "release-active";
    default: return "release-retired";
    }
}

/* One release in the list: name and state, who made it and when, who
 * reviewed it. */
static GtkWidget *
release_row_new (const RlMatcherRelease *release, GHashTable *names)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (release->name);
  GtkWidget *state = gtk_label_new (rl_release_state_to_label (release->state));
  const char *author = release->author_id ? g_hash_table_lookup (names, &release->author_id) : _("Ridgeline");
  g_autofree char *created = rl_format_time (release->created_at);
  g_autofree char *line = g_strdup_printf (_("%s · %s"), author ? author : "?", created);
  GtkWidget *sub = gtk_label_new (line);
  g_autofree char *accessible = NULL;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (state, "release-state");
  gtk_widget_add_css_class (state, state_css (release->state));
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), state);
  gtk_box_append (GTK_BOX (box), top);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_box_append (GTK_BOX (box), sub);
  if (release->approver_id)
    {
      const char *who = g_hash_table_lookup (names, &release->approver_id);
      g_autofree char *when = rl_format_time (release->reviewed_at);
      g_autofree char *text = g_strdup_printf (release->state == RL_RELEASE_REJECTED ? _("Rejected by %s · %s")
                                                                                     : _("Approved by %s · %s"),
                                               who ? who : "?", when);
      GtkWidget *reviewed = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (reviewed), 0);
      gtk_label_set_ellipsize (GTK_LABEL (reviewed), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (reviewed, "caption");
      gtk_widget_add_css_class (reviewed, "dim-label");
      gtk_box_append (GTK_BOX (box), reviewed);
    }
  if (release->activated_at)
    {
      g_autofree char *when = rl_format_time (release->activated_at);
      g_autofree char *text = g_strdup_printf (_("Activated %s"), when);
      GtkWidget *activated = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (activated), 0);
      gtk_widget_add_css_class (activated, "caption");
      gtk_widget_add_css_class (activated, "dim-label");
      gtk_box_append (GTK_BOX (box), activated);
    }
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  accessible = g_strdup_printf (_("%s, %s, by %s"), release->name, rl_release_state_to_label (release->state),
                                author ? author : "?");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (row), "release-id", g_memdup2 (&release->id, sizeof release->id), g_free);
  return row;
}

static gint64
row_release_id (GtkListBoxRow *row)
{
  gint64 *id = row ? g_object_get_data (G_OBJECT (row), "release-id") : NULL;
  return id ? *id : 0;
}

/* Shows the release selected in the list, read afresh. */
static void
show_selected (RlTuningPage *self)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  gint64 id = row_release_id (row);

  g_clear_pointer (&self->selected, rl_matcher_release_free);
  self->selected_id = id;
  if (id != 0 && session != NULL)
    self->selected = rl_store_get_release (rl_session_get_store (session), id, NULL);
  rl_release_view_set_release (self->view, session, self->selected);
  _rl_tuning_page_update_actions (self);
}

static void
on_row_selected (GtkListBox    *list,
                 GtkListBoxRow *row,
                 RlTuningPage  *self)
{
  if (self->filling)
    return;
  if (row_release_id (row) != self->selected_id || self->selected == NULL)
    show_selected (self);
}

void
_rl_tuning_page_refresh (RlTuningPage *self, gint64 release_id)
{
  RlSession *session = rl_page_get_session (RL_PAGE (self));
  RlStore *store;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *count = NULL;
  GtkWidget *child, *select = NULL;
  gint64 wanted = release_id ? release_id : self->selected_id;

  /* list NULL: disposed while a tuning ran */
  if (session == NULL || rl_session_get_user (session) == NULL || self->list == NULL)
    return;
  store = rl_session_get_store (session);
  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  if (!(releases = rl_store_list_releases (store, &error)) || !(users = rl_store_list_users (store, &error)))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot read the matcher releases: %s"), error->message);
      self->filling = FALSE;
      _rl_tuning_page_show_error (self, text);
      rl_release_view_set_release (self->view, session, NULL);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *user = g_ptr_array_index (users, i);
      g_hash_table_insert (names, &user->id, user->display_name);
    }
  for (guint i = 0; i < releases->len; i++)
    {
      const RlMatcherRelease *release = g_ptr_array_index (releases, i);
      GtkWidget *row = release_row_new (release, names);

      gtk_list_box_append (self->list, row);
      /* the wanted one, else the first needing attention, else the newest */
      if (release->id == wanted || (select == NULL && i == 0))
        select = row;
    }
  count = g_strdup_printf (ngettext ("%u release", "%u releases", releases->len), releases->len);
  gtk_label_set_text (self->count_label, count);
  gtk_list_box_select_row (self->list, select ? GTK_LIST_BOX_ROW (select) : NULL);
  self->filling = FALSE;
  show_selected (self);
}

static void
rl_tuning_page_reload (RlPage    *page,
                       RlSession *session)
{
  _rl_tuning_page_refresh (RL_TUNING_PAGE (page), 0);
}

/* ------------------------------------------------------------ messages */

void
_rl_tuning_page_show_error (RlTuningPage *self, const char *text)
{
  if (self->message_label == NULL)
    return;
  gtk_label_set_text (self->message_label, text);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
}

void
_rl_tuning_page_clear_message (RlTuningPage *self)
{
  if (self->message_label == NULL)
    return;
  gtk_label_set_text (self->message_label, "");
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
}

void
_rl_tuning_page_show_toast (RlTuningPage *self, const char *text)
{
  AdwToast *toast;

  if (self->toasts == NULL)
    return;
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
_rl_tuning_page_set_busy (RlTuningPage *self, const char *text)
{
  self->busy = text != NULL;
  if (self->spinner == NULL)
    return;
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_label_set_text (self->busy_label, text ? text : "");
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_label_set_text (self->progress_label, self->busy ? _("Starting…") : "");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box), self->busy);
  _rl_tuning_page_update_actions (self);
}

void
_rl_tuning_page_show_progress (RlTuningPage *self, double fraction, const char *text)
{
  g_autofree char *percent = NULL;

  if (self->progress_bar == NULL || !self->busy)
    return;
  percent = g_strdup_printf (_("%d %%"), (int) CLAMP (fraction * 100.0, 0.0, 100.0));
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, percent);
  gtk_label_set_text (self->progress_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

/* ------------------------------------------------------------ public */

gboolean
rl_tuning_page_select_release (RlTuningPage *self, gint64 release_id)
{
  g_return_val_if_fail (RL_IS_TUNING_PAGE (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && row_release_id (GTK_LIST_BOX_ROW (child)) == release_id)
      {
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (child));
        return TRUE;
      }
  return FALSE;
}

gint64
rl_tuning_page_get_selected_release (RlTuningPage *self)
{
  g_return_val_if_fail (RL_IS_TUNING_PAGE (self), 0);
  return self->selected_id;
}

GtkWidget *
rl_tuning_page_get_release_view (RlTuningPage *self)
{
  g_return_val_if_fail (RL_IS_TUNING_PAGE (self), NULL);
  return GTK_WIDGET (self->view);
}

const char *
rl_tuning_page_get_message (RlTuningPage *self)
{
  g_return_val_if_fail (RL_IS_TUNING_PAGE (self), NULL);
  return gtk_revealer_get_reveal_child (self->message_revealer) ? gtk_label_get_text (self->message_label) : NULL;
}

gboolean
rl_tuning_page_get_busy (RlTuningPage *self)
{
  g_return_val_if_fail (RL_IS_TUNING_PAGE (self), FALSE);
  return self->busy;
}

/* ------------------------------------------------------------ the type */

static void
rl_tuning_page_dispose (GObject *object)
{
  RlTuningPage *self = RL_TUNING_PAGE (object);

  if (self->dialog)
    gtk_window_destroy (self->dialog);
  /* Nobody is left to see a tuning's result: stop it, nothing is stored. */
  _rl_tuning_page_cancel_job (self);
  g_clear_handle_id (&self->remote_poll, g_source_remove);
  self->remote_job = 0;
  /* The list unselects its rows as it goes: nothing to show any more. */
  if (self->list)
    g_signal_handlers_disconnect_by_func (self->list, on_row_selected, self);
  g_clear_pointer (&self->selected, rl_matcher_release_free);
  /* The bin owns the template's top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_TUNING_PAGE);
  G_OBJECT_CLASS (rl_tuning_page_parent_class)->dispose (object);
}

/* Out of its window (closed, or the page replaced): nobody is left to see
 * the result of a tuning, so it stops and stores nothing. The task keeps
 * the page alive until its thread is done. */
static void
rl_tuning_page_unroot (GtkWidget *widget)
{
  _rl_tuning_page_cancel_job (RL_TUNING_PAGE (widget));
  GTK_WIDGET_CLASS (rl_tuning_page_parent_class)->unroot (widget);
}

static void
rl_tuning_page_class_init (RlTuningPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPageClass *page_class = RL_PAGE_CLASS (klass);

  object_class->dispose = rl_tuning_page_dispose;
  widget_class->unroot = rl_tuning_page_unroot;
  page_class->reload = rl_tuning_page_reload;
  page_class->remote_ready = TRUE;

  g_type_ensure (RL_TYPE_RELEASE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-tuning-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, list);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, view);
  _rl_tuning_page_class_actions_init (widget_class);
  gtk_widget_class_set_css_name (widget_class, "rl-tuning-page");
}

static void
rl_tuning_page_init (RlTuningPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->list, "row-selected", G_CALLBACK (on_row_selected), self);
  _rl_tuning_page_update_actions (self);
}
