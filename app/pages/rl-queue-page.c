#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-queue-page.h"

struct _RlQueuePage {
  RlPage parent_instance;

  /* template children */
  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (RlQueuePage, rl_queue_page, RL_TYPE_PAGE)

static void
rl_queue_page_dispose (GObject *object)
{
  /* The bin owns the template\'s top child: let it go first. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_QUEUE_PAGE);
  G_OBJECT_CLASS (rl_queue_page_parent_class)->dispose (object);
}

static void
rl_queue_page_class_init (RlQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_queue_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RlQueuePage, status_page);
  gtk_widget_class_set_css_name (widget_class, "rl-queue-page");
}

static void
rl_queue_page_init (RlQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
