/* Thread contexts on the host: the x86_64 register file without an FPU.
 * Sanitizing keeps the rules a test can observe: user flags only, and the
 * interrupt flag always set. */
#include "machine.h"
#include "kernel.h"

#define RFLAGS_IF (1ull << 9)
#define RFLAGS_RESERVED1 (1ull << 1)
/* CF PF AF ZF SF DF OF, as x86_64 lets a thread keep them. */
#define RFLAGS_USER_WRITABLE 0xcd5ull
#define RFLAGS_FORCED (RFLAGS_IF | RFLAGS_RESERVED1)

void arch_context_init(struct arch_context *c)
{
	for (unsigned i = 0; i < ARCH_REG_COUNT; i++)
		c->regs[i] = 0;
	c->regs[ARCH_REG_FLAGS] = RFLAGS_FORCED;
}

/* The host keeps no reference to threads; counted for tests. */
void arch_context_retire(struct arch_context *c)
{
	if (host_machine_active)
		host_machine_active->contexts_retired++;
}

void arch_context_sanitize(struct arch_context *c)
{
	c->regs[ARCH_REG_FLAGS] = (c->regs[ARCH_REG_FLAGS] & RFLAGS_USER_WRITABLE) | RFLAGS_FORCED;
	if (host_machine_active)
		host_machine_active->contexts_sanitized++;
}

/* The host resumes no thread: it checks what the core promises and counts
 * the call; the test then finds t in k->current. */
void arch_fastpath_exit(struct tcb *t)
{
	if (t->state != THREAD_RUNNABLE || !tcb_vspace_root(t))
		panic("fastpath exit: thread %lu cannot run", PANIC_INT(t->id));
	if (host_machine_active)
		host_machine_active->fastpath_exits++;
}
