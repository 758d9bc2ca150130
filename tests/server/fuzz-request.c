/* libFuzzer target: what a client sends, through the server's parsers —
 * paths against the route patterns, the Authorization header, and JSON
 * bodies into every request struct. None may crash, hang or leak. */
#include <string.h>

#include "rl-server-parse.h"
#include "rl-server-parse-pages.h"

static const char *const patterns[] = {
  "/api/v1/session", "/api/v1/queue", "/api/v1/searches/{id}", "/api/v1/searches/{id}/candidates",
  "/api/v1/conclusions/{id}/verifications", "/api/v1/identities/{id}/timeline", "/api/v1/releases/{id}/approve",
  "/gateway/v1/transactions/{id}", "/api/v1/identities/{id}/split", "/api/v1/links/{id}/resolve", "/{id}/{id}/{id}/{id}",
};

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(JsonNode) body = NULL;
  gint64 ids[RL_ROUTE_MAX_IDS];
  guint n_ids;

  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    if (rl_route_match (patterns[i], text, ids, &n_ids))
      g_assert (n_ids <= RL_ROUTE_MAX_IDS);
  g_free (rl_parse_bearer (text));

  body = rl_parse_json_body ((const char *) data, size, NULL);
  if (body != NULL)
    {
      RlSignInRequest s;
      RlConclusionRequest c;
      RlVerificationRequest v;
      RlDispositionRequest d;
      RlCorrectionRequest k;
      RlAnalysisRequest a;
      RlDisputeRequest u;
      RlAuditRequest r;
      char *comment = NULL;

      if (rl_parse_sign_in (body, &s, NULL))
        rl_sign_in_request_clear (&s);
      if (rl_parse_conclusion (body, &c, NULL))
        rl_conclusion_request_clear (&c);
      if (rl_parse_verification (body, &v, NULL))
        rl_verification_request_clear (&v);
      if (rl_parse_disposition (body, &d, NULL))
        rl_disposition_request_clear (&d);
      if (rl_parse_correction (body, &k, NULL))
        rl_correction_request_clear (&k);
      if (rl_parse_analysis (body, &a, NULL))
        rl_analysis_request_clear (&a);
      if (rl_parse_comment (body, FALSE, &comment, NULL))
        g_free (comment);
      {
        RlLinkResolveRequest l;
        RlMergeRequest m;
        RlSplitRequest p;
        RlGrantRequest g;
        RlTuneRequest t;

        if (rl_parse_link_resolve (body, &l, NULL))
          rl_link_resolve_request_clear (&l);
        if (rl_parse_merge (body, TRUE, &m, NULL))
          rl_merge_request_clear (&m);
        if (rl_parse_merge (body, FALSE, &m, NULL))
          rl_merge_request_clear (&m);
        if (rl_parse_split (body, &p, NULL))
          rl_split_request_clear (&p);
        (void) rl_parse_grant (body, &g, NULL);
        if (rl_parse_tune (body, &t, NULL))
          rl_tune_request_clear (&t);
      }
      if (rl_parse_dispute (body, &u, NULL))
        rl_dispute_request_clear (&u);
      if (rl_parse_audit (body, &r, NULL))
        rl_audit_request_clear (&r);
    }
  return 0;
}
