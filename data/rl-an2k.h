/* rl-an2k.h — ANSI/NIST-ITL transactions (traditional and XML encodings).
 *
 * A transaction is an ordered list of records. Record 0 is always the Type-1
 * (transaction information) record, whose CNT field 1.003 lists the others.
 *
 * Every record, whatever its encoding, is held as an ordered list of fields;
 * a field holds subfields (separated by RS on the wire), a subfield holds
 * items (separated by US). Field values are kept as the bytes read, so that
 * reading and writing an unmodified transaction gives back the same bytes.
 *
 *  - Tagged records (Type-1, 2, 9, 10, 13, 14, 15, 16, 17, 99, ...): fields
 *    numbered as in the standard ("14.006" is field 6). Binary image data
 *    (field 999) is held apart: rl_an2k_record_get_data().
 *  - Binary records (Type-3 to 8): the fixed header is shown as numbered
 *    fields in header order, one item each, in decimal (for Type-4:
 *    1 LEN, 2 IDC, 3 IMP, 4 FGP (6 subfields), 5 ISR, 6 HLL, 7 VLL, 8 GCA);
 *    the bytes after the header are the record's data.
 *
 * Record types Ridgeline does not use (face, signature, legacy Type-3/5/6,
 * user-defined...) are parsed as far as their encoding goes and written back
 * unchanged; rl_an2k_record_type_is_used() says which ones matter to us.
 */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

#define RL_AN2K_ERROR (rl_an2k_error_quark ())
GQuark rl_an2k_error_quark (void);

typedef enum {
  RL_AN2K_ERROR_IO,            /* file missing or unreadable */
  RL_AN2K_ERROR_TRUNCATED,     /* the data ends before a record or field does */
  RL_AN2K_ERROR_SYNTAX,        /* not the ANSI/NIST layout (tags, separators) */
  RL_AN2K_ERROR_INCONSISTENT,  /* a header or count contradicts the data (wrong length, CNT) */
  RL_AN2K_ERROR_OUT_OF_RANGE,  /* a field value outside what the standard allows */
  RL_AN2K_ERROR_UNSUPPORTED,   /* record type or version we cannot read */
  RL_AN2K_ERROR_TOO_LARGE,     /* declared size over our limits */
  RL_AN2K_ERROR_INVALID,       /* bad argument (writer) */
} RlAn2kError;

/* Limits, so that bad input cannot make us allocate without bound. */
#define RL_AN2K_MAX_FILE_SIZE  (256u * 1024 * 1024)
#define RL_AN2K_MAX_RECORDS    1000
#define RL_AN2K_MAX_ITEMS      1000000   /* items (values) in all text fields of a transaction */

typedef struct _RlAn2kTransaction RlAn2kTransaction;
typedef struct _RlAn2kRecord      RlAn2kRecord;
typedef struct _RlAn2kField       RlAn2kField;

/* ---- record types -------------------------------------------------------- */

/* TRUE for 3..8: records with a fixed binary header. */
gboolean    rl_an2k_record_type_is_binary (guint type);
/* TRUE for the types Ridgeline imports: 1, 2, 4, 9, 13, 14. */
gboolean    rl_an2k_record_type_is_used   (guint type);
/* TRUE for every type the 2011 standard (and its 2013 update) defines. */
gboolean    rl_an2k_record_type_is_known  (guint type);
/* "Type-4 high-resolution grayscale fingerprint" (translated). */
const char *rl_an2k_record_type_describe  (guint type);

/* ---- transactions -------------------------------------------------------- */

/* A new transaction with a Type-1 record holding 1.002 VER = version
 * ("0500" if NULL) and an empty CNT (filled in when written). */
RlAn2kTransaction *rl_an2k_transaction_new   (const char *version);
void               rl_an2k_transaction_free  (RlAn2kTransaction *transaction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlAn2kTransaction, rl_an2k_transaction_free)

/* Traditional (binary/tagged) encoding. */
RlAn2kTransaction *rl_an2k_read        (GBytes *data, GError **error);
RlAn2kTransaction *rl_an2k_read_data   (const guint8 *data, gsize len, GError **error);
RlAn2kTransaction *rl_an2k_read_file   (const char *path, GError **error);
/* NIEM-based XML encoding (rl-an2k-xml.c). */
RlAn2kTransaction *rl_an2k_read_xml      (const char *text, gsize len, GError **error);
RlAn2kTransaction *rl_an2k_read_xml_file (const char *path, GError **error);
/* Reads either encoding, by content. */
RlAn2kTransaction *rl_an2k_load          (const char *path, GError **error);
/* TRUE when the bytes look like a traditional-encoding transaction ("1.0"). */
gboolean           rl_an2k_sniff         (const guint8 *data, gsize len);

/* Writes the traditional encoding. LEN fields and the CNT field are made
 * to agree with the records (kept as written when they already do). */
GBytes  *rl_an2k_write      (RlAn2kTransaction *transaction, GError **error);
gboolean rl_an2k_write_file (RlAn2kTransaction *transaction, const char *path, GError **error);

/* "0201" (field 1.002), or "" if absent. */
const char   *rl_an2k_transaction_get_version   (RlAn2kTransaction *transaction);
/* Notes about what was read but not kept (XML elements we do not map):
 * char* strings, possibly none. */
