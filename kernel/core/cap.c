/* The capability derivation tree: parent, children, siblings per slot. */
#include "cap.h"
#include "panic.h"

/* Link the sibling chain first..last in front of parent's children. */
static void link_children(struct slot *parent, struct slot *first, struct slot *last)
{
	first->prev_sibling = NULL;
	last->next_sibling = parent->first_child;
	if (parent->first_child)
		parent->first_child->prev_sibling = last;
	parent->first_child = first;
}

/* Debug builds: s's neighbours point back at it. */
static void cdt_check_links(const struct slot *s)
{
	kassert(s->prev_sibling ? s->prev_sibling->next_sibling == s
				: !s->parent || s->parent->first_child == s);
	kassert(!s->next_sibling || s->next_sibling->prev_sibling == s);
	kassert(!s->first_child || (s->first_child->parent == s && !s->first_child->prev_sibling));
}

void cdt_insert(struct slot *parent, struct slot *s, const struct cap *cap)
{
	kassert(slot_empty(s) && !s->parent && !s->first_child && !s->next_sibling &&
		!s->prev_sibling);
	kassert(!parent || !slot_empty(parent));
	if (parent)
		cdt_check_links(parent);
	s->cap = *cap;
	s->parent = parent;
	s->first_child = NULL;
	s->next_sibling = NULL;
	s->prev_sibling = NULL;
	if (parent)
		link_children(parent, s, s);
}

void cdt_adopt(struct slot *parent, struct slot *c)
{
	kassert(!c->parent && !c->next_sibling && !c->prev_sibling && !slot_empty(parent));
	c->parent = parent;
	link_children(parent, c, c);
}

void cdt_remove(struct slot *s)
{
	cdt_check_links(s);
	struct slot *parent = s->parent;
	if (s->prev_sibling)
		s->prev_sibling->next_sibling = s->next_sibling;
	else if (parent)
		parent->first_child = s->next_sibling;
	if (s->next_sibling)
		s->next_sibling->prev_sibling = s->prev_sibling;

	/* Children move up to the grandparent (or become roots). */
	struct slot *first = s->first_child, *last = NULL;
	for (struct slot *c = first; c; c = c->next_sibling) {
		c->parent = parent;
		last = c;
	}
	if (first && parent) {
		link_children(parent, first, last);
	} else {
		for (struct slot *c = first, *next; c; c = next) {
			next = c->next_sibling;
			c->prev_sibling = c->next_sibling = NULL;
		}
	}
	s->parent = s->first_child = s->next_sibling = s->prev_sibling = NULL;
}

void cdt_move(struct slot *dst, struct slot *src)
{
	kassert(slot_empty(dst));
	cdt_check_links(src);
	*dst = *src;
	if (dst->prev_sibling)
		dst->prev_sibling->next_sibling = dst;
	else if (dst->parent)
		dst->parent->first_child = dst;
	if (dst->next_sibling)
		dst->next_sibling->prev_sibling = dst;
	for (struct slot *c = dst->first_child; c; c = c->next_sibling)
		c->parent = dst;
	src->cap = (struct cap){ 0 };
	src->parent = src->first_child = src->next_sibling = src->prev_sibling = NULL;
}
