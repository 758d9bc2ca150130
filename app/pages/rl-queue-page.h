/* rl-queue-page.h — the sidebar's “Queue” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_QUEUE_PAGE (rl_queue_page_get_type ())
G_DECLARE_FINAL_TYPE (RlQueuePage, rl_queue_page, RL, QUEUE_PAGE, RlPage)

G_END_DECLS
