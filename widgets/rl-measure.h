/* rl-measure.h — distance and ridge count between two points of a print.
 *
 * Plain computation on RlImage (no GTK), used by RlPrintView's measuring tool
 * and by anything that needs the same figures (court chart, reports).
 */
#pragma once

#include "rl-types.h"

G_BEGIN_DECLS

/* Distance between two image points in millimetres at the image's
 * resolution (500 ppi when the image says 0). */
double rl_measure_distance_mm (const RlImage *image,
                               double x0, double y0, double x1, double y1);

/* Number of ridges crossed by the segment (x0,y0)–(x1,y1), in image pixels.
 *
 * On a skeleton (is_skeleton TRUE: 0 = ridge pixel, 255 = background) every
 * run of ridge pixels met along the line is one ridge. On a grey print a
 * ridge is a dark run below a threshold that follows the local contrast, so
 * uneven pressure does not hide ridges. As examiners count, the ridges on
 * which the two end points lie are not counted. Returns -1 when the segment
 * leaves the image or is shorter than a pixel. */
int    rl_measure_ridge_count (const RlImage *image,
                               gboolean       is_skeleton,
                               double x0, double y0, double x1, double y1);

G_END_DECLS
