/* rl-audit-page.h — the sidebar's “Audit” page. */
#pragma once

#include "rl-page.h"

G_BEGIN_DECLS

#define RL_TYPE_AUDIT_PAGE (rl_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (RlAuditPage, rl_audit_page, RL, AUDIT_PAGE, RlPage)

G_END_DECLS
