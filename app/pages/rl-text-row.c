#define G_LOG_DOMAIN "ridgeline"

#include "rl-text-row.h"

struct _RlTextRow {
  GObject   parent_instance;
  char    **cells;
  guint     n_cells;
};

G_DEFINE_FINAL_TYPE (RlTextRow, rl_text_row, G_TYPE_OBJECT)

static void
rl_text_row_finalize (GObject *object)
{
  RlTextRow *self = RL_TEXT_ROW (object);

  g_strfreev (self->cells);
  G_OBJECT_CLASS (rl_text_row_parent_class)->finalize (object);
}

static void
rl_text_row_class_init (RlTextRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rl_text_row_finalize;
}

static void
rl_text_row_init (RlTextRow *self)
{
}

RlTextRow *
rl_text_row_new_take (char **cells)
{
  RlTextRow *self = g_object_new (RL_TYPE_TEXT_ROW, NULL);

  self->cells = cells ? cells : g_new0 (char *, 1);
  self->n_cells = g_strv_length (self->cells);
  return self;
}

RlTextRow *
rl_text_row_new (const char *first_cell,
                 ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first_cell);
  for (const char *cell = first_cell; cell != NULL; cell = va_arg (args, const char *))
    g_strv_builder_add (builder, cell);
  va_end (args);
  return rl_text_row_new_take (g_strv_builder_end (builder));
}

const char *
rl_text_row_get_cell (RlTextRow *self,
                      guint      column)
{
  g_return_val_if_fail (RL_IS_TEXT_ROW (self), NULL);
  return column < self->n_cells ? self->cells[column] : "";
}

guint
rl_text_row_get_n_cells (RlTextRow *self)
{
  g_return_val_if_fail (RL_IS_TEXT_ROW (self), 0);
  return self->n_cells;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  RlTextColumnFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "rl-flags"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), (flags & RL_TEXT_COLUMN_NUMERIC) ? 1.0f : 0.0f);
  /* Only the wide columns give way: ids, times and figures stay whole. */
  if (flags & RL_TEXT_COLUMN_EXPAND)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (flags & RL_TEXT_COLUMN_NUMERIC)
    gtk_widget_add_css_class (label, "numeric");
  if (flags & RL_TEXT_COLUMN_DIM)
    gtk_widget_add_css_class (label, "dim-label");
  if (flags & RL_TEXT_COLUMN_MONO)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  RlTextRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = rl_text_row_get_cell (row, GPOINTER_TO_UINT (user_data));

  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_tooltip_text (label, text && *text ? text : NULL);
}

/* Column sorting: numbers as numbers (empty cells last), text in the
 * user's collation. The column and whether it is numeric ride in the
 * sorter's user data. */
static int
compare_cells (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint column = GPOINTER_TO_UINT (user_data) >> 1;
  gboolean numeric = GPOINTER_TO_UINT (user_data) & 1;
  const char *x = rl_text_row_get_cell ((RlTextRow *) a, column);
  const char *y = rl_text_row_get_cell ((RlTextRow *) b, column);

  if (numeric)
    {
      double dx, dy;
      if (*x == '\0' || *y == '\0')
        return (*x == '\0') - (*y == '\0');
      dx = g_ascii_strtod (x, NULL);
      dy = g_ascii_strtod (y, NULL);
      return dx < dy ? -1 : dx > dy ? 1 : 0;
    }
  return g_utf8_collate (x, y);
}

GtkColumnViewColumn *
rl_column_view_append_text_column (GtkColumnView     *view,
                                   const char        *title,
                                   guint              column,
                                   RlTextColumnFlags  flags)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  g_object_set_data (G_OBJECT (factory), "rl-flags", GUINT_TO_POINTER (flags));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, (flags & RL_TEXT_COLUMN_EXPAND) != 0);
  gtk_column_view_column_set_resizable (col, TRUE);
  {
    GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cells,
                                                           GUINT_TO_POINTER ((column << 1) | ((flags & RL_TEXT_COLUMN_NUMERIC) != 0)),
                                                           NULL));
    gtk_column_view_column_set_sorter (col, sorter);
    g_object_unref (sorter);
  }
  gtk_column_view_append_column (view, col);
  g_object_unref (col);
  return col;
}
