/* rl-template-io.h — reading and writing fingerprint templates.
 *
 * Three formats:
 *  - Ridgeline's own compact binary template ("RLT" + version byte), what the
 *    store keeps;
 *  - ISO/IEC 19794-2:2005 finger minutiae records;
 *  - ANSI INCITS 378-2004 finger minutiae records.
 * Coordinates are converted to 500 ppi on import; angles to radians (see
 * rl-types.h). Only the first finger view of a multi-view record is read.
 */
#pragma once

#include "rl-types.h"

G_BEGIN_DECLS

#define RL_TEMPLATE_FORMAT_VERSION 1

typedef enum {
  RL_TEMPLATE_FORMAT_UNKNOWN = 0,
  RL_TEMPLATE_FORMAT_RIDGELINE,
  RL_TEMPLATE_FORMAT_ISO19794_2,
  RL_TEMPLATE_FORMAT_ANSI378,
} RlTemplateFormat;

GBytes          *rl_template_serialize       (const RlTemplate *tpl);
RlTemplate      *rl_template_deserialize     (const guint8 *data, gsize len, GError **error);

RlTemplate      *rl_template_from_iso19794_2 (const guint8 *data, gsize len, GError **error);
GBytes          *rl_template_to_iso19794_2   (const RlTemplate *tpl, GError **error);
RlTemplate      *rl_template_from_ansi378    (const guint8 *data, gsize len, GError **error);
GBytes          *rl_template_to_ansi378      (const RlTemplate *tpl, GError **error);

RlTemplateFormat rl_template_detect_format   (const guint8 *data, gsize len);
/* Any of the three formats, chosen by content. */
RlTemplate      *rl_template_from_data       (const guint8 *data, gsize len, GError **error);
RlTemplate      *rl_template_load            (const char *path, GError **error);
gboolean         rl_template_save            (const RlTemplate *tpl, const char *path,
                                              RlTemplateFormat format, GError **error);

G_END_DECLS
