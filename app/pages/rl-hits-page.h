/* rl-hits-page.h — the sidebar's “Hits” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_HITS_PAGE (rl_hits_page_get_type ())
G_DECLARE_FINAL_TYPE (RlHitsPage, rl_hits_page, RL, HITS_PAGE, RlPage)

G_END_DECLS
