/* bench-remote: what a remote workspace costs the GUI over loopback, as the
 * store calls it makes (the same ones the GUI makes, from one thread):
 *
 *   open the work queue   rl_store_list_work_queue + rl_store_list_users
 *   the hits page         the hits with each one's encounter and derogatory
 *                         records: per hit (as before) and in one call
 *   open a review         get_search, list_candidates, get_release (the match
 *                         threshold), list_conclusions, list_audit (own rows),
 *                         the probe's and first candidate's sample, image
 *                         (PNG) and template — what rl_review_view_new and
 *                         opening candidate 1 read
 *
 * against a running ridgeline-server, and the same calls on the workspace
 * file for comparison (--db).
 *
 * usage: bench-remote --url https://127.0.0.1:PORT --cert CERT.pem --user NAME --password PW
 *                     [--db WORKSPACE.db] [--rounds 20]
 * The searches reviewed are the user's work queue's (read-only: nothing is
 * claimed or written, so every round reads the same). */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "rl-remote.h"
#include "rl-store.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
die (const char *what, GError *error)
{
  fprintf (stderr, "bench-remote: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

/* Every read the review makes on opening search_id and its first candidate. */
static void
open_review (RlStore *store, gint64 search_id, gint64 user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = rl_store_get_search (store, search_id, &error);
  g_autoptr(GPtrArray) candidates = NULL, conclusions = NULL, audit = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  gint64 samples[2];

  if (!search || !(candidates = rl_store_list_candidates (store, search_id, &error)))
    die ("search", error);
  release = rl_store_get_release (store, search->release_id, NULL);
  if (!(conclusions = rl_store_list_conclusions (store, search_id, &error)))
    die ("conclusions", error);
  audit = rl_store_list_audit (store, "search", search_id, user_id, 0, NULL);
  samples[0] = search->probe_sample_id;
  samples[1] = candidates->len ? ((RlSearchCandidate *) g_ptr_array_index (candidates, 0))->sample_id : 0;
  for (guint i = 0; i < 2 && samples[i]; i++)
    {
      g_autoptr(RlSample) sample = rl_store_get_sample (store, samples[i], &error);
      g_autoptr(GBytes) image = NULL, tpl = NULL;

      if (!sample)
        die ("sample", error);
      if (sample->image_sha256 && !(image = rl_store_get_image (store, sample->image_sha256, NULL, &error)))
        die ("image", error);
      tpl = rl_store_get_sample_template (store, samples[i], &error);
      if (error)
        die ("template", error);
    }
}

/* The hits page's reads: as it made them (the hits, then per hit its
 * encounter and its person's derogatory records) and as it makes them now
 * (rl_store_list_hit_rows, one request on a server). */
static void
hits_page (const char *label, RlStore *store, guint rounds)
{
  gboolean remote = rl_store_is_remote (store);
  double per_hit_ms = 0, rows_ms = 0;
  guint per_hit_requests = 0, rows_requests = 0, n_hits = 0;
  g_autoptr(GError) error = NULL;

  for (guint r = 0; r < rounds; r++)
    {
      guint n0 = remote ? rl_remote_get_n_requests (store) : 0;
      double t0 = now_ms ();
      g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, &error);
      g_autoptr(GPtrArray) rows = NULL;

      if (!hits)
        die ("hits", error);
      for (guint i = 0; i < hits->len; i++)
        {
          const RlHit *hit = hits->pdata[i];
          G_GNUC_UNUSED g_autoptr(RlEncounter) encounter = rl_store_get_encounter (store, hit->encounter_id, NULL);
          G_GNUC_UNUSED g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, hit->identity_id, NULL);
        }
      per_hit_ms += now_ms () - t0;
      per_hit_requests = remote ? rl_remote_get_n_requests (store) - n0 : 0;
      n_hits = hits->len;

      n0 = remote ? rl_remote_get_n_requests (store) : 0;
      t0 = now_ms ();
      if (!(rows = rl_store_list_hit_rows (store, 0, &error)))
        die ("hit rows", error);
      rows_ms += now_ms () - t0;
      rows_requests = remote ? rl_remote_get_n_requests (store) - n0 : 0;
    }
  printf ("%-8s hits page (%u hits), per hit as before: mean %.2f ms, %u requests\n", label, n_hits,
          per_hit_ms / rounds, per_hit_requests);
  printf ("%-8s hits page (%u hits), rl_store_list_hit_rows: mean %.2f ms, %u requests\n", label, n_hits,
          rows_ms / rounds, rows_requests);
}

