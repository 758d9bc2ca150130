/* rl-store-load.c — see rl-store-load.h. */
#define G_LOG_DOMAIN "ridgeline-store"

#include "rl-store-load.h"
#include "rl-store-private.h"

static gint loads_pending;

typedef struct {
  RlStore          *store;        /* held (rl_store_hold) until the load is done */
  GWeakRef          owner;
  RlStoreLoadFunc   load;
  RlStoreApplyFunc  apply;
  gpointer          data;
  GDestroyNotify    data_free;
  GDestroyNotify    result_free;
} Load;

/* On the caller's thread: the store is dropped here, never in a worker. */
static void
load_free (Load *load)
{
  if (load->data_free && load->data)
    load->data_free (load->data);
  g_weak_ref_clear (&load->owner);
  rl_store_close (load->store);
  g_free (load);
  g_atomic_int_dec_and_test (&loads_pending);
}

static void
run_apply (Load *load, GCancellable *cancellable, gpointer result, const GError *error)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&load->owner);

  if (owner == NULL || (cancellable && g_cancellable_is_cancelled (cancellable)))
    return;
  if (error && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  load->apply (owner, result, error, load->data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  GError *error = NULL;
  gpointer result;

  /* The remote store sends its requests with the thread's current
   * cancellable (rl-remote.c): cancelling the load stops the request. */
  if (cancellable)
    g_cancellable_push_current (cancellable);
  result = load->load (load->store, load->data, &error);
  if (cancellable)
    g_cancellable_pop_current (cancellable);
  if (error != NULL)
    {
      if (result && load->result_free)
        load->result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, load->result_free);
}

static void
load_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  GTask *task = G_TASK (res);
  Load *load = user_data;
  g_autoptr(GError) error = NULL;
  gpointer result = g_task_propagate_pointer (task, &error);

  run_apply (load, g_task_get_cancellable (task), result, error);
  if (result && load->result_free)
    load->result_free (result);
  load_free (load);
}

gboolean
rl_store_load_async (RlStore          *store,
                     GObject          *owner,
                     GCancellable     *cancellable,
                     RlStoreLoadFunc   load_func,
                     RlStoreApplyFunc  apply,
                     gpointer          data,
                     GDestroyNotify    data_free,
                     GDestroyNotify    result_free)
{
  Load *load;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (G_IS_OBJECT (owner), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (load_func != NULL && apply != NULL, FALSE);

  load = g_new0 (Load, 1);
  load->store = rl_store_hold (store);
  g_weak_ref_init (&load->owner, owner);
  load->load = load_func;
  load->apply = apply;
  load->data = data;
  load->data_free = data_free;
  load->result_free = result_free;
  g_atomic_int_inc (&loads_pending);

  if (!rl_store_is_remote (store))
    {
      /* A file: at once, on this thread, as before. */
      g_autoptr(GError) error = NULL;
      gpointer result = NULL;

      if (!(cancellable && g_cancellable_is_cancelled (cancellable)))
        {
          result = load_func (store, data, &error);
          run_apply (load, cancellable, result, error);
        }
      if (result && result_free)
        result_free (result);
      load_free (load);
      return FALSE;
    }
  {
    g_autoptr(GTask) task = g_task_new (NULL, cancellable, load_done, load);

    g_task_set_source_tag (task, rl_store_load_async);
    g_task_set_name (task, "[ridgeline] store load");
    g_task_set_task_data (task, load, NULL);
    g_task_run_in_thread (task, load_thread);
  }
  return TRUE;
}

guint
rl_store_loads_pending (void)
{
  return (guint) g_atomic_int_get (&loads_pending);
}
