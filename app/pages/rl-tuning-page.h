/* rl-tuning-page.h — the sidebar's “Tuning” page: the supervisor's tuning
 * workspace. Matcher releases on the left, the selected release's
 * evaluation report on the right (RlReleaseView), and the release's life as
 * actions with keys: tuning.tune (Ctrl+T), tuning.evaluate (Ctrl+E),
 * tuning.approve (Ctrl+Return), tuning.reject (Ctrl+Shift+R),
 * tuning.activate (Ctrl+Shift+A), tuning.rollback (Ctrl+Shift+B),
 * tuning.export (Ctrl+Shift+E). What the store refuses is shown in a banner
 * with the store's own words. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_TUNING_PAGE (rl_tuning_page_get_type ())
G_DECLARE_FINAL_TYPE (RlTuningPage, rl_tuning_page, RL, TUNING_PAGE, RlPage)

/* Selects a release in the list (FALSE if it is not listed). */
gboolean    rl_tuning_page_select_release    (RlTuningPage *self, gint64 release_id);
gint64      rl_tuning_page_get_selected_release (RlTuningPage *self);
GtkWidget  *rl_tuning_page_get_release_view  (RlTuningPage *self);
/* The banner's text (a refusal or failure), NULL when none is shown. */
const char *rl_tuning_page_get_message       (RlTuningPage *self);
/* TRUE while a tuning or an evaluation runs in its thread. */
gboolean    rl_tuning_page_get_busy          (RlTuningPage *self);

G_END_DECLS
