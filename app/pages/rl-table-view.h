/* rl-table-view.h — a filterable table of RlTextRow with a count and an
 * empty state; the list pages (searches, identities, audit, users) embed it. */
#pragma once

#include <adwaita.h>

#include "rl-text-row.h"

G_BEGIN_DECLS

#define RL_TYPE_TABLE_VIEW (rl_table_view_get_type ())
G_DECLARE_FINAL_TYPE (RlTableView, rl_table_view, RL, TABLE_VIEW, GtkWidget)

GtkColumnViewColumn *rl_table_view_add_column (RlTableView       *self,
                                               const char        *title,
                                               guint              cell,
                                               RlTextColumnFlags  flags);
/* Shows rows (a GListModel of RlTextRow; NULL or empty shows the empty
 * state) and count_text above the table, e.g. "1,204 identities". */
void        rl_table_view_set_rows        (RlTableView *self,
                                           GListModel  *rows,
                                           const char  *count_text);
/* Shows the empty state with this title and description instead of the table
 * (e.g. when the workspace cannot be read). */
void        rl_table_view_show_message    (RlTableView *self,
                                           const char  *icon_name,
                                           const char  *title,
                                           const char  *description);
/* A short status beside the count (e.g. "Hash chain intact"); css_class
 * "success", "warning" or "error" colours it. NULL text hides it. */
void        rl_table_view_set_status      (RlTableView *self,
                                           const char  *icon_name,
                                           const char  *text,
                                           const char  *css_class);
guint       rl_table_view_get_n_rows      (RlTableView *self);  /* after filtering */
GtkColumnView *rl_table_view_get_column_view (RlTableView *self);

G_END_DECLS
