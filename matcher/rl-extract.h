/* rl-extract.h — from a print image to a template: minutiae, cores and
 * deltas, quality, and every intermediate an examiner may want to look at.
 *
 * The pipeline: resolution normalised to 500 ppi; local contrast
 * normalisation; foreground segmentation; orientation field (smoothed
 * gradient tensor) and ridge period; contextual Gabor enhancement;
 * binarisation and thinning; minutiae by crossing number with false-minutia
 * removal (mask edge, spurs, bridges, breaks, short ridges, clusters);
 * cores and deltas by Poincaré index; a quality map and a quality score. */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

typedef struct _RlExtraction RlExtraction;

/* Fails with RL_MATCHER_ERROR_NO_PRINT for a blank or all-black image, or one
 * with too little ridge area to hold a print. */
RlExtraction     *rl_extract                      (const RlImage *image, GError **error);
const RlTemplate *rl_extraction_get_template      (RlExtraction *ex);
/* The input normalised to 500 ppi. */
const RlImage    *rl_extraction_get_image         (RlExtraction *ex);
/* 255 = foreground (the print), 0 = background; same size as the image. */
const RlImage    *rl_extraction_get_mask          (RlExtraction *ex);
/* The Gabor-enhanced image: ridges dark, valleys light, background white. */
const RlImage    *rl_extraction_get_enhanced      (RlExtraction *ex);
/* 0 = ridge skeleton pixel, 255 = background. */
const RlImage    *rl_extraction_get_skeleton      (RlExtraction *ex);
/* 0..100 per pixel, constant over each block; 0 outside the print. */
const RlImage    *rl_extraction_get_quality_map   (RlExtraction *ex);
/* Ridge direction per block in radians, [0, π), measured like minutia
 * angles (counter-clockwise from the x axis, y up). Block (c, r) covers
 * pixels [c·block_size, (c+1)·block_size) × [r·block_size, (r+1)·block_size).
 * Background blocks hold NAN. */
const float      *rl_extraction_get_orientation   (RlExtraction *ex, int *block_size, int *cols, int *rows);
/* Ridge period in pixels per block (NAN in the background). */
const float      *rl_extraction_get_ridge_period  (RlExtraction *ex, int *block_size, int *cols, int *rows);
/* Milliseconds the extraction took (resampling included). */
double            rl_extraction_get_elapsed_ms    (RlExtraction *ex);
void              rl_extraction_free              (RlExtraction *ex);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExtraction, rl_extraction_free)

/* Convenience: the template alone. */
RlTemplate       *rl_extract_template             (const RlImage *image, GError **error);

G_END_DECLS
