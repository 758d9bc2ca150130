/* rl-wsq.h — WSQ (Wavelet Scalar Quantization) fingerprint image codec.
 *
 * Our own implementation of the FBI's WSQ Gray-scale Fingerprint Image
 * Compression Specification (IAFIS-IC-0110, version 3.1): the 64-subband
 * wavelet decomposition with the 9/7 biorthogonal filters, uniform scalar
 * quantisation with a dead zone, and Huffman coding of the quantised
 * coefficients, stored in the SOI/SOF/SOB/DTT/DQT/DHT/COM/EOI marker format.
 *
 * Agencies exchange fingerprints as WSQ files, on their own or inside
 * ANSI/NIST-ITL Type-4 and Type-14 records.
 *
 * The decoder reads any file made with odd-length (symmetric) filters, such
 * as every file made with the FBI's 9/7 pair, with or without restart
 * markers; files using even-length filters are refused with a clear error.
 * The encoder follows the spec's Part 3 (FBI encoder number one), so its
 * files match NIST's reference encoder in size and quality.
 */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

/* The bitrate (bits per pixel) the FBI uses for 500 ppi prints: about 15:1. */
#define RL_WSQ_DEFAULT_BITRATE 0.75f

/* TRUE when data starts with the WSQ start-of-image marker (FF A0). */
gboolean rl_wsq_has_magic (const guint8 *data, gsize len);

/* Decodes a WSQ file held in memory. The image's ppi comes from the file's
 * NIST_COM comment when it has one, else 500. Corrupt, truncated or lying
 * files give RL_MATCHER_ERROR_CORRUPT / _FORMAT / _TOO_LARGE with the byte
 * offset and the field that was wrong. */
RlImage *rl_wsq_decode (const guint8 *data, gsize len, GError **error);

/* Encodes an image as WSQ at the given bitrate (bits per pixel, e.g. 0.75;
 * must be in (0, 8]). The image's ppi is written to the NIST_COM comment. */
GBytes  *rl_wsq_encode (const RlImage *image, float bitrate, GError **error);

G_END_DECLS
