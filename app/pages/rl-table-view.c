#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <string.h>

#include "rl-table-view.h"

struct _RlTableView {
  GtkWidget          parent_instance;

  /* template children */
  GtkStack          *stack;
  GtkSearchEntry    *search_entry;
  GtkLabel          *count_label;
  GtkWidget         *status_box;
  GtkImage          *status_icon;
  GtkLabel          *status_label;
  GtkColumnView     *column_view;
  AdwStatusPage     *empty_page;

  GtkFilterListModel *filtered;
  GtkCustomFilter   *filter;
  char              *needle;      /* casefolded filter text, NULL = show all */
  char              *empty_icon_name;
  char              *empty_title;
  char              *empty_description;
};

G_DEFINE_FINAL_TYPE (RlTableView, rl_table_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EMPTY_ICON_NAME,
  PROP_EMPTY_TITLE,
  PROP_EMPTY_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
row_matches (gpointer item,
             gpointer user_data)
{
  RlTableView *self = user_data;

  if (self->needle == NULL)
    return TRUE;
  for (guint i = 0; i < rl_text_row_get_n_cells (item); i++)
    {
      g_autofree char *folded = g_utf8_casefold (rl_text_row_get_cell (item, i), -1);

      if (strstr (folded, self->needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
on_search_changed (RlTableView    *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->needle, g_free);
  if (text != NULL && *text != '\0')
    self->needle = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_stop_search (RlTableView    *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* Ctrl+F: an action (not a bare key callback) so the shortcuts window's
 * test finds it. */
static void
focus_filter (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RlTableView *self = RL_TABLE_VIEW (widget);

  if (!gtk_widget_is_visible (GTK_WIDGET (self->search_entry)) ||
      !gtk_widget_get_child_visible (gtk_widget_get_parent (GTK_WIDGET (self->search_entry))))
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_empty_state (RlTableView *self)
{
  adw_status_page_set_icon_name (self->empty_page, self->empty_icon_name);
  adw_status_page_set_title (self->empty_page, self->empty_title ? self->empty_title : "");
  adw_status_page_set_description (self->empty_page, self->empty_description);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
rl_table_view_dispose (GObject *object)
{
  RlTableView *self = RL_TABLE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_TABLE_VIEW);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  G_OBJECT_CLASS (rl_table_view_parent_class)->dispose (object);
}

static void
rl_table_view_finalize (GObject *object)
{
  RlTableView *self = RL_TABLE_VIEW (object);

  g_free (self->needle);
  g_free (self->empty_icon_name);
  g_free (self->empty_title);
  g_free (self->empty_description);
  G_OBJECT_CLASS (rl_table_view_parent_class)->finalize (object);
}

static void
rl_table_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RlTableView *self = RL_TABLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_EMPTY_ICON_NAME:
      g_value_set_string (value, self->empty_icon_name);
      break;
    case PROP_EMPTY_TITLE:
      g_value_set_string (value, self->empty_title);
      break;
    case PROP_EMPTY_DESCRIPTION:
      g_value_set_string (value, self->empty_description);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_table_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  RlTableView *self = RL_TABLE_VIEW (object);
  char **field;

  switch (prop_id)
    {
    case PROP_EMPTY_ICON_NAME:
      field = &self->empty_icon_name;
      break;
    case PROP_EMPTY_TITLE:
      field = &self->empty_title;
      break;
    case PROP_EMPTY_DESCRIPTION:
      field = &self->empty_description;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (g_strcmp0 (*field, g_value_get_string (value)) != 0)
    {
      g_free (*field);
      *field = g_value_dup_string (value);
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0)
        show_empty_state (self);
      g_object_notify_by_pspec (object, pspec);
    }
}

static void
rl_table_view_class_init (RlTableViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_table_view_dispose;
  object_class->finalize = rl_table_view_finalize;
  object_class->get_property = rl_table_view_get_property;
  object_class->set_property = rl_table_view_set_property;

  properties[PROP_EMPTY_ICON_NAME] =
    g_param_spec_string ("empty-icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMPTY_TITLE] =
    g_param_spec_string ("empty-title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMPTY_DESCRIPTION] =
    g_param_spec_string ("empty-description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-table-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlTableView, stack);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, count_label);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, status_box);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, status_icon);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, status_label);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, column_view);
  gtk_widget_class_bind_template_child (widget_class, RlTableView, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_install_action (widget_class, "table.focus-filter", NULL, focus_filter);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "table.focus-filter", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rl-table-view");
}

static void
rl_table_view_init (RlTableView *self)
{
  GtkSelectionModel *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (row_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  /* A click on a column header sorts by that column (age, priority,
   * agency, quality, ...); the store's order stands until then. */
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (
    gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                             g_object_ref (gtk_column_view_get_sorter (self->column_view))))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  gtk_column_view_set_model (self->column_view, selection);
  g_object_unref (selection);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
}

GtkColumnViewColumn *
rl_table_view_add_column (RlTableView       *self,
                          const char        *title,
                          guint              cell,
                          RlTextColumnFlags  flags)
{
  g_return_val_if_fail (RL_IS_TABLE_VIEW (self), NULL);
  return rl_column_view_append_text_column (self->column_view, title, cell, flags);
}

void
rl_table_view_set_rows (RlTableView *self,
                        GListModel  *rows,
                        const char  *count_text)
{
  g_return_if_fail (RL_IS_TABLE_VIEW (self));
  g_return_if_fail (rows == NULL || G_IS_LIST_MODEL (rows));

  gtk_filter_list_model_set_model (self->filtered, rows);
  gtk_label_set_text (self->count_label, count_text ? count_text : "");
  if (rows == NULL || g_list_model_get_n_items (rows) == 0)
    show_empty_state (self);
  else
    gtk_stack_set_visible_child_name (self->stack, "table");
}

void
rl_table_view_show_message (RlTableView *self,
                            const char  *icon_name,
                            const char  *title,
                            const char  *description)
{
  g_return_if_fail (RL_IS_TABLE_VIEW (self));

  g_autofree char *escaped = description ? g_markup_escape_text (description, -1) : NULL;

  gtk_filter_list_model_set_model (self->filtered, NULL);
  adw_status_page_set_icon_name (self->empty_page, icon_name);
  adw_status_page_set_title (self->empty_page, title);
  /* The description is markup; messages (the server's among them) are
   * text and may hold "&" or "<". */
  adw_status_page_set_description (self->empty_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
rl_table_view_set_status (RlTableView *self,
                          const char  *icon_name,
                          const char  *text,
                          const char  *css_class)
{
  static const char *classes[] = { "success", "warning", "error" };

  g_return_if_fail (RL_IS_TABLE_VIEW (self));

  gtk_widget_set_visible (self->status_box, text != NULL);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon_name != NULL);
  gtk_label_set_text (self->status_label, text ? text : "");
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], css_class) == 0)
      gtk_widget_add_css_class (self->status_box, classes[i]);
    else
      gtk_widget_remove_css_class (self->status_box, classes[i]);
}

guint
rl_table_view_get_n_rows (RlTableView *self)
{
  g_return_val_if_fail (RL_IS_TABLE_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

GtkColumnView *
rl_table_view_get_column_view (RlTableView *self)
{
  g_return_val_if_fail (RL_IS_TABLE_VIEW (self), NULL);
  return self->column_view;
}