static void
run (const char *label, RlStore *store, gint64 user_id, guint rounds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  GArray *queue_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *review_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double total_q = 0, total_r = 0, worst_q = 0, worst_r = 0;
  guint n_reviews = 0, n_searches = 0;

  for (guint r = 0; r < rounds; r++)
    {
      double t0 = now_ms (), t1;
      g_autoptr(GPtrArray) users = rl_store_list_users (store, &error);

      g_clear_pointer (&queue, g_ptr_array_unref);
      if (!users || !(queue = rl_store_list_work_queue (store, &error)))
        die ("queue", error);
      t1 = now_ms () - t0;
      total_q += t1;
      worst_q = MAX (worst_q, t1);
      n_searches = queue->len;
      for (guint i = 0; i < MIN (queue->len, 5u); i++)
        {
          double s0 = now_ms (), s1;
          open_review (store, ((RlSearch *) g_ptr_array_index (queue, i))->id, user_id);
          s1 = now_ms () - s0;
          total_r += s1;
          worst_r = MAX (worst_r, s1);
          n_reviews++;
        }
    }
  printf ("%-8s work queue (%u searches): mean %.2f ms, worst %.2f ms over %u rounds\n", label, n_searches,
          total_q / rounds, worst_q, rounds);
  if (n_reviews)
    printf ("%-8s open a review (search, candidates, release, conclusions, audit, 2 samples with image and "
            "template): mean %.2f ms, worst %.2f ms over %u openings\n", label, total_r / n_reviews, worst_r,
            n_reviews);
  g_array_unref (queue_ms);
  g_array_unref (review_ms);
  hits_page (label, store, rounds);
}

int
main (int argc, char **argv)
{
  g_autofree char *url = NULL, *cert = NULL, *user = NULL, *password = NULL, *db = NULL;
  int rounds = 20;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server address", "URL" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "The server's certificate (PEM) to pin", "FILE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User name (an examiner)", "NAME" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password", "PW" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The same workspace as a file, for comparison", "PATH" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (20)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— a remote workspace's costs over loopback");
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(RlStore) remote = NULL;
  g_autoptr(RlUser) signed_in = NULL;
  double t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (!url || !user || !password || rounds < 1)
    die ("--url, --user and --password are required", NULL);
  if (cert && !(pinned = g_tls_certificate_new_from_file (cert, &error)))
    die (cert, error);

  t0 = now_ms ();
  if (!(remote = rl_store_open_remote (url, pinned, &error)))
    die (url, error);
  printf ("server   connect (TLS handshake, GET /info): %.2f ms\n", now_ms () - t0);
  t0 = now_ms ();
  if (!(signed_in = rl_remote_sign_in (remote, user, password, &error)))
    die ("sign-in", error);
  printf ("server   sign in (POST /session, PBKDF2 on the server): %.2f ms\n", now_ms () - t0);
  run ("server", remote, signed_in->id, (guint) rounds);
  rl_remote_sign_out (remote, NULL);

  if (db)
    {
      g_autoptr(RlStore) file = rl_store_open (db, &error);
      g_autoptr(RlUser) u = NULL;

      if (!file || !(u = rl_store_get_user_by_name (file, user, &error)) || !rl_store_set_actor (file, u->id, &error))
        die (db, error);
      run ("file", file, u->id, (guint) rounds);
    }
  return 0;
}
