/* rl-searches-page.h — the sidebar's “Searches” page. */
#pragma once

#include "rl-page.h"
#include "rl-table-view.h"

G_BEGIN_DECLS

#define RL_TYPE_SEARCHES_PAGE (rl_searches_page_get_type ())
G_DECLARE_FINAL_TYPE (RlSearchesPage, rl_searches_page, RL, SEARCHES_PAGE, RlPage)

/* The columns and rows of a list of searches (also the work queue's). */
void                 rl_searches_table_add_columns (RlTableView *table);
RlTextRow           *rl_searches_table_row_new     (const RlSearch *search);

G_END_DECLS
