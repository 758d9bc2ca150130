/* rl-page.h — base class of the sidebar's pages.
 *
 * A page shows part of the open workspace to the signed-in user. It reloads
 * its data whenever it is shown (mapped) or given a new session, so what the
 * user sees is never older than the last visit. */
#pragma once

#include <adwaita.h>

#include "rl-session.h"

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

G_END_DECLS
