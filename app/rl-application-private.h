#pragma once

#include "rl-application.h"

G_BEGIN_DECLS

void _rl_application_init_actions (RlApplication *self);

G_END_DECLS
