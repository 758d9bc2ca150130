/* rl-links-page.h — the sidebar's "Identity Links" page: the multiple-identity
 * links (same prints, different biographic data), those still to review
 * (yellow) first. Activating one opens the first identity's record (after
 * the purpose is given), where the link is resolved, merged or split. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_LINKS_PAGE (rl_links_page_get_type ())
G_DECLARE_FINAL_TYPE (RlLinksPage, rl_links_page, RL, LINKS_PAGE, RlPage)

G_END_DECLS
