/* Untyped memory and Retype. */
#ifndef KOZO_CORE_UNTYPED_H
#define KOZO_CORE_UNTYPED_H

#include "cap.h"

/* Make a capability for a fresh untyped region. */
struct cap untyped_cap(void *base, unsigned size_bits, bool device);
struct kernel;
/* Initialise the object at base as type t and return its first capability. */
struct cap object_create(struct kernel *k, unsigned type, unsigned size_bits, void *base);

#endif
