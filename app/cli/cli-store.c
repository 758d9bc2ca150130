/* cli-store.c — workspace commands: users, audit, demo. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-demo.h"
#include "rl-store.h"
#include "rl-store-credentials.h"

#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%SZ") : g_strdup ("?");
}

static int
audit_verify (RlStore *store, const char *expect_head)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlAuditReport) report = rl_store_verify_audit (store, &error);

  if (report == NULL)
    return rl_cli_fail_error (error);
  if (report->problem != NULL)
    {
      printf (_("TAMPERED: %s\n"), report->problem);
      printf (_("%" G_GUINT64_FORMAT " rows read; the chain breaks at row %" G_GINT64_FORMAT "\n"),
              report->n_rows, report->first_bad_id);
      return 1;
    }
  if (expect_head != NULL && g_ascii_strcasecmp (expect_head, report->head_hash) != 0)
    {
      printf (_("TAMPERED: the chain is consistent but its head %s is not the expected %s "
                "(rows were rewritten or removed since)\n"), report->head_hash, expect_head);
      return 1;
    }
  printf (_("OK: %" G_GUINT64_FORMAT " rows, hash chain intact\nhead %s\n"), report->n_rows, report->head_hash);
  return 0;
}

static int
audit_list (RlStore *store, const char *kind, gint64 object_id, const char *username, int limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 user_id = 0;

  if (username != NULL)
    {
      g_autoptr(RlUser) user = rl_store_get_user_by_name (store, username, &error);
      if (user == NULL)
        return rl_cli_fail_error (error);
      user_id = user->id;
    }
  if (!(entries = rl_store_list_audit (store, kind, object_id, user_id, limit < 0 ? 0 : (guint) limit, &error)))
    return rl_cli_fail_error (error);
  for (guint i = entries->len; i > 0; i--)
    {
      RlAuditEntry *e = g_ptr_array_index (entries, i - 1);
      g_autofree char *at = format_time (e->at);
      g_autofree char *object = e->object_id ? g_strdup_printf ("%s#%" G_GINT64_FORMAT, e->object_kind, e->object_id)
                                             : g_strdup (e->object_kind);

      printf ("%6" G_GINT64_FORMAT "  %s  %-12s %-28s %-22s", e->id, at, e->username[0] ? e->username : "(system)",
              e->action, object);
      if (e->purpose[0])
        printf (_("  purpose: %s"), e->purpose);
      if (e->details[0])
        printf ("  %s", e->details);
      printf ("\n");
    }
  return 0;
}

int
rl_cli_audit (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *expect_head = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *username = NULL;
  gint64 object_id = 0;
  int limit = 50;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "expect-head", 0, 0, G_OPTION_ARG_STRING, &expect_head, N_("verify: the head hash written down earlier"), N_("HASH") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("list: only rows about this kind of object (identity, search, ...)"), N_("KIND") },
    { "id", 0, 0, G_OPTION_ARG_INT64, &object_id, N_("list: only rows about this object id"), N_("ID") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &username, N_("list: only rows by this user"), N_("NAME") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("list: at most this many rows, newest (0 = all; default 50)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("verify|list"));
  g_option_context_set_summary (context,
                                _("Check the hash chain of the workspace’s audit log (verify: exit status 1 and the row "
                                  "when a row was edited or deleted), or list its rows (list)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc != 2 || (strcmp (argv[1], "verify") != 0 && strcmp (argv[1], "list") != 0))
    return rl_cli_fail (_("say “audit verify” or “audit list”")), 2;
  if (db == NULL)
    return rl_cli_fail (_("--db PATH is required")), 2;
  if (!(store = rl_store_open (db, &error)))
    return rl_cli_fail_error (error);
  if (strcmp (argv[1], "verify") == 0)
    return audit_verify (store, expect_head);
  return audit_list (store, kind, object_id, username, limit);
}

static void
demo_progress (const char *stage, guint done, guint total, gpointer user_data)
{
  fprintf (stderr, "\r%s: %u/%u%s", stage, done, total, done == total ? "\n" : "");
  fflush (stderr);
}

static void
remove_workspace (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

int
rl_cli_demo (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *import_dir = NULL;
  gint64 seed = 1;
  int n_identities = 200, n_threads = 0;
  gboolean quiet = FALSE, no_prints = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  RlDemoOptions options = { 0 };
  gint64 start;
  GStatBuf st;
  const GOptionEntry entries[] = {
    { "identities", 'n', 0, G_OPTION_ARG_INT, &n_identities, N_("Synthetic identities to create (default 200)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Seed: the same seed gives the same workspace (default 1)"), N_("S") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file to create (default: $RIDGELINE_DB, else ~/.local/share/ridgeline/workspace.db)"), N_("PATH") },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_dir, N_("Also enroll the real prints in DIR (FINGER_IMPRESSION.tif, one identity per finger)"), N_("DIR") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, N_("Rendering threads (default: one per processor)"), N_("N") },
    { "no-prints", 0, 0, G_OPTION_ARG_NONE, &no_prints, N_("Biographic history only, no fingerprints (fast)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress output"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Build a demo workspace: users across roles and agencies, identities with multi-year "
                                  "encounter histories, biographic inconsistencies, derogatory records and synthetic "
                                  "fingerprints. The same seed gives the same workspace."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (argc > 1)
    return rl_cli_fail (_("unexpected argument “%s”"), argv[1]), 2;
  if (n_identities < 0 || n_identities > 1000000)
    return rl_cli_fail (_("--identities must be 0 to 1000000")), 2;
  if (n_threads < 0 || n_threads > 64)
    return rl_cli_fail (_("--threads must be 0 to 64")), 2;
  if (db == NULL && g_getenv ("RIDGELINE_DB") != NULL)
    db = g_strdup (g_getenv ("RIDGELINE_DB"));
  if (db == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "ridgeline", NULL);
      g_mkdir_with_parents (dir, 0700);
      db = g_build_filename (dir, "workspace.db", NULL);
    }

  start = g_get_monotonic_time ();
  if (!(store = rl_store_create (db, &error)))
    return rl_cli_fail_error (error);
  options.n_identities = n_identities;
  options.seed = (guint64) seed;
  options.import_dir = import_dir;
  options.n_threads = n_threads;
  options.without_prints = no_prints;
  options.progress = quiet ? NULL : demo_progress;
  if (!rl_demo_build (store, &options, &error))
    {
      g_clear_pointer (&store, rl_store_close);
      remove_workspace (db);
      return rl_cli_fail_error (error);
    }
  g_clear_pointer (&store, rl_store_close);
  if (!quiet)
    {
      g_autoptr(RlStore) check = rl_store_open (db, &error);
      guint identities = check ? rl_store_count_identities (check, NULL) : 0;
      gint64 size = g_stat (db, &st) == 0 ? (gint64) st.st_size : -1;
      printf (_("Created %s: %u identities in %.1f s, %.1f MB\n"), db, identities,
              (g_get_monotonic_time () - start) / 1e6, size / 1e6);
      g_autofree char *keys = rl_demo_partner_keys_path (db);
      printf (_("Gateway partners’ API keys (new ones, readable only by you): %s\n"), keys);
    }
  return 0;
}

/* One line from stdin; on a terminal without echo. NULL at end of input. */
static char *
read_password_line (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
  char buf[RL_PASSWORD_MAX_LENGTH + 2];
  char *line;

  if (tty)
    {
      fputs (prompt, stderr);
      fflush (stderr);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  line = fgets (buf, sizeof buf, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }
  if (line == NULL)
    return NULL;
  buf[strcspn (buf, "\r\n")] = '\0';
  line = g_strdup (buf);
  memset (buf, 0, sizeof buf);
  return line;
}

/* users set-password USER --db PATH --as STEWARD: the password is read from
 * the terminal (twice) or from one line of stdin, never from the command line
 * (where other users of the machine could see it). */
static int
users_set_password (const char *db, const char *as_user, const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlUser) steward = NULL, user = NULL;
  g_autofree char *password = NULL, *again = NULL;

  if (as_user == NULL)
    return rl_cli_fail (_("users set-password needs --as USER (a data steward)")), 2;
  if (!(store = rl_store_open (db, &error)) || !(steward = rl_store_get_user_by_name (store, as_user, &error)) ||
      !rl_store_set_actor (store, steward->id, &error) ||
      !(user = rl_store_get_user_by_name (store, username, &error)))
    return rl_cli_fail_error (error);
  if (!(password = read_password_line (_("New password: "))))
    return rl_cli_fail (_("No password given on stdin"));
  if (isatty (STDIN_FILENO))
    {
      again = read_password_line (_("Repeat it: "));
      if (again == NULL || strcmp (password, again) != 0)
        return rl_cli_fail (_("The two passwords differ; nothing was changed"));
    }
  if (!rl_store_set_password (store, user->id, password, &error))
    {
      memset (password, 0, strlen (password));
      return rl_cli_fail_error (error);
    }
  memset (password, 0, strlen (password));
  printf (_("Password set for %s\n"), user->username);
  return 0;
}

