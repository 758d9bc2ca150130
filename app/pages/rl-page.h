/* rl-page.h — base class of the sidebar's pages.
 *
 * A page shows part of the open workspace to the signed-in user. It reloads
 * its data whenever it is shown (mapped) or given a new session, so what the
 * user sees is never older than the last visit. */
#pragma once

#include <adwaita.h>

#include "rl-session.h"
#include "rl-store-load.h"

G_BEGIN_DECLS

#define RL_TYPE_PAGE (rl_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (RlPage, rl_page, RL, PAGE, AdwBin)

struct _RlPageClass {
  AdwBinClass parent_class;

  /* Fill the page from the session's store. Called with a signed-in user. */
  void (*reload) (RlPage *self, RlSession *session);

  /* TRUE when the page works on a remote workspace (every store call it
   * makes is wired in data/rl-remote*.c). Otherwise, on a remote workspace,
   * the page shows "not available on a remote workspace yet" instead of its
   * content and reload is not called. Set it in class_init. */
  gboolean remote_ready;
};

RlSession *rl_page_get_session (RlPage *self);
void       rl_page_set_session (RlPage *self, RlSession *session);
void       rl_page_reload      (RlPage *self);
/* TRUE while the page shows "not available on a remote workspace yet". */
gboolean   rl_page_is_unavailable (RlPage *self);

/* A reload's reading: load runs on the session's store (in a worker thread
 * on a remote workspace, at once on a file: rl-store-load.h), then apply
 * on the GUI thread with its result or error. Meanwhile, on a server, the
 * page shows loading_text with a spinner above its content (which stays
 * usable) and "loading" is TRUE; an error is shown with Retry above the
 * content (apply still runs, to show the page's own empty state). A newer
 * rl_page_load cancels the one under way (its apply never runs); so does
 * signing out. */
typedef void (*RlPageApplyFunc) (RlPage       *self,
                                 gpointer      result,
                                 const GError *error,
                                 gpointer      data);
void        rl_page_load           (RlPage          *self,
                                    const char      *loading_text,
                                    RlStoreLoadFunc  load,
                                    RlPageApplyFunc  apply,
                                    gpointer         data,
                                    GDestroyNotify   data_free,
                                    GDestroyNotify   result_free);
gboolean    rl_page_get_loading    (RlPage *self);
/* The error the load bar shows (a server workspace), NULL when there is
 * none: a page's own error state need not repeat the message then. */
const char *rl_page_get_load_error (RlPage *self);

G_END_DECLS
