/* rl-identities-page.h — the sidebar's “Identities” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_IDENTITIES_PAGE (rl_identities_page_get_type ())
G_DECLARE_FINAL_TYPE (RlIdentitiesPage, rl_identities_page, RL, IDENTITIES_PAGE, RlPage)

G_END_DECLS
