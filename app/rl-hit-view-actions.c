/* rl-hit-view-actions.c — the hit review's commands and their keys. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-hit-view-private.h"
#include "rl-identity-view.h"

static void
dispose_action (RlHitView *self, RlHitStatus disposition)
{
  g_autoptr(GError) error = NULL;

  if (!rl_hit_view_can_dispose (self))
    return;
  {
  /* The store refuses a dismissal without a reason; say so before asking it. */
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));

  if (disposition == RL_HIT_DISMISSED && reason[0] == '\0')
    {
      _rl_hit_view_show_message (self, _("Dismissing a hit needs a reason: type it in the box, then Dismiss again."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
      return;
    }
  rl_hit_view_dispose (self, disposition, &error);
  }
}

static void
confirm_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dispose_action (RL_HIT_VIEW (widget), RL_HIT_CONFIRMED);
}

static void
dismiss_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dispose_action (RL_HIT_VIEW (widget), RL_HIT_DISMISSED);
}

static void
escalate_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  dispose_action (RL_HIT_VIEW (widget), RL_HIT_ESCALATED);
}

static void
open_person_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlHitView *self = RL_HIT_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  rl_identity_view_ask_and_open (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session,
                                 self->hit->identity_id);
}

static void
compare_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlHitView *self = RL_HIT_VIEW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->comparison), "comparison.fit", NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->comparison));
}

void
_rl_hit_view_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "hit.confirm", NULL, confirm_activated);
  gtk_widget_class_install_action (widget_class, "hit.dismiss", NULL, dismiss_activated);
  gtk_widget_class_install_action (widget_class, "hit.escalate", NULL, escalate_activated);
  gtk_widget_class_install_action (widget_class, "hit.open-person", NULL, open_person_activated);
  gtk_widget_class_install_action (widget_class, "hit.compare", NULL, compare_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "hit.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "hit.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "hit.dismiss", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "hit.escalate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "hit.open-person", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "hit.compare", NULL);
}
