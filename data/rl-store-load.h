/* rl-store-load.h — reading (or writing) the store without blocking the window.
 *
 * rl_store_load_async() runs `load` on the store, then `apply` with what it
 * returned (or its error):
 *   - on a remote workspace, load runs in a worker thread (a GTask) and apply
 *     later in the main context of the calling thread (the GUI's), so that
 *     the window keeps drawing and answering while the server is slow;
 *   - on a workspace file both run at once, before rl_store_load_async()
 *     returns, exactly as a page read its data before there were servers
 *     (a SQLite read takes well under a frame).
 *
 * load may run in another thread: it calls rl_store_* functions and decodes
 * (images, templates) but touches no widget and no object of the caller's;
 * what it needs it gets in `data`, read-only. apply runs on the caller's
 * thread and is NOT called when the cancellable was cancelled meanwhile (a
 * newer load replaced this one, the window signed out) or when `owner` has
 * been finalized: a cancelled load's result is simply dropped. */
#pragma once

#include <gio/gio.h>

#include "rl-store.h"

G_BEGIN_DECLS

/* Returns the result (freed with result_free after apply), or NULL with
 * error; NULL without an error is a valid result ("done, nothing to return"). */
typedef gpointer (*RlStoreLoadFunc)  (RlStore   *store,
                                      gpointer   data,
                                      GError   **error);
/* owner: a strong reference for the call; error: NULL on success. result is
 * borrowed (steal from it what should be kept). */
typedef void     (*RlStoreApplyFunc) (gpointer      owner,
                                      gpointer      result,
                                      const GError *error,
                                      gpointer      data);

/* Returns TRUE while the load is still running (a remote workspace; apply
 * comes later), FALSE when apply already ran or was skipped. data is freed
 * with data_free after apply (on the caller's thread). */
gboolean rl_store_load_async (RlStore          *store,
                              GObject          *owner,
                              GCancellable     *cancellable,
                              RlStoreLoadFunc   load,
                              RlStoreApplyFunc  apply,
                              gpointer          data,
                              GDestroyNotify    data_free,
                              GDestroyNotify    result_free);

/* How many loads started by rl_store_load_async() have not finished (their
 * apply ran or was skipped) in this process: tests iterate the main loop
 * until it is 0 to see a page's data. */
guint    rl_store_loads_pending (void);

G_END_DECLS