GPtrArray    *rl_an2k_transaction_get_warnings  (RlAn2kTransaction *transaction);
guint         rl_an2k_transaction_get_n_records (RlAn2kTransaction *transaction);
RlAn2kRecord *rl_an2k_transaction_get_record    (RlAn2kTransaction *transaction, guint index);
/* The first record of that type, or NULL. */
RlAn2kRecord *rl_an2k_transaction_find_record   (RlAn2kTransaction *transaction, guint type);
/* Appends a new empty record (with LEN and IDC fields for tagged types, a
 * zeroed header for binary ones); the transaction owns it. type >= 2. */
RlAn2kRecord *rl_an2k_transaction_add_record    (RlAn2kTransaction *transaction, guint type, guint idc);

/* ---- records ------------------------------------------------------------- */

guint         rl_an2k_record_get_type      (RlAn2kRecord *record);
/* Field 2 (IDC); 0 for Type-1. */
guint         rl_an2k_record_get_idc       (RlAn2kRecord *record);
/* Byte offset of the record in the file it was read from (0 if made here). */
gsize         rl_an2k_record_get_offset    (RlAn2kRecord *record);
guint         rl_an2k_record_get_n_fields  (RlAn2kRecord *record);
RlAn2kField  *rl_an2k_record_get_field_at  (RlAn2kRecord *record, guint index);
/* The field with that number, or NULL. */
RlAn2kField  *rl_an2k_record_get_field     (RlAn2kRecord *record, guint number);
/* First item of the first subfield of a field, or NULL if absent. */
const char   *rl_an2k_record_get_text      (RlAn2kRecord *record, guint number);
/* The field as a decimal number; FALSE if absent or not a number. */
gboolean      rl_an2k_record_get_uint      (RlAn2kRecord *record, guint number, guint *out_value);
/* Replaces (or adds, in field-number order) a field with one item. */
RlAn2kField  *rl_an2k_record_set_text      (RlAn2kRecord *record, guint number, const char *value);
void          rl_an2k_record_set_uint      (RlAn2kRecord *record, guint number, guint value);
/* Replaces (or adds) an empty field; fill it with rl_an2k_field_add_subfield. */
RlAn2kField  *rl_an2k_record_set_field     (RlAn2kRecord *record, guint number);
gboolean      rl_an2k_record_remove_field  (RlAn2kRecord *record, guint number);
/* Image (or other binary) data: field 999 or the bytes after a binary
 * header. NULL if the record has none. */
GBytes       *rl_an2k_record_get_data      (RlAn2kRecord *record);
void          rl_an2k_record_set_data      (RlAn2kRecord *record, GBytes *data);

/* ---- fields -------------------------------------------------------------- */

guint       rl_an2k_field_get_number      (RlAn2kField *field);
/* The tag as written ("1.01" in some version 2 files, "14.999"). */
const char *rl_an2k_field_get_tag         (RlAn2kField *field);
guint       rl_an2k_field_get_n_subfields (RlAn2kField *field);
guint       rl_an2k_field_get_n_items     (RlAn2kField *field, guint subfield);
/* NULL when out of range. */
const char *rl_an2k_field_get_item        (RlAn2kField *field, guint subfield, guint item);
/* Appends a subfield with n_items items (n_items -1: NULL-terminated). */
void        rl_an2k_field_add_subfield    (RlAn2kField *field, const char * const *items, int n_items);

/* ---- fingerprint images ---------------------------------------------------- */

typedef enum {
  RL_AN2K_COMPRESSION_NONE,
  RL_AN2K_COMPRESSION_WSQ,
  RL_AN2K_COMPRESSION_JPEG,
  RL_AN2K_COMPRESSION_JPEG2000,
  RL_AN2K_COMPRESSION_PNG,
  RL_AN2K_COMPRESSION_OTHER,
} RlAn2kCompression;

/* What an examiner needs from a Type-4, 13 or 14 record. */
typedef struct {
  guint             record_type;
  guint             idc;
  guint             finger;       /* first finger position (RlFingerPosition, or 0..255 as coded) */
  guint             impression;   /* impression type as coded (0 plain live-scan, 1 rolled, 4 latent...) */
  guint             width, height;
  guint             ppi;          /* pixels per inch */
  guint             bits_per_pixel;
  RlAn2kCompression compression;
  GBytes           *data;         /* owned reference */
} RlAn2kImage;

void rl_an2k_image_clear (RlAn2kImage *image);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlAn2kImage, rl_an2k_image_clear)

/* Fills image from a Type-4, 13 or 14 record (the transaction gives Type-1's
 * resolution for Type-4). Errors name the field that is missing or wrong. */
gboolean rl_an2k_record_get_image (RlAn2kTransaction *transaction, RlAn2kRecord *record,
                                   RlAn2kImage *image, GError **error);

/* Appends a Type-4 (8-bit grey, WSQ or uncompressed, 500 ppi) or Type-14
 * fingerprint record with the image. */
RlAn2kRecord *rl_an2k_transaction_add_fingerprint (RlAn2kTransaction *transaction,
                                                   guint record_type,
                                                   const RlAn2kImage *image,
                                                   GError **error);

/* Minutiae of a Type-9 record in the standard format (fields 9.010/9.012),
 * in Ridgeline's conventions (500 ppi pixels, y down: image_height is the
 * height of the print in pixels at 500 ppi, 0 if unknown). */
RlTemplate *rl_an2k_record_get_minutiae (RlAn2kRecord *record, guint image_height, GError **error);
/* Appends a Type-9 record (standard format) with the template's minutiae. */
RlAn2kRecord *rl_an2k_transaction_add_minutiae (RlAn2kTransaction *transaction, const RlTemplate *tpl,
                                                GError **error);

G_END_DECLS
