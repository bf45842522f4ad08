/* The whole KOZO ABI. */
#ifndef KOZO_KOZO_H
#define KOZO_KOZO_H
#include <kozo/errors.h>
#include <kozo/syscall.h>
#include <kozo/message.h>
#include <kozo/object.h>
#include <kozo/invocation.h>
#include <kozo/fault.h>
#include <kozo/bootinfo.h>
#endif
