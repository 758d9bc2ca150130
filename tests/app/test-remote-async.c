/* A slow server does not freeze the window (issue #9, "works the same
 * against the server as against a local file").
 *
 * The real GUI talks to the real ridgeline-server program through a TCP
 * proxy in this test (loopback). The proxy passes the bytes through
 * untouched (TLS end to end: the pinned certificate is the server's) and,
 * when told to, HOLDS what the server sends back until the test releases
 * it. Nothing waits for a time: while a reply is held the test checks, by
 * conditions, that
 *   - the main loop keeps running (a timeout source the test adds fires),
 *   - the page shows its loading state (a screenshot is taken and looked at),
 *   - another sidebar page can be chosen and is shown,
 *   - opening a review from the work queue shows its window at once, saying
 *     the review is on its way;
 * and after the release that the pages and the review show the server's data.
 *
 * Then a server that stops answering: with RIDGELINE_REMOTE_TIMEOUT=2 in the
 * environment of a second window's store, the held reply becomes the error
 * banner ("did not answer within 2 seconds") with Retry, and Retry after the
 * release shows the data. The test waits for the banner, not for a time. */
#include <adwaita.h>
#include <gio/gio.h>
#include <string.h>

#include "rl-application.h"
#include "rl-load-bar.h"
#include "rl-page.h"
#include "rl-queue-page.h"
#include "rl-review-view.h"
#include "rl-store-credentials.h"
#include "rl-table-view.h"
#include "rl-window-private.h"

#include "gui-test-util.h"
#include "review-workspace.h"
#include "server-test-util.h"

#define PASSWORD "correct horse battery"

/* ---- the holding proxy ------------------------------------------------- */

typedef struct {
  GSocketListener *listener;
  guint16          port;
  guint16          server_port;
  GMutex           lock;
  GCond            cond;
  gboolean         hold;            /* server → client bytes wait while TRUE */
  guint            held_chunks;     /* reads from the server waiting to be passed on */
  guint64          to_server;       /* bytes passed client → server, ever */
} Proxy;

static Proxy proxy;

typedef struct {
  GIOStream *from;
  GIOStream *to;
  gboolean   from_server;
} Pump;

static gpointer
pump_thread (gpointer data)
{
  Pump *pump = data;
  GInputStream *in = g_io_stream_get_input_stream (pump->from);
  GOutputStream *out = g_io_stream_get_output_stream (pump->to);
  guint8 buffer[16384];
  gssize n;

  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_mutex_lock (&proxy.lock);
      if (pump->from_server)
        {
          proxy.held_chunks++;
          g_cond_broadcast (&proxy.cond);
          while (proxy.hold)
            g_cond_wait (&proxy.cond, &proxy.lock);
          proxy.held_chunks--;
        }
      else
        proxy.to_server += (guint64) n;
      g_mutex_unlock (&proxy.lock);
      if (!g_output_stream_write_all (out, buffer, (gsize) n, NULL, NULL, NULL))
        break;
    }
  /* One side closed (or the client cancelled): close both. */
  g_io_stream_close (pump->from, NULL, NULL);
  g_io_stream_close (pump->to, NULL, NULL);
  g_object_unref (pump->from);
  g_object_unref (pump->to);
  g_free (pump);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  for (;;)
    {
      g_autoptr(GSocketConnection) client = g_socket_listener_accept (proxy.listener, NULL, NULL, NULL);
      g_autoptr(GSocketClient) connector = NULL;
      g_autoptr(GSocketConnection) server = NULL;
      Pump *up, *down;

      if (client == NULL)
        return NULL;   /* the listener was closed */
      connector = g_socket_client_new ();
      if (!(server = g_socket_client_connect_to_host (connector, "127.0.0.1", proxy.server_port, NULL, NULL)))
        continue;
      up = g_new0 (Pump, 1);
      up->from = G_IO_STREAM (g_object_ref (client));
      up->to = G_IO_STREAM (g_object_ref (server));
      down = g_new0 (Pump, 1);
      down->from = G_IO_STREAM (g_object_ref (server));
      down->to = G_IO_STREAM (g_object_ref (client));
      down->from_server = TRUE;
      g_thread_unref (g_thread_new ("proxy-up", pump_thread, up));
      g_thread_unref (g_thread_new ("proxy-down", pump_thread, down));
    }
}

