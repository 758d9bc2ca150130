/* rl-extract-private.h — the extraction pipeline's internal state, shared by
 * rl-extract.c, rl-enhance.c, rl-minutiae.c and rl-singularity.c. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "rl-types.h"

G_BEGIN_DECLS

/* Blocks of the orientation / period / quality fields, in pixels at 500 ppi. */
#define RL_BLOCK 8

typedef struct {
  int       w, h;        /* image size */
  int       bw, bh;      /* block grid */
  const uint8_t *grey;   /* the 500 ppi image */
  float    *norm;        /* contrast-normalised image, ridges positive */
  float    *contrast;    /* per block: local grey standard deviation */
  float    *energy;      /* per block: gradient energy */
  float    *orient;      /* per block: ridge direction, image coordinates (y down), [0, π) */
  float    *coherence;   /* per block: 0..1 */
  float    *flow;        /* per block: coherence over a 7 × 7 block (56 px) window, 0..1 */
  float    *period;      /* per block: ridge period, pixels */
  float    *period_raw;  /* per block: measured period, 0 where none could be measured */
  uint8_t  *bmask;       /* per block: 1 = foreground */
  uint8_t  *mask;        /* per pixel: 1 = foreground */
  uint8_t  *border_dist; /* per pixel: chessboard distance to the background, capped at 255 */
  float    *enh;         /* per pixel: Gabor response, ridges positive */
  uint8_t  *ridge;       /* per pixel: 1 = ridge after binarisation */
  uint8_t  *skel;        /* per pixel: 1 = skeleton */
  uint8_t  *bquality;    /* per block: 0..100 */
} RlExtractCtx;

/* rl-enhance.c */
void     rl_enhance_normalise   (RlExtractCtx *c);
void     rl_enhance_orientation (RlExtractCtx *c);
gboolean rl_enhance_segment     (RlExtractCtx *c);   /* FALSE: no print area */
void     rl_enhance_period      (RlExtractCtx *c);
void     rl_enhance_gabor       (RlExtractCtx *c);
void     rl_enhance_binarise_and_thin (RlExtractCtx *c);
/* Orientation (image coordinates, [0, π)) and period at a pixel,
 * interpolated between block centres. */
void     rl_enhance_field_at    (const RlExtractCtx *c, float x, float y, float *theta, float *period);

/* rl-minutiae.c */
GArray  *rl_minutiae_detect     (RlExtractCtx *c);    /* of RlMinutia */

/* rl-singularity.c */
GArray  *rl_singularities_detect (RlExtractCtx *c);   /* of RlSingularity */

/* rl-quality.c */
void     rl_quality_blocks       (RlExtractCtx *c);
int      rl_quality_score        (RlExtractCtx *c);

static inline float
rl_wrap_pi (float a)  /* into [0, π) */
{
  while (a < 0)
    a += (float) G_PI;
  while (a >= (float) G_PI)
    a -= (float) G_PI;
  return a;
}

static inline float
rl_wrap_2pi (float a)  /* into [0, 2π) */
{
  while (a < 0)
    a += (float) (2 * G_PI);
  while (a >= (float) (2 * G_PI))
    a -= (float) (2 * G_PI);
  return a;
}

G_END_DECLS
