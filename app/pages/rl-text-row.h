/* rl-text-row.h — one row of text cells for the pages' tables
 * (GtkColumnView), and the columns that show them. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_TEXT_ROW (rl_text_row_get_type ())
G_DECLARE_FINAL_TYPE (RlTextRow, rl_text_row, RL, TEXT_ROW, GObject)

/* The cells, NULL-terminated; NULL cells show as empty. */
RlTextRow  *rl_text_row_new      (const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
RlTextRow  *rl_text_row_new_take (char **cells);
const char *rl_text_row_get_cell (RlTextRow *self, guint column);  /* "" past the end */
guint       rl_text_row_get_n_cells (RlTextRow *self);

typedef enum {
  RL_TEXT_COLUMN_EXPAND  = 1 << 0,  /* takes the spare width */
  RL_TEXT_COLUMN_NUMERIC = 1 << 1,  /* right-aligned, tabular figures */
  RL_TEXT_COLUMN_DIM     = 1 << 2,  /* secondary information */
  RL_TEXT_COLUMN_MONO    = 1 << 3,  /* ids and hashes */
} RlTextColumnFlags;

/* Appends a column showing cell `column` of each RlTextRow. */
GtkColumnViewColumn *rl_column_view_append_text_column (GtkColumnView     *view,
                                                        const char        *title,
                                                        guint              column,
                                                        RlTextColumnFlags  flags);

G_END_DECLS
