/* SPDX-License-Identifier: Apache-2.0 */
/* The server clock: wall time plus the test offset (see ctx.h). */
#include "ctx.h"

#include <time.h>

int64_t kf_ctx_now(struct kf_ctx *ctx)
{
	return (int64_t)time(NULL) + atomic_load(&ctx->clock_offset);
}
