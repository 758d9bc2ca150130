/* rl-synth.h — synthetic fingerprints for demo workspaces and benchmarks.
 *
 * In the spirit of SFinGe (Cappelli, Maio, Maltoni): a *master finger* holds a
 * pattern class, cores and deltas, an orientation field built from them
 * (zero-pole model of Sherlock and Monro with a fingertip correction), a
 * ridge-period map, a fingertip silhouette and a ridge pattern grown from
 * random seeds by iterative contextual Gabor filtering. Minutiae appear where
 * growing ridge fronts meet, as in real skin.
 *
 * An *impression* is one capture of that finger: placement, rotation, elastic
 * skin distortion, pressure (dry / over-pressed), sensor noise and partial
 * contact. rl_synth_render() turns finger + impression into a 500 ppi grey
 * image of RL_SYNTH_WIDTH x RL_SYNTH_HEIGHT pixels (0 = ridge, as a live-scan).
 *
 * Everything is deterministic: the same seed (and the same impression values)
 * gives a byte-identical image with the same build. Finger coordinates are the
 * pixel coordinates of the neutral impression (rl_synth_render with NULL).
 * Angles follow rl-types.h: radians, counter-clockwise with y up.
 */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

#define RL_SYNTH_WIDTH  400
#define RL_SYNTH_HEIGHT 500

typedef struct _RlSynthFinger RlSynthFinger;

/* Henry pattern classes, drawn with their natural frequencies (biased by the
 * finger position: right-hand fingers carry more right loops, and so on). */
typedef enum {
  RL_SYNTH_CLASS_ARCH = 0,
  RL_SYNTH_CLASS_TENTED_ARCH,
  RL_SYNTH_CLASS_LEFT_LOOP,
  RL_SYNTH_CLASS_RIGHT_LOOP,
  RL_SYNTH_CLASS_WHORL,
} RlSynthClass;

typedef struct {
  float dx, dy, rotation;   /* px, px, radians (counter-clockwise as seen) */
  float distortion;         /* 0..1: elastic skin distortion, grows away from the contact centre */
  float pressure;           /* -1 dry (thin, broken ridges) .. +1 over-pressed (thick, merged ridges) */
  float noise;              /* 0..1: sensor noise, smudges, uneven contrast */
  float partial;            /* 0 = whole print, up to ~0.5 = half of the contact area missing */
} RlSynthImpression;

RlSynthFinger *rl_synth_finger_new (guint64 seed, RlFingerPosition position);
void           rl_synth_finger_free (RlSynthFinger *finger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSynthFinger, rl_synth_finger_free)

/* A realistic random variation, as a live-scan operator would produce. */
void     rl_synth_impression_random (guint64 seed, RlSynthImpression *out);

/* The print, RL_SYNTH_WIDTH x RL_SYNTH_HEIGHT at 500 ppi; NULL impression =
 * neutral (finger coordinates = image coordinates, no distortion, no noise). */
RlImage *rl_synth_render (const RlSynthFinger *finger, const RlSynthImpression *impression, GError **error);

/* Ground truth of the master finger (finger coordinates). Only the
 * singularities that lie on the finger's skin are listed. */
const RlSingularity *rl_synth_finger_get_singularities (const RlSynthFinger *finger, guint *n);
float    rl_synth_finger_get_ridge_period (const RlSynthFinger *finger);   /* mean over the finger, pixels */
float    rl_synth_finger_orientation_at   (const RlSynthFinger *finger, float x, float y); /* ridge direction, radians [0, π) */

/* Additions beyond the contract. */
RlSynthClass rl_synth_finger_get_class          (const RlSynthFinger *finger);
const char  *rl_synth_class_to_string           (RlSynthClass klass);  /* "arch", "tented arch", "left loop", … */
float        rl_synth_finger_ridge_period_at    (const RlSynthFinger *finger, float x, float y); /* pixels */
gboolean     rl_synth_finger_contains           (const RlSynthFinger *finger, float x, float y); /* on the finger's skin */
/* The master ridge pattern as an image (0 = ridge, 255 = valley / off the finger). */
RlImage     *rl_synth_finger_render_master      (const RlSynthFinger *finger);

/* The exact geometric mapping rl_synth_render uses (NULL impression = identity).
 * impression_to_finger: where the skin seen at image pixel (x, y) lies on the
 * finger; finger_to_impression: its inverse (solved iteratively, ~0.01 px). */
void rl_synth_impression_to_finger (const RlSynthFinger *finger, const RlSynthImpression *impression,
                                    float x, float y, float *finger_x, float *finger_y);
/* Ground-truth minutiae (and singularities) of the master finger, in finger
 * coordinates, read off its ridge pattern; and the same minutiae where an
 * impression shows them (mapped through its transform, only those in good
 * contact). Angles as rl-types.h. What a perfect extractor would find. */
RlTemplate *rl_synth_finger_get_template     (const RlSynthFinger *finger);
RlTemplate *rl_synth_impression_get_template (const RlSynthFinger *finger, const RlSynthImpression *impression);

void rl_synth_finger_to_impression (const RlSynthFinger *finger, const RlSynthImpression *impression,
                                    float finger_x, float finger_y, float *x, float *y);

G_END_DECLS
