#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-remote.h"
#include "rl-session.h"

struct _RlSession {
  GObject  parent_instance;

  RlStore   *store;
  RlUser    *user;
  char      *role_summary;
  GPtrArray *cancellables;   /* GCancellable*: the loads under way for this user */
};

G_DEFINE_FINAL_TYPE (RlSession, rl_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_SIGNED_IN,
  PROP_DISPLAY_NAME,
  PROP_ROLE_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rl_session_finalize (GObject *object)
{
  RlSession *self = RL_SESSION (object);

  rl_session_cancel_loads (self);
  g_clear_pointer (&self->cancellables, g_ptr_array_unref);
  /* A server session ends with the window: no token is left valid. */
  if (self->user != NULL && self->store != NULL && rl_store_is_remote (self->store))
    rl_remote_sign_out (self->store, NULL);
  g_clear_pointer (&self->user, rl_user_free);
  g_clear_pointer (&self->store, rl_store_close);
  g_clear_pointer (&self->role_summary, g_free);
  G_OBJECT_CLASS (rl_session_parent_class)->finalize (object);
}

static void
rl_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  RlSession *self = RL_SESSION (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, rl_session_get_path (self));
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->user != NULL);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, rl_session_get_display_name (self));
      break;
    case PROP_ROLE_SUMMARY:
      g_value_set_string (value, rl_session_get_role_summary (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

enum { IDENTITIES_CHANGED, N_SESSION_SIGNALS };
static guint session_signals[N_SESSION_SIGNALS];

static void
rl_session_class_init (RlSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rl_session_finalize;
  object_class->get_property = rl_session_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE_SUMMARY] =
    g_param_spec_string ("role-summary", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Identities were merged, split or linked differently: open records and
   * lists showing them read them again. */
  session_signals[IDENTITIES_CHANGED] =
    g_signal_new ("identities-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

void
rl_session_identities_changed (RlSession *self)
{
  g_return_if_fail (RL_IS_SESSION (self));
  g_signal_emit (self, session_signals[IDENTITIES_CHANGED], 0);
}

static void
rl_session_init (RlSession *self)
{
  self->cancellables = g_ptr_array_new_with_free_func (g_object_unref);
}

GCancellable *
rl_session_new_cancellable (RlSession *self)
{
  GCancellable *cancellable;

  g_return_val_if_fail (RL_IS_SESSION (self), NULL);

  /* Those only this list still holds are done with: drop them. */
  for (guint i = self->cancellables->len; i-- > 0;)
    {
      GObject *c = g_ptr_array_index (self->cancellables, i);
      if (g_atomic_int_get (&c->ref_count) == 1 || g_cancellable_is_cancelled (G_CANCELLABLE (c)))
        g_ptr_array_remove_index_fast (self->cancellables, i);
    }
  cancellable = g_cancellable_new ();
  g_ptr_array_add (self->cancellables, g_object_ref (cancellable));
  return cancellable;
}

void
rl_session_cancel_loads (RlSession *self)
{
  g_autoptr(GPtrArray) cancellables = NULL;

  g_return_if_fail (RL_IS_SESSION (self));

  if (self->cancellables == NULL || self->cancellables->len == 0)
    return;
  cancellables = g_steal_pointer (&self->cancellables);
  self->cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < cancellables->len; i++)
    g_cancellable_cancel (g_ptr_array_index (cancellables, i));
}

RlSession *
rl_session_new (RlStore *store)
{
  RlSession *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (RL_TYPE_SESSION, NULL);
  self->store = store;
  return self;
}

RlStore *
rl_session_get_store (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  return self->store;
}

const char *
rl_session_get_path (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  return rl_store_get_path (self->store);
}

const RlUser *
rl_session_get_user (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  return self->user;
}

static void
notify_user (RlSession *self)
{
  g_clear_pointer (&self->role_summary, g_free);
  if (self->user != NULL)
    /* TRANSLATORS: the signed-in user's role and agency, e.g. "Supervisor · CBP" */
    self->role_summary = g_strdup_printf (_("%s · %s"), rl_role_to_label (self->user->role), self->user->agency);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE_SUMMARY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

gboolean
rl_session_sign_in (RlSession   *self,
                    const char  *username,
                    GError     **error)
{
  RlUser *user;

  g_return_val_if_fail (RL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (rl_store_is_remote (self->store))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                   _("Signing in to a server needs a password"));
      return FALSE;
    }
  if (!(user = rl_store_get_user_by_name (self->store, username, error)))
    return FALSE;
  /* What the user does from now on is done, and audited, in their name. */
  if (!rl_store_set_actor (self->store, user->id, error))
    {
      rl_user_free (user);
      return FALSE;
    }
  g_clear_pointer (&self->user, rl_user_free);
  self->user = user;
  g_debug ("Signed in as %s (%s) to %s", user->username, rl_role_to_id (user->role), rl_session_get_path (self));
  notify_user (self);
  return TRUE;
}

gboolean
rl_session_sign_in_with_password (RlSession  *self,
                                  const char *username,
                                  const char *password,
                                  GError    **error)
{
  RlUser *user;

  g_return_val_if_fail (RL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (username != NULL && password != NULL, FALSE);

  if (!rl_store_is_remote (self->store))
    return rl_session_sign_in (self, username, error);
  if (self->user != NULL)
    rl_session_sign_out (self);
  if (!(user = rl_remote_sign_in (self->store, username, password, error)))
    return FALSE;
  self->user = user;
  g_debug ("Signed in as %s (%s) to %s", user->username, rl_role_to_id (user->role), rl_session_get_path (self));
  notify_user (self);
  return TRUE;
}

gboolean
rl_session_check_server_session (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), FALSE);

  if (self->user != NULL && rl_store_is_remote (self->store) && !rl_remote_is_signed_in (self->store))
    {
      g_debug ("The server at %s no longer accepts the session of %s", rl_session_get_path (self),
               self->user->username);
      rl_session_cancel_loads (self);
      g_clear_pointer (&self->user, rl_user_free);
      notify_user (self);
    }
  return self->user != NULL;
}

gboolean
rl_session_is_remote (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), FALSE);
  return rl_store_is_remote (self->store);
}

