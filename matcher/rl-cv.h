/* rl-cv.h — the only door to OpenCV. rl-cv.cpp implements these with
 * OpenCV and catches every cv::Exception, so callers in C see plain return
 * codes and never an exception.
 *
 * Every function returns 0 on success and -1 on failure; on failure it
 * writes a human-readable reason into errbuf (when errbuf is not NULL). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Decodes an encoded image (PNG, JPEG, TIFF, BMP, ...) from memory into an
 * 8-bit grey buffer allocated with malloc (free with rl_cv_free). */
int rl_cv_decode_grey (const uint8_t *data, size_t len,
                       uint8_t **out_pixels, int *out_width, int *out_height,
                       char *errbuf, size_t errlen);

/* Encodes an 8-bit grey image; ext is ".png", ".tiff", ".jpg" or ".bmp".
 * The result is malloc'ed (free with rl_cv_free). */
int rl_cv_encode_grey (const uint8_t *pixels, int width, int height, const char *ext,
                       uint8_t **out_data, size_t *out_len,
                       char *errbuf, size_t errlen);

/* Resizes an 8-bit grey image into dst (dst_width × dst_height, caller's
 * buffer); area averaging when shrinking, bilinear when enlarging. */
int rl_cv_resize_grey (const uint8_t *src, int width, int height,
                       uint8_t *dst, int dst_width, int dst_height,
                       char *errbuf, size_t errlen);

/* Gaussian blur of a float image in place (replicated borders). */
int rl_cv_gaussian_blur_f32 (float *data, int width, int height, double sigma,
                             char *errbuf, size_t errlen);

/* Box mean of a float image in place over a ksize × ksize window. */
int rl_cv_box_blur_f32 (float *data, int width, int height, int ksize,
                        char *errbuf, size_t errlen);

void rl_cv_free (void *p);

#ifdef __cplusplus
}
#endif
