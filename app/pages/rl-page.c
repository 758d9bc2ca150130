#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-load-bar.h"
#include "rl-page.h"

typedef struct {
  RlSession    *session;
  GtkWidget    *content;       /* the page's own child while the notice is shown */
  GtkWidget    *unavailable;   /* the "not available on a remote workspace yet" notice */
  RlLoadBar    *load_bar;      /* above the content: loading, or the error and Retry */
  GCancellable *load_cancellable;   /* the load under way (rl_page_load), or NULL */
  gboolean      loading;
} RlPagePrivate;

/* What rl_page_load hands to rl_store_load_async. */
typedef struct {
  RlStoreLoadFunc  load;
  RlPageApplyFunc  apply;
  gpointer         data;
  GDestroyNotify   data_free;
  GCancellable    *cancellable;
} PageLoad;

G_DEFINE_TYPE_WITH_PRIVATE (RlPage, rl_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rl_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (rl_page_parent_class)->map (widget);
  rl_page_reload (RL_PAGE (widget));
}

static void
rl_page_dispose (GObject *object)
{
  RlPage *self = RL_PAGE (object);
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  if (priv->load_cancellable)
    g_cancellable_cancel (priv->load_cancellable);
  g_clear_object (&priv->load_cancellable);
  if (priv->load_bar)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&priv->load_bar)));
  g_clear_object (&priv->session);
  g_clear_object (&priv->content);
  g_clear_object (&priv->unavailable);
  G_OBJECT_CLASS (rl_page_parent_class)->dispose (object);
}

static void
rl_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, rl_page_get_session (RL_PAGE (object)));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, rl_page_get_loading (RL_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      rl_page_set_session (RL_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_page_class_init (RlPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_page_dispose;
  object_class->get_property = rl_page_get_property;
  object_class->set_property = rl_page_set_property;
  widget_class->map = rl_page_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, RL_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE while the page's data is being read from the server. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
on_retry (RlPage *self)
{
  rl_page_reload (self);
}

static void
rl_page_init (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  /* The load bar above the page's own child (which the subclass's template
   * sets after this, so it comes second). */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), gtk_box_layout_new (GTK_ORIENTATION_VERTICAL));
  priv->load_bar = RL_LOAD_BAR (rl_load_bar_new ());
  gtk_widget_insert_after (GTK_WIDGET (priv->load_bar), GTK_WIDGET (self), NULL);
  g_signal_connect_swapped (priv->load_bar, "retry", G_CALLBACK (on_retry), self);
}

RlSession *
rl_page_get_session (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_val_if_fail (RL_IS_PAGE (self), NULL);
  return priv->session;
}

void
rl_page_set_session (RlPage    *self,
                     RlSession *session)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_if_fail (RL_IS_PAGE (self));
  g_return_if_fail (session == NULL || RL_IS_SESSION (session));

  if (g_set_object (&priv->session, session))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        rl_page_reload (self);
    }
}

/* A page not wired for a remote workspace shows a notice in place of its
 * content (which would fail call by call). Returns whether the content shows. */
static gboolean
show_unavailable (RlPage   *self,
                  gboolean  unavailable)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  if (unavailable && priv->content == NULL)
    {
      if (priv->unavailable == NULL)
        {
          priv->unavailable = g_object_ref_sink (adw_status_page_new ());
          adw_status_page_set_icon_name (ADW_STATUS_PAGE (priv->unavailable), "network-server-symbolic");
          adw_status_page_set_title (ADW_STATUS_PAGE (priv->unavailable),
                                     _("Not Available on a Remote Workspace Yet"));
          adw_status_page_set_description (ADW_STATUS_PAGE (priv->unavailable),
                                           _("This page works on a workspace file on this computer; "
                                             "on a server workspace it is not available yet."));
          gtk_widget_add_css_class (priv->unavailable, "remote-unavailable");
        }
      priv->content = adw_bin_get_child (ADW_BIN (self)) ? g_object_ref (adw_bin_get_child (ADW_BIN (self))) : NULL;
      adw_bin_set_child (ADW_BIN (self), priv->unavailable);
      if (priv->content == NULL)
        priv->content = g_object_ref_sink (gtk_label_new (""));
    }
  else if (!unavailable && priv->content != NULL)
    {
      adw_bin_set_child (ADW_BIN (self), priv->content);
      g_clear_object (&priv->content);
    }
  return !unavailable;
}

