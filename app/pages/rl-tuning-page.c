#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-tuning-page.h"

struct _RlTuningPage {
  RlPage parent_instance;

  /* template children */
  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (RlTuningPage, rl_tuning_page, RL_TYPE_PAGE)

static void
rl_tuning_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_TUNING_PAGE);
  G_OBJECT_CLASS (rl_tuning_page_parent_class)->dispose (object);
}

static void
rl_tuning_page_class_init (RlTuningPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_tuning_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-tuning-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlTuningPage, status_page);
  gtk_widget_class_set_css_name (widget_class, "rl-tuning-page");
}

static void
rl_tuning_page_init (RlTuningPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
