/* ridgeline-server — the workstation API over HTTPS for one workspace.
 *
 *   ridgeline-server --db PATH [--address 127.0.0.1] [--port 8443]
 *                    [--cert PEM --key PEM] [--insecure-http]
 *
 * Without --cert/--key the server uses PATH.server-cert.pem and
 * PATH.server-key.pem beside the workspace, making a self-signed pair there
 * on first use; it prints the certificate's SHA-256 fingerprint so that
 * clients can pin it. SIGTERM or SIGINT shut it down gracefully. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "rl-server.h"

typedef struct {
  GMainLoop *loop;
  RlServer  *server;
  gboolean   stopping;
} Context;

static void
shutdown_done (RlServer *server, gpointer data)
{
  Context *context = data;

  g_message ("Stopped; the workspace is closed");
  g_main_loop_quit (context->loop);
}

static gboolean
on_signal (gpointer data)
{
  Context *context = data;

  if (context->stopping)
    return G_SOURCE_CONTINUE;
  context->stopping = TRUE;
  g_message ("Shutting down: finishing the requests in flight");
  rl_server_shutdown (context->server, 10, G_CALLBACK (shutdown_done), context);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *db = NULL, *address = NULL, *cert = NULL, *key = NULL, *hostname = NULL;
  gboolean insecure = FALSE;
  int port = 8443, max_body_kib = 1024, max_upload_mib = 32, idle_timeout = 30, workers = 2, max_queued = 64;
  double rate = 20, burst = 60;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(RlServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *uri = NULL;
  RlServerLimits limits;
  RlStore *store;
  Context context = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("IP address to listen on (127.0.0.1)"), N_("IP") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (8443; 0 = any free port)"), N_("N") },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_("TLS certificate (PEM)"), N_("PEM") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("TLS private key (PEM)"), N_("PEM") },
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &hostname, N_("Name put in a generated certificate (localhost)"), N_("NAME") },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure, N_("Serve plain HTTP without TLS (tests, or behind a TLS proxy)"), NULL },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, N_("Requests per second per client (20; 0 = no limit)"), N_("N") },
    { "burst", 0, 0, G_OPTION_ARG_DOUBLE, &burst, N_("Requests a client may send at once (60)"), N_("N") },
    { "max-body", 0, 0, G_OPTION_ARG_INT, &max_body_kib, N_("Largest request body in KiB (1024)"), N_("KIB") },
    { "max-upload", 0, 0, G_OPTION_ARG_INT, &max_upload_mib, N_("Largest imported file or partner transaction in MiB (32)"), N_("MIB") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Seconds before an idle connection is closed (30)"), N_("S") },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, N_("Threads for searches and partner submissions, each with its own connection; they share one search gallery (2)"), N_("N") },
    { "max-queued", 0, 0, G_OPTION_ARG_INT, &max_queued, N_("Searches that may wait for a worker before new ones get 503 (64; 0 = no limit)"), N_("N") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, RL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  options = g_option_context_new (NULL);
  g_option_context_set_summary (options, _("Serve a workspace to Ridgeline workstations over HTTPS (JSON API)."));
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      fprintf (stderr, "ridgeline-server: %s\n", error->message);
      return 2;
    }
  if (db == NULL)
    {
      fprintf (stderr, "ridgeline-server: %s\n", _("--db PATH is required"));
      return 2;
    }
  if (port < 0 || port > 65535 || max_body_kib < 1 || max_body_kib > 1024 * 1024 || max_upload_mib < 1 ||
      max_upload_mib > 256 || idle_timeout < 0 || rate < 0 ||
      burst < 1 || workers < 1 || workers > 64 || max_queued < 0)
    {
      fprintf (stderr, "ridgeline-server: %s\n",
               _("--port, --max-body, --max-upload (1–256), --idle-timeout, --rate, --burst, --workers (1–64) or --max-queued is out of range"));
      return 2;
    }
  if ((cert == NULL) != (key == NULL))
    {
      fprintf (stderr, "ridgeline-server: %s\n", _("Give --cert and --key together"));
      return 2;
    }

  if (!insecure)
    {
      gboolean created = FALSE;
      g_autofree char *fingerprint = NULL;

      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          fprintf (stderr, "ridgeline-server: %s\n",
                   _("TLS is not available: install glib-networking (or use --insecure-http for tests)"));
          return 1;
        }
      if (cert == NULL)
        {
          cert = g_strconcat (db, ".server-cert.pem", NULL);
          key = g_strconcat (db, ".server-key.pem", NULL);
        }
      if (!(certificate = rl_server_load_or_create_certificate (cert, key, hostname, &created, &error)))
        {
          fprintf (stderr, "ridgeline-server: %s\n", error->message);
          return 1;
        }
      fingerprint = rl_server_certificate_fingerprint (certificate);
      if (created)
        printf (_("Made a self-signed certificate: %s (key %s)\n"), cert, key);
      printf (_("Certificate SHA-256 fingerprint: %s\n"), fingerprint);
    }

  if (!(store = rl_store_open (db, &error)))
    {
      fprintf (stderr, "ridgeline-server: %s\n", error->message);
      return 1;
    }
  rl_server_limits_init_default (&limits);
  limits.max_body_bytes = (gsize) max_body_kib * 1024;
  limits.max_upload_bytes = (gsize) max_upload_mib * 1024 * 1024;
  limits.rate_per_second = rate;
  limits.rate_burst = burst;
  limits.idle_timeout_seconds = idle_timeout;
  limits.worker_threads = (guint) workers;
  limits.max_queued_jobs = (guint) max_queued;
  server = rl_server_new (store, &limits);
  if (!rl_server_listen (server, address ? address : "127.0.0.1", port, certificate, &error))
    {
      fprintf (stderr, "ridgeline-server: %s\n", error->message);
      return 1;
    }
  uri = g_strdup_printf ("%s://%s:%u/api/v1/", certificate ? "https" : "http", address ? address : "127.0.0.1",
                         rl_server_get_port (server));
  printf (_("Serving %s on %s\n"), db, uri);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  context.loop = loop;
  context.server = server;
  g_unix_signal_add (SIGTERM, on_signal, &context);
  g_unix_signal_add (SIGINT, on_signal, &context);
  g_main_loop_run (loop);
  return 0;
}