static void
proxy_start (const char *server_url)
{
  g_autoptr(GError) error = NULL;

  g_mutex_init (&proxy.lock);
  g_cond_init (&proxy.cond);
  proxy.server_port = (guint16) g_ascii_strtoull (strrchr (server_url, ':') + 1, NULL, 10);
  proxy.listener = g_socket_listener_new ();
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_listener_add_address (proxy.listener, any, G_SOCKET_TYPE_STREAM,
                                                  G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
    g_assert_no_error (error);
    proxy.port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  g_thread_unref (g_thread_new ("proxy-accept", accept_thread, NULL));
}

static void
proxy_hold (void)
{
  g_mutex_lock (&proxy.lock);
  proxy.hold = TRUE;
  g_mutex_unlock (&proxy.lock);
}

static void
proxy_release (void)
{
  g_mutex_lock (&proxy.lock);
  proxy.hold = FALSE;
  g_cond_broadcast (&proxy.cond);
  g_mutex_unlock (&proxy.lock);
}

static guint64
proxy_bytes_to_server (void)
{
  guint64 n;

  g_mutex_lock (&proxy.lock);
  n = proxy.to_server;
  g_mutex_unlock (&proxy.lock);
  return n;
}

static guint
proxy_held_chunks (void)
{
  guint n;

  g_mutex_lock (&proxy.lock);
  n = proxy.held_chunks;
  g_mutex_unlock (&proxy.lock);
  return n;
}

/* ---- waiting for conditions (bounded only so a broken test fails) ------ */

static void
wait_until (gboolean (*done) (gpointer), gpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!done (data))
    g_error ("still waiting for %s", what);
}

static gboolean
is_loading (gpointer page)
{
  return rl_page_get_loading (RL_PAGE (page));
}

static gboolean
reply_held (gpointer data)
{
  /* the request reached the server and its answer waits in the proxy */
  return proxy_bytes_to_server () > *(guint64 *) data && proxy_held_chunks () > 0;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
has_load_error (gpointer page)
{
  return rl_page_get_load_error (RL_PAGE (page)) != NULL;
}

/* The main loop runs while the reply is held: a source added now fires. */
static void
assert_main_loop_runs (void)
{
  gboolean fired = FALSE;

  g_timeout_add (10, set_flag, &fired);
  wait_until (flag_set, &fired, "a timeout source while the reply is held");
  g_assert_true (fired);
}

/* The sidebar row of a page, activated as a click or Enter would. */
static void
click_sidebar (RlWindow *window, const char *title)
{
  GtkWidget *label = rl_gui_find (GTK_WIDGET (window->sidebar_list), rl_gui_is_label, title);
  GtkWidget *row;

  g_assert_nonnull (label);
  row = gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));
}

static GtkWindow *
find_review_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (g_object_get_data (G_OBJECT (w), "rl-load-bar") != NULL)
        return w;
    }
  return NULL;
}

static gboolean
review_window_shown (gpointer data)
{
  return find_review_window () != NULL;
}

/* ---- the test ---------------------------------------------------------- */

typedef struct {
  Workspace           ws;
  RlTestServerProcess server;
  char               *proxy_url;
  gboolean            ran;
} Fixture;

static void
prepare_workspace (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (f->ws.path, &error);
  g_autoptr(GPtrArray) users = NULL;

  g_assert_no_error (error);
  users = rl_store_list_users (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < users->len; i++)
    g_assert_true (rl_store_set_password_full (store, ((RlUser *) g_ptr_array_index (users, i))->id, PASSWORD, 2000,
                                               &error));
  g_assert_no_error (error);
}

