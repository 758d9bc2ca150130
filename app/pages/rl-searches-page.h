/* rl-searches-page.h — the sidebar's “Searches” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_SEARCHES_PAGE (rl_searches_page_get_type ())
G_DECLARE_FINAL_TYPE (RlSearchesPage, rl_searches_page, RL, SEARCHES_PAGE, RlPage)

G_END_DECLS
