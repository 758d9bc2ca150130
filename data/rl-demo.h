/* rl-demo.h — builds a believable demo workspace.
 *
 * Users across roles and agencies; identities with multi-year encounter
 * histories across agencies and purposes, with the biographic
 * inconsistencies real records have (spellings, dates of birth); derogatory
 * records on a fraction of them, some restricted; fingerprint samples whose
 * images come from the synthetic generator (matcher/rl-synth.h); optionally
 * real prints enrolled from a folder (FINGER_IMPRESSION.ext, one identity per
 * finger). The same seed gives the same workspace, byte for byte in its
 * tables.
 */
#pragma once

#include <glib.h>

#include "rl-store.h"

G_BEGIN_DECLS

typedef void (*RlDemoProgressFunc) (const char *stage, guint done, guint total, gpointer user_data);

typedef struct {
  guint        n_identities;   /* synthetic identities */
  guint64      seed;
  const char  *import_dir;     /* NULL or a folder of FINGER_IMPRESSION.ext prints */
  guint        n_threads;      /* 0: one per processor */
  gboolean     without_prints; /* biographic history only: no samples (fast; for tests and timeline benchmarks) */
  RlDemoProgressFunc progress; /* nullable */
  gpointer     progress_data;
} RlDemoOptions;

/* Fills an empty workspace (error if it already holds identities). Runs in
 * one transaction: on error nothing is left behind. Then writes the
 * partners' keys file (see below). */
/* Every demo user signs in to ridgeline-server with this password (the
 * demo's data is made up; a real workspace's data steward sets passwords
 * with `ridgeline-cli users set-password`). */
#define RL_DEMO_PASSWORD "ridgeline-demo"

gboolean rl_demo_build (RlStore *store, const RlDemoOptions *options, GError **error);

/* The demo's "now": the fixed moment the history leads up to. */
gint64   rl_demo_now (void);

/* The demo's gateway partners: names by index (NULL past the last). Their
 * API keys are made at random by rl_demo_build and written to
 * rl_demo_partner_keys_path (DB + ".partner-keys", mode 0600: "NAME KEY"
 * lines, '#' comments); the workspace holds only their SHA-256. */
const char *rl_demo_partner_name      (guint index);
char       *rl_demo_partner_keys_path (const char *db_path);
/* The key of one partner from that file (error if the file or the line is missing). */
char       *rl_demo_read_partner_key  (const char *db_path, const char *partner_name, GError **error);

G_END_DECLS
