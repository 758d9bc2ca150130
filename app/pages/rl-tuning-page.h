/* rl-tuning-page.h — the sidebar's “Tuning” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_TUNING_PAGE (rl_tuning_page_get_type ())
G_DECLARE_FINAL_TYPE (RlTuningPage, rl_tuning_page, RL, TUNING_PAGE, RlPage)

G_END_DECLS
