/* rl-users-page.h — the sidebar's “Users” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_USERS_PAGE (rl_users_page_get_type ())
G_DECLARE_FINAL_TYPE (RlUsersPage, rl_users_page, RL, USERS_PAGE, RlPage)

G_END_DECLS
