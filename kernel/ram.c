// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ram_<id>: the machine's memory as one JSON object, in MiB.
 *   total_ram       MemTotal (totalram_pages)
 *   ram_libre       MemAvailable (si_mem_available): what can be used without
 *                   swapping, which is what "free" means to a person
 *   uso_ram         total_ram - ram_libre
 *   porcentaje_ram  uso_ram / total_ram, two decimals
 * Built as ram_<id>.ko (see Makefile).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "vmpulse_proc.h"

/* Pages to MiB, rounding down as /proc/meminfo's kB value divided by 1024 does. */
#define VMPULSE_PAGES_TO_MIB(pages) ((u64)(pages) >> (20 - PAGE_SHIFT))

static int vmpulse_ram_show(struct seq_file *m, void *v)
{
	u64 total = VMPULSE_PAGES_TO_MIB(totalram_pages());
	u64 available = VMPULSE_PAGES_TO_MIB(si_mem_available());
	u64 used;
	u32 pct;

	if (available > total)
		available = total;
	used = total - available;
	/* From the printed MiB, so that a reader who divides gets the same number. */
	pct = vmpulse_hundredths(used, total);
	seq_printf(m,
		   "{\"total_ram\":%llu,\"ram_libre\":%llu,\"uso_ram\":%llu,"
		   "\"porcentaje_ram\":%u.%02u}\n",
		   total, available, used, pct / 100, pct % 100);
	return 0;
}

static int __init vmpulse_ram_init(void)
{
	if (!proc_create_single(VMPULSE_PROC_NAME("ram"), 0444, NULL, vmpulse_ram_show))
		return -ENOMEM;
	pr_info("vmpulse: /proc/%s ready\n", VMPULSE_PROC_NAME("ram"));
	return 0;
}

static void __exit vmpulse_ram_exit(void)
{
	/* Waits for readers inside show() to leave before the code goes away. */
	remove_proc_entry(VMPULSE_PROC_NAME("ram"), NULL);
}

module_init(vmpulse_ram_init);
module_exit(vmpulse_ram_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmpulse");
MODULE_DESCRIPTION("vmpulse: memory in MiB as JSON in /proc/ram_<id>");