static void
held_flow (RlApplication *app, RlWindow *window, Fixture *f)
{
  GtkWidget *queue, *searches;
  GtkWindow *review_window;
  RlLoadBar *bar;
  RlReviewView *view;
  guint64 sent;

  rl_application_open_server (app, f->proxy_url, f->server.certificate);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  rl_gui_type_sign_in (window, "ana", PASSWORD);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");
  queue = gtk_stack_get_child_by_name (window->page_stack, "queue");
  searches = gtk_stack_get_child_by_name (window->page_stack, "searches");
  g_assert_true (rl_window_show_page (window, "queue"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, 1);

  /* The searches page, with the server's answer held. */
  proxy_hold ();
  sent = proxy_bytes_to_server ();
  click_sidebar (window, "Searches");
  g_assert_cmpstr (rl_window_get_page (window), ==, "searches");
  wait_until (is_loading, searches, "the searches page to start loading");
  wait_until (reply_held, &sent, "the server's reply to reach the proxy");
  assert_main_loop_runs ();
  g_assert_true (rl_page_get_loading (RL_PAGE (searches)));
  rl_gui_wait_for_paint (GTK_WIDGET (window));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-async-loading");
  {
    g_autofree char *text = rl_gui_visible_text (searches);
    g_test_message ("while held: %s", text);
    g_assert_nonnull (strstr (text, "Reading the searches from the server"));
  }

  /* Another page can be chosen meanwhile: the window answers. */
  click_sidebar (window, "Work Queue");
  g_assert_cmpstr (rl_window_get_page (window), ==, "queue");
  g_assert_true (gtk_stack_get_visible_child (window->page_stack) == queue);
  assert_main_loop_runs ();
  rl_gui_wait_for_paint (GTK_WIDGET (window));

  /* Released: both pages show the server's data. */
  proxy_release ();
  rl_gui_wait_for_loads ();
  g_assert_false (rl_page_get_loading (RL_PAGE (searches)));
  g_assert_false (rl_page_get_loading (RL_PAGE (queue)));
  g_assert_null (rl_page_get_load_error (RL_PAGE (queue)));
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (searches, RL_TYPE_TABLE_VIEW))), >=, 1);
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, 1);

  /* Opening the review (a row activated in the queue) with the reply held:
   * its window is there at once, saying so; the main loop runs. */
  proxy_hold ();
  sent = proxy_bytes_to_server ();
  g_signal_emit_by_name (rl_table_view_get_column_view (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))),
                         "activate", 0);
  wait_until (review_window_shown, NULL, "the review's window");
  review_window = find_review_window ();
  bar = g_object_get_data (G_OBJECT (review_window), "rl-load-bar");
  g_assert_true (rl_load_bar_is_loading (bar));
  wait_until (reply_held, &sent, "the server's reply to reach the proxy");
  assert_main_loop_runs ();
  g_assert_true (rl_load_bar_is_loading (bar));
  g_assert_null (g_object_get_data (G_OBJECT (review_window), "rl-review-view"));
  rl_gui_wait_for_paint (GTK_WIDGET (review_window));
  rl_gui_screenshot (GTK_WIDGET (review_window), "remote-async-review-loading");
  /* the queue window still answers */
  click_sidebar (window, "Searches");
  g_assert_cmpstr (rl_window_get_page (window), ==, "searches");

  proxy_release ();
  rl_gui_wait_for_loads ();
  view = g_object_get_data (G_OBJECT (review_window), "rl-review-view");
  g_assert_nonnull (view);
  g_assert_false (rl_load_bar_is_loading (bar));
  g_assert_cmpint (rl_review_view_get_search_id (view), ==, f->ws.search_id);
  g_assert_cmpuint (rl_review_view_get_n_candidates (view), ==, f->ws.n_candidates);
  /* claimed on the server while opening */
  g_assert_cmpint (rl_test_count_rows (f->ws.path, "SELECT count(*) FROM search WHERE status = 'in-review' AND "
                                       "claimed_by = (SELECT id FROM user WHERE username = 'ana')"), ==, 1);
  rl_gui_wait_for_frame (GTK_WIDGET (review_window));
  rl_gui_screenshot (GTK_WIDGET (review_window), "remote-async-review");
  gtk_window_destroy (review_window);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
}

