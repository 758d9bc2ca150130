/* bench-encounter-search — time of the automated search of a new encounter
 * (rl_search_encounter: 1:N with the active release, routing, hit, links)
 * on a copy of a workspace.
 *
 *   bench-encounter-search WORKSPACE [N]
 *
 * The workspace is copied to a temporary file (the searches are stored
 * there, not in the original). The last N encounters with templates (default
 * 50) are searched again, one by one; the first search also loads the
 * gallery, so it is reported apart. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "rl-search.h"

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *copy = NULL, *data = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GArray) encounters = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 50, n_hits = 0, n_links = 0, n_samples = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gsize len;
  double first = 0, total = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-encounter-search WORKSPACE [N]\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  dir = g_dir_make_tmp ("rl-bench-search-XXXXXX", NULL);
  copy = g_build_filename (dir, "ws.db", NULL);
  if (!g_file_set_contents (copy, data, (gssize) len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  g_clear_pointer (&data, g_free);

  sqlite3_open_v2 (copy, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_prepare_v2 (db, "SELECT DISTINCT encounter_id FROM sample WHERE template IS NOT NULL "
                          "ORDER BY encounter_id DESC LIMIT ?1", -1, &stmt, NULL);
  sqlite3_bind_int (stmt, 1, (int) n + 1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (encounters, id);
    }
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM sample WHERE template IS NOT NULL", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n_samples = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (!(store = rl_store_open (copy, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < encounters->len; i++)
    {
      RlSearchOutcome outcome;
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (!rl_search_encounter (store, g_array_index (encounters, gint64, i), &outcome, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      if (i == 0)
        {
          first = ms;
          continue;
        }
      g_array_append_val (times, ms);
      total += ms;
      n_hits += outcome.hit_id != 0;
      n_links += outcome.n_links;
    }
  rl_store_close (g_steal_pointer (&store));
  g_unlink (copy);
  {
    g_autofree char *wal = g_strconcat (copy, "-wal", NULL);
    g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  if (times->len == 0)
    {
      fprintf (stderr, "no encounters with templates\n");
      return 1;
    }
  g_array_sort (times, compare_double);
  printf ("gallery: %u templates\n", n_samples);
  printf ("first search (loads the gallery): %.1f ms\n", first);
  printf ("%u encounters: mean %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms (%u hits, %u links)\n", times->len,
          total / times->len, g_array_index (times, double, times->len / 2),
          g_array_index (times, double, (times->len * 9) / 10), g_array_index (times, double, times->len - 1), n_hits,
          n_links);
  return 0;
}
