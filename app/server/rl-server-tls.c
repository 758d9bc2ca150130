/* rl-server-tls.c — the server's certificate: loaded from PEM files, or a
 * self-signed one generated with GnuTLS on first use.
 *
 * Why GnuTLS: glib-networking's TLS backend is GnuTLS already, so this adds
 * no new library to the process, and generating in-process avoids depending
 * on an `openssl` binary being installed. */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <string.h>

#include "rl-server.h"

#define CERT_DAYS 365

static gboolean
gnutls_fail (int status, const char *what, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot make the server certificate (%s): %s"), what,
               gnutls_strerror (status));
  return FALSE;
}

#define TRY(call, what)                        \
  G_STMT_START {                               \
    int status_ = (call);                      \
    if (status_ < 0)                           \
      {                                        \
        gnutls_fail (status_, what, error);    \
        goto out;                              \
      }                                        \
  } G_STMT_END

static gboolean
generate_self_signed (const char *cert_path, const char *key_path, const char *hostname, GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t cert_pem = { 0 }, key_pem = { 0 };
  guint8 serial[16];
  const guint8 loopback[4] = { 127, 0, 0, 1 };
  const char *cn = hostname && *hostname ? hostname : "localhost";
  time_t now = time (NULL);
  gboolean ok = FALSE;

  TRY (gnutls_x509_privkey_init (&key), "key");
  TRY (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
       "key");
  TRY (gnutls_x509_crt_init (&crt), "certificate");
  TRY (gnutls_x509_crt_set_version (crt, 3), "version");
  TRY (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial");
  serial[0] &= 0x7f;   /* a positive serial number */
  TRY (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial");
  TRY (gnutls_x509_crt_set_activation_time (crt, now - 3600), "validity");
  TRY (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) CERT_DAYS * 24 * 3600), "validity");
  TRY (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Ridgeline", 9), "name");
  TRY (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), "name");
  TRY (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND),
       "alternative names");
  TRY (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback, 4, GNUTLS_FSAN_APPEND),
       "alternative names");
  if (strcmp (cn, "localhost") != 0)
    TRY (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, cn, strlen (cn), GNUTLS_FSAN_APPEND),
         "alternative names");
  TRY (gnutls_x509_crt_set_key (crt, key), "key");
  TRY (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "constraints");
  TRY (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key usage");
  TRY (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "key purpose");
  TRY (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signature");
  TRY (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem), "export");
  TRY (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &key_pem), "export");

  /* The key first, readable by the owner only. */
  if (!g_file_set_contents_full (key_path, (const char *) key_pem.data, key_pem.size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error) ||
      !g_file_set_contents_full (cert_path, (const char *) cert_pem.data, cert_pem.size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    goto out;
  ok = TRUE;

out:
  if (key_pem.data)
    {
      memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (cert_pem.data);
  if (crt)
    gnutls_x509_crt_deinit (crt);
  if (key)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

GTlsCertificate *
rl_server_load_or_create_certificate (const char *cert_path, const char *key_path, const char *hostname,
                                      gboolean *out_created, GError **error)
{
  gboolean have_cert, have_key;

  g_return_val_if_fail (cert_path != NULL && key_path != NULL, NULL);

  have_cert = g_file_test (cert_path, G_FILE_TEST_EXISTS);
  have_key = g_file_test (key_path, G_FILE_TEST_EXISTS);
  if (out_created)
    *out_created = FALSE;
  if (have_cert != have_key)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Found %s but not %s: give both the certificate and its key, or neither to have a "
                     "self-signed pair made"), have_cert ? cert_path : key_path, have_cert ? key_path : cert_path);
      return NULL;
    }
  if (!have_cert)
    {
      if (!generate_self_signed (cert_path, key_path, hostname, error))
        return NULL;
      if (out_created)
        *out_created = TRUE;
    }
  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}

char *
rl_server_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *text = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return g_string_free (text, FALSE);
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, "%s%02X", i ? ":" : "", digest[i]);
  return g_string_free (text, FALSE);
}
