/* rl-encounter-pane.h — one encounter as its agency recorded it: when,
 * where, why, the biographic data as given then, its prints as thumbnails
 * and the searches and hits it led to. Shown beside an identity's record
 * when a timeline mark or an encounter row is activated. CSS name:
 * encounter-pane. */
#pragma once

#include <adwaita.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_TYPE_ENCOUNTER_PANE (rl_encounter_pane_get_type ())
G_DECLARE_FINAL_TYPE (RlEncounterPane, rl_encounter_pane, RL, ENCOUNTER_PANE, GtkBox)

GtkWidget *rl_encounter_pane_new (void);

/* Fills the pane with the encounter; FALSE with error when it cannot be
 * read (the pane is left empty). */
gboolean   rl_encounter_pane_show_encounter (RlEncounterPane *self, RlStore *store, gint64 encounter_id,
                                             GError **error);
/* The encounter shown, 0 when none. */
gint64     rl_encounter_pane_get_encounter_id (RlEncounterPane *self);

/* A thumbnail of a stored print (PNG, WSQ, ...) decoded through the
 * matcher's image reader; NULL when the image cannot be read. */
GdkTexture *rl_print_thumbnail_new (RlStore *store, const char *sha256);

/* "Right index" etc.; "Unknown finger" for 0. */
const char *rl_finger_label (int finger);

G_END_DECLS