gboolean
rl_page_is_unavailable (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_val_if_fail (RL_IS_PAGE (self), FALSE);
  return priv->content != NULL;
}

void
rl_page_reload (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_if_fail (RL_IS_PAGE (self));

  if (priv->session == NULL || rl_session_get_user (priv->session) == NULL)
    return;
  if (!show_unavailable (self, rl_session_is_remote (priv->session) && !RL_PAGE_GET_CLASS (self)->remote_ready))
    return;
  if (RL_PAGE_GET_CLASS (self)->reload)
    RL_PAGE_GET_CLASS (self)->reload (self, priv->session);
  /* A server that dropped the session (restart, expiry) signs the window out. */
  if (!priv->loading)
    rl_session_check_server_session (priv->session);
}

gboolean
rl_page_get_loading (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_val_if_fail (RL_IS_PAGE (self), FALSE);
  return priv->loading;
}

const char *
rl_page_get_load_error (RlPage *self)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  g_return_val_if_fail (RL_IS_PAGE (self), NULL);
  return priv->load_bar ? rl_load_bar_get_error (priv->load_bar) : NULL;
}

static void
set_loading (RlPage *self, gboolean loading)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);

  if (priv->loading == loading)
    return;
  priv->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
page_load_free (PageLoad *pl)
{
  if (pl->data_free && pl->data)
    pl->data_free (pl->data);
  g_clear_object (&pl->cancellable);
  g_free (pl);
}

static gpointer
page_load_run (RlStore *store, gpointer data, GError **error)
{
  PageLoad *pl = data;

  return pl->load (store, pl->data, error);
}

static void
page_load_apply (gpointer owner, gpointer result, const GError *error, gpointer data)
{
  RlPage *self = RL_PAGE (owner);
  RlPagePrivate *priv = rl_page_get_instance_private (self);
  PageLoad *pl = data;

  /* Only the newest load gets here (an older one was cancelled). */
  if (pl->cancellable == priv->load_cancellable)
    g_clear_object (&priv->load_cancellable);
  /* On a server the bar says what went wrong, with Retry; a file shows its
   * errors in the page, as it always did. */
  if (error == NULL || !rl_session_is_remote (priv->session))
    rl_load_bar_hide (priv->load_bar);
  else
    rl_load_bar_show_error (priv->load_bar, error->message);
  set_loading (self, FALSE);
  pl->apply (self, result, error, pl->data);
  if (priv->session)
    rl_session_check_server_session (priv->session);
}

void
rl_page_load (RlPage          *self,
              const char      *loading_text,
              RlStoreLoadFunc  load,
              RlPageApplyFunc  apply,
              gpointer         data,
              GDestroyNotify   data_free,
              GDestroyNotify   result_free)
{
  RlPagePrivate *priv = rl_page_get_instance_private (self);
  PageLoad *pl;

  g_return_if_fail (RL_IS_PAGE (self));
  g_return_if_fail (priv->session != NULL);
  g_return_if_fail (load != NULL && apply != NULL);

  /* A newer load replaces the one under way. */
  if (priv->load_cancellable)
    g_cancellable_cancel (priv->load_cancellable);
  g_clear_object (&priv->load_cancellable);
  priv->load_cancellable = rl_session_new_cancellable (priv->session);

  pl = g_new0 (PageLoad, 1);
  pl->load = load;
  pl->apply = apply;
  pl->data = data;
  pl->data_free = data_free;
  pl->cancellable = g_object_ref (priv->load_cancellable);
  if (rl_store_load_async (rl_session_get_store (priv->session), G_OBJECT (self), priv->load_cancellable,
                           page_load_run, page_load_apply, pl, (GDestroyNotify) page_load_free, result_free))
    {
      /* Still running (a server): say so until it is done. */
      rl_load_bar_show_loading (priv->load_bar, loading_text);
      set_loading (self, TRUE);
    }
}
