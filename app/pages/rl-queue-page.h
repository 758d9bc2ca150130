/* rl-queue-page.h — the sidebar's “Queue” page. */
#pragma once

#include "rl-page.h"
#include "rl-review-view.h"

G_BEGIN_DECLS

#define RL_TYPE_QUEUE_PAGE (rl_queue_page_get_type ())
G_DECLARE_FINAL_TYPE (RlQueuePage, rl_queue_page, RL, QUEUE_PAGE, RlPage)

/* Opens a search for review in its own window, claiming it for the
 * signed-in examiner when it is pending (what activating a row does).
 * Returns the review view (owned by its window), NULL on error. */
RlReviewView *rl_queue_page_open_search (RlQueuePage *self, gint64 search_id, GError **error);
/* What activating a row does: on a server the review's window opens at
 * once, saying the review is being read (closing it cancels that), and
 * shows the review when it has arrived, or the server's message with
 * Retry; the queue stays usable meanwhile. On a file, the same as
 * rl_queue_page_open_search (with a message dialog on failure). */
void          rl_queue_page_open_search_async (RlQueuePage *self, gint64 search_id);
/* Supervisor: assigns a search to an examiner (it then shows in that
 * examiner's queue only); what the Assign button does with the selection. */
gboolean      rl_queue_page_assign_search (RlQueuePage *self, gint64 search_id, gint64 examiner_id, GError **error);

G_END_DECLS