char *
rl_session_dup_workspace_name (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  if (rl_store_is_remote (self->store))
    return g_strdup (rl_remote_get_host (self->store));
  return g_path_get_basename (rl_store_get_path (self->store));
}

void
rl_session_sign_out (RlSession *self)
{
  g_return_if_fail (RL_IS_SESSION (self));

  if (self->user == NULL)
    return;
  /* What was being read for this user is of no use to the next one. */
  rl_session_cancel_loads (self);
  if (rl_store_is_remote (self->store))
    {
      g_autoptr(GError) error = NULL;

      /* The token is forgotten here even when the server cannot be told. */
      if (!rl_remote_sign_out (self->store, &error))
        g_debug ("Signing out of %s: %s", rl_session_get_path (self), error->message);
    }
  else
    rl_store_set_actor (self->store, 0, NULL);
  g_clear_pointer (&self->user, rl_user_free);
  notify_user (self);
}

const char *
rl_session_get_display_name (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  return self->user ? self->user->display_name : "";
}

const char *
rl_session_get_role_summary (RlSession *self)
{
  g_return_val_if_fail (RL_IS_SESSION (self), NULL);
  return self->role_summary ? self->role_summary : "";
}

/* ------------------------------------------------------- windows of a user */

static gboolean
destroy_window (gpointer window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  /* Unless the user closed it meanwhile. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);
      if (item == window)
        {
          gtk_window_destroy (GTK_WINDOW (window));
          break;
        }
    }
  return G_SOURCE_REMOVE;
}

static void
on_user_for_window (RlSession *self, GParamSpec *pspec, GtkWindow *window)
{
  gint64 opened_by = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (window), "rl-session-user"));

  if (self->user != NULL && self->user->id == opened_by)
    return;
  g_signal_handlers_disconnect_by_func (self, on_user_for_window, window);
  /* Not here: the sign-out may come from inside one of this window's own
   * handlers (a request the server refused with 401). Before any input is
   * dispatched, though (GDK events run at G_PRIORITY_DEFAULT). */
  g_idle_add_full (G_PRIORITY_HIGH, destroy_window, g_object_ref (window), g_object_unref);
}

void
rl_session_close_on_sign_out (RlSession *self, GtkWindow *window)
{
  g_return_if_fail (RL_IS_SESSION (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (self->user == NULL)
    return;
  g_object_set_data (G_OBJECT (window), "rl-session-user", GSIZE_TO_POINTER ((gsize) self->user->id));
  g_signal_connect_object (self, "notify::signed-in", G_CALLBACK (on_user_for_window), window, 0);
}
