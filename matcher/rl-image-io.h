/* rl-image-io.h — reading and writing print images.
 *
 * PNG, JPEG, TIFF and BMP are decoded through OpenCV (rl-cv.cpp); PGM (P5 and
 * P2) is read in plain C, WSQ by our own codec (rl-wsq.c); raw 8-bit grey
 * pixels can be wrapped directly.
 * Every image is checked before it is decoded: an empty, tiny (under
 * RL_IMAGE_MIN_SIDE), huge (over RL_IMAGE_MAX_SIDE a side), truncated or
 * non-image input gets an RL_MATCHER_ERROR naming the problem. */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

/* ppi 0 means 500 (for WSQ: the resolution the file records, else 500). The image keeps its own resolution: call
 * rl_image_resample() to bring it to 500 ppi. */
RlImage *rl_image_load           (const char *path, int ppi, GError **error);
RlImage *rl_image_load_from_data (const guint8 *data, gsize len, int ppi, GError **error);
RlImage *rl_image_new_from_raw   (const guint8 *pixels, int width, int height, int ppi, GError **error);

/* format: "png", "tiff", "jpeg", "bmp", "pgm" or "wsq" (at RL_WSQ_DEFAULT_BITRATE;
 * rl_wsq_encode() takes another bitrate). */
GBytes  *rl_image_encode         (const RlImage *image, const char *format, GError **error);
/* The format comes from the file name's extension (.png, .tif/.tiff,
 * .jpg/.jpeg, .bmp, .pgm, .wsq). The file is written atomically. */
gboolean rl_image_save           (const RlImage *image, const char *path, GError **error);

/* A new image scaled from image->ppi to target_ppi (a copy when they are
 * equal). Returns NULL if the result would be outside the size limits. */
RlImage *rl_image_resample       (const RlImage *image, int target_ppi);

G_END_DECLS