int
rl_cli_users (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *as_user = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as_user, N_("Act as this user (a data steward, for set-password)"), N_("USER") },
    { NULL }
  };

  context = g_option_context_new (_("[set-password USER]"));
  g_option_context_set_summary (context, _("List the workspace’s users with their role and agency, or set a "
                                           "user’s password for signing in to ridgeline-server (read from "
                                           "the terminal or one line of stdin)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL)
    return rl_cli_fail (_("--db PATH is required")), 2;
  if (argc >= 2 && strcmp (argv[1], "set-password") == 0)
    {
      if (argc != 3)
        return rl_cli_fail (_("usage: ridgeline-cli users set-password USER --db PATH --as STEWARD")), 2;
      return users_set_password (db, as_user, argv[2]);
    }
  if (argc > 1)
    return rl_cli_fail (_("unknown users command “%s”"), argv[1]), 2;
  if (!(store = rl_store_open (db, &error)) || !(users = rl_store_list_users (store, &error)))
    return rl_cli_fail_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      RlUser *u = g_ptr_array_index (users, i);
      /* Pad by characters, not bytes: names are UTF-8 ("Sofía García"). */
      int pad = 28 - (int) g_utf8_strlen (u->display_name, -1);
      printf ("%-16s %s%*s %-14s %s%s\n", u->username, u->display_name, MAX (pad, 0), "", rl_role_to_id (u->role),
              u->agency, u->active ? "" : _(" (disabled)"));
    }
  return 0;
}
