#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-load-bar.h"

/* Four children in a row, built in code: the strip is too small for a
 * template of its own. */
struct _RlLoadBar {
  GtkWidget   parent_instance;

  GtkWidget  *spinner;
  GtkWidget  *icon;
  GtkWidget  *label;
  GtkWidget  *retry;
  char       *error;
};

G_DEFINE_FINAL_TYPE (RlLoadBar, rl_load_bar, GTK_TYPE_WIDGET)

enum { RETRY, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_retry_clicked (RlLoadBar *self)
{
  g_signal_emit (self, signals[RETRY], 0);
}

static void
rl_load_bar_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (rl_load_bar_parent_class)->dispose (object);
}

static void
rl_load_bar_finalize (GObject *object)
{
  g_free (RL_LOAD_BAR (object)->error);
  G_OBJECT_CLASS (rl_load_bar_parent_class)->finalize (object);
}

static void
rl_load_bar_class_init (RlLoadBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_load_bar_dispose;
  object_class->finalize = rl_load_bar_finalize;

  /* The user asked to read the data again. */
  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rl-load-bar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
rl_load_bar_init (RlLoadBar *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 10);
  self->spinner = gtk_spinner_new ();
  self->icon = gtk_image_new_from_icon_name ("network-error-symbolic");
  self->label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->label), FALSE);
  gtk_widget_set_hexpand (self->label, TRUE);
  self->retry = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_valign (self->retry, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->retry, _("Read it from the server again"));
  g_signal_connect_swapped (self->retry, "clicked", G_CALLBACK (on_retry_clicked), self);
  gtk_widget_set_parent (self->spinner, widget);
  gtk_widget_set_parent (self->icon, widget);
  gtk_widget_set_parent (self->label, widget);
  gtk_widget_set_parent (self->retry, widget);
  gtk_widget_set_visible (widget, FALSE);
}

GtkWidget *
rl_load_bar_new (void)
{
  return g_object_new (RL_TYPE_LOAD_BAR, NULL);
}

void
rl_load_bar_show_loading (RlLoadBar  *self,
                          const char *text)
{
  g_return_if_fail (RL_IS_LOAD_BAR (self));

  g_clear_pointer (&self->error, g_free);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self), "loading");
  gtk_label_set_text (GTK_LABEL (self->label), text ? text : _("Reading from the server…"));
  gtk_widget_set_visible (self->icon, FALSE);
  gtk_widget_set_visible (self->retry, FALSE);
  gtk_widget_set_visible (self->spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
rl_load_bar_show_error (RlLoadBar  *self,
                        const char *message)
{
  g_return_if_fail (RL_IS_LOAD_BAR (self));
  g_return_if_fail (message != NULL);

  g_free (self->error);
  self->error = g_strdup (message);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "loading");
  gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  gtk_label_set_text (GTK_LABEL (self->label), message);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_widget_set_visible (self->icon, TRUE);
  gtk_widget_set_visible (self->retry, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
rl_load_bar_hide (RlLoadBar *self)
{
  g_return_if_fail (RL_IS_LOAD_BAR (self));

  g_clear_pointer (&self->error, g_free);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_remove_css_class (GTK_WIDGET (self), "loading");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

gboolean
rl_load_bar_is_loading (RlLoadBar *self)
{
  g_return_val_if_fail (RL_IS_LOAD_BAR (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self)) && gtk_widget_has_css_class (GTK_WIDGET (self), "loading");
}

const char *
rl_load_bar_get_error (RlLoadBar *self)
{
  g_return_val_if_fail (RL_IS_LOAD_BAR (self), NULL);
  return self->error;
}
