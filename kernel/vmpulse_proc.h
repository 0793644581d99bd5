/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the three vmpulse modules share: the /proc name they create and how they
 * print a percentage. VMPULSE_ID is the build's id (the specification's "carnet"),
 * passed by the Makefile as a string literal so that /proc/cpu_<id> and the module
 * name cpu_<id>.ko always agree.
 */
#ifndef VMPULSE_PROC_H
#define VMPULSE_PROC_H

#include <linux/math64.h>
#include <linux/types.h>

#ifndef VMPULSE_ID
#error "VMPULSE_ID must be defined by the build (make -C kernel ID=<id>)"
#endif

/* "cpu" -> "cpu_so1": the file under /proc that a module creates. */
#define VMPULSE_PROC_NAME(kind) kind "_" VMPULSE_ID

/*
 * part/whole as hundredths of a percent (0..10000), rounded to nearest, computed in
 * integers because module code must not touch the FPU. whole == 0 reads as 0.
 */
static inline u32 vmpulse_hundredths(u64 part, u64 whole)
{
	if (whole == 0)
		return 0;
	if (part > whole)
		part = whole;
	/* Counters since boot can be large (ns summed over CPUs): scale both down
	 * until part * 10000 cannot overflow; the ratio keeps its precision. */
	while (part > div64_u64(U64_MAX, 10000)) {
		part >>= 1;
		whole >>= 1;
	}
	return (u32)div64_u64(part * 10000 + whole / 2, whole);
}

#endif /* VMPULSE_PROC_H */
