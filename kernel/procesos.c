// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/procesos_<id>: how many processes the system has and in which state, as one
 * JSON object. Built as procesos_<id>.ko (see Makefile).
 *
 * Processes, not threads: one entry per thread group leader, the same set
 * /proc/[0-9]* lists. A process's state is its leader's, with the letter
 * /proc/<pid>/stat shows (task_state_index), mapped as the agent's procfs fallback
 * maps it:
 *   R            -> procesos_corriendo
 *   S, D, I      -> procesos_durmiendo
 *   Z            -> procesos_zombie
 *   T, t         -> procesos_parados
 *   X, P, other  -> only total_procesos
 * Every process counts in total_procesos.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>

#include "vmpulse_proc.h"

struct vmpulse_procesos_counts {
	u32 corriendo;
	u32 durmiendo;
	u32 zombie;
	u32 parados;
	u32 total;
};

static void vmpulse_procesos_count(struct vmpulse_procesos_counts *c)
{
	struct task_struct *task;

	/* The task list may be walked under RCU; a process that exits meanwhile is
	 * counted or not, as a /proc scan would see it or not. */
	rcu_read_lock();
	for_each_process(task) {
		switch (task_index_to_char(task_state_index(task))) {
		case 'R':
			c->corriendo++;
			break;
		case 'S':
		case 'D':
		case 'I':
			c->durmiendo++;
			break;
		case 'Z':
			c->zombie++;
			break;
		case 'T':
		case 't':
			c->parados++;
			break;
		default:
			break;
		}
		c->total++;
	}
	rcu_read_unlock();
}

static int vmpulse_procesos_show(struct seq_file *m, void *v)
{
	struct vmpulse_procesos_counts c = {0};

	vmpulse_procesos_count(&c);
	seq_printf(m,
		   "{\"procesos_corriendo\":%u,\"total_procesos\":%u,"
		   "\"procesos_durmiendo\":%u,\"procesos_zombie\":%u,"
		   "\"procesos_parados\":%u}\n",
		   c.corriendo, c.total, c.durmiendo, c.zombie, c.parados);
	return 0;
}

static int __init vmpulse_procesos_init(void)
{
	if (!proc_create_single(VMPULSE_PROC_NAME("procesos"), 0444, NULL, vmpulse_procesos_show))
		return -ENOMEM;
	pr_info("vmpulse: /proc/%s ready\n", VMPULSE_PROC_NAME("procesos"));
	return 0;
}

static void __exit vmpulse_procesos_exit(void)
{
	/* Waits for readers inside show() to leave before the code goes away. */
	remove_proc_entry(VMPULSE_PROC_NAME("procesos"), NULL);
}

module_init(vmpulse_procesos_init);
module_exit(vmpulse_procesos_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmpulse");
MODULE_DESCRIPTION("vmpulse: process counts by state as JSON in /proc/procesos_<id>");
