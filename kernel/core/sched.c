/* The run queues. */
#include "sched.h"

static void bitmap_set(struct sched *s, unsigned p) { s->bitmap[p / 64] |= BIT(p % 64); }
static void bitmap_clear(struct sched *s, unsigned p) { s->bitmap[p / 64] &= ~BIT(p % 64); }

bool sched_is_queued(const struct sched *s, const struct tcb *t)
{
	return t->sched_prev || t->sched_next || s->head[t->priority] == t;
}

void sched_enqueue(struct sched *s, struct tcb *t)
{
	if (sched_is_queued(s, t))
		return;
	unsigned p = t->priority;
	t->sched_next = NULL;
	t->sched_prev = s->tail[p];
	if (s->tail[p])
		s->tail[p]->sched_next = t;
	else
		s->head[p] = t;
	s->tail[p] = t;
	bitmap_set(s, p);
}

void sched_dequeue(struct sched *s, struct tcb *t)
{
	if (!sched_is_queued(s, t))
		return;
	unsigned p = t->priority;
	if (t->sched_prev)
		t->sched_prev->sched_next = t->sched_next;
	else
		s->head[p] = t->sched_next;
	if (t->sched_next)
		t->sched_next->sched_prev = t->sched_prev;
	else
		s->tail[p] = t->sched_prev;
	t->sched_next = t->sched_prev = NULL;
	if (!s->head[p])
		bitmap_clear(s, p);
}

struct tcb *sched_choose(struct sched *s)
{
	for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--) {
		if (s->bitmap[w]) {
			unsigned p = (unsigned)w * 64 + 63 - (unsigned)__builtin_clzll(s->bitmap[w]);
			return s->head[p];
		}
	}
	return NULL;
}

void sched_rotate(struct sched *s, struct tcb *t)
{
	if (!sched_is_queued(s, t) || s->tail[t->priority] == t)
		return;
	sched_dequeue(s, t);
	sched_enqueue(s, t);
}