/* A server that stops answering: the request times out (2 s, from the
 * environment) and the page says so, with Retry. */
static void
timeout_flow (RlApplication *app, RlWindow *window, Fixture *f)
{
  GtkWidget *queue;
  GtkWidget *retry;
  guint64 sent;
  const char *error;
  guint n_rows;

  queue = gtk_stack_get_child_by_name (window->page_stack, "queue");
  g_assert_true (rl_window_show_page (window, "queue"));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  n_rows = rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW)));

  proxy_hold ();
  sent = proxy_bytes_to_server ();
  rl_page_reload (RL_PAGE (queue));
  g_assert_true (rl_page_get_loading (RL_PAGE (queue)));
  wait_until (reply_held, &sent, "the server's reply to reach the proxy");
  wait_until (has_load_error, queue, "the request to time out");
  error = rl_page_get_load_error (RL_PAGE (queue));
  g_test_message ("timed out: %s", error);
  g_assert_nonnull (strstr (error, "did not answer within 2 seconds"));
  g_assert_nonnull (strstr (error, f->proxy_url));
  g_assert_false (rl_page_get_loading (RL_PAGE (queue)));
  rl_gui_wait_for_paint (GTK_WIDGET (window));
  rl_gui_screenshot (GTK_WIDGET (window), "remote-async-timeout");
  {
    g_autofree char *text = rl_gui_visible_text (queue);
    g_assert_nonnull (strstr (text, "did not answer within 2 seconds"));
  }
  /* still signed in: a slow server is not a refused session */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "session");

  /* The server answers again: Retry shows the queue. */
  proxy_release ();
  retry = rl_gui_find (queue, rl_gui_is_label, "Retry");
  g_assert_nonnull (retry);
  retry = gtk_widget_get_ancestor (retry, GTK_TYPE_BUTTON);
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_visible (retry));
  g_signal_emit_by_name (retry, "clicked");
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (rl_page_get_load_error (RL_PAGE (queue)));
  g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (rl_gui_find_type (queue, RL_TYPE_TABLE_VIEW))), ==, n_rows);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (rl_gui_find_type (queue, RL_TYPE_LOAD_BAR))));
  f->ran = TRUE;
}

static void
on_activate (RlApplication *app, Fixture *f)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (RL_IS_WINDOW (window));
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  held_flow (app, RL_WINDOW (window), f);
  /* The store reads the timeout when it is opened: a fresh one. */
  g_setenv ("RIDGELINE_REMOTE_TIMEOUT", "2", TRUE);
  rl_window_open_workspace (RL_WINDOW (window), f->proxy_url);
  rl_gui_wait_for_frame (GTK_WIDGET (window));
  rl_gui_type_sign_in (RL_WINDOW (window), "ana", PASSWORD);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (RL_WINDOW (window)->main_stack), ==, "session");
  timeout_flow (app, RL_WINDOW (window), f);
  g_unsetenv ("RIDGELINE_REMOTE_TIMEOUT");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_remote_async (void)
{
  Fixture f = { 0 };
  g_autoptr(RlApplication) app = NULL;
  char *argv[] = { "ridgeline", NULL };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  if (!make_workspace (&f.ws))
    {
      g_test_skip ("the FVC2002 prints are not in RIDGELINE_SHARED");
      return;
    }
  prepare_workspace (&f);
  rl_test_server_spawn (&f.server, RL_SERVER_PATH, f.ws.path, "0", NULL);
  proxy_start (f.server.url);
  f.proxy_url = g_strdup_printf ("https://127.0.0.1:%u", proxy.port);
  g_test_message ("proxy at %s for %s", f.proxy_url, f.server.url);
  g_unsetenv ("RIDGELINE_DB");
  g_unsetenv ("RIDGELINE_REMOTE_TIMEOUT");
  app = rl_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &f);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);
  g_assert_true (f.ran);
  g_socket_listener_close (proxy.listener);
  rl_test_server_clear (&f.server);
  g_free (f.proxy_url);
  g_free (f.ws.path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 77;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/app/remote/async/held-reply-and-timeout", test_remote_async);
  return g_test_run ();
}
