// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/procesos_<id>: the system's processes as one JSON object: the list of them
 * ("tareas", what the agent needs for its top-processes list) and how many there
 * are in each state. Built as procesos_<id>.ko (see Makefile).
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
 *
 * Each "tareas" entry is an array
 *   [pid, "state", cpu_time_us, rss_kib, start_time_ns, "comm"]
 * with the CPU time of the whole thread group (live and exited threads) in
 * microseconds, the resident set in KiB, the start as boottime nanoseconds (the
 * clock of /proc/<pid>/stat's starttime, there in clock ticks) and the command name
 * with '"', '\' and every byte outside 0x20..0x7e escaped. The list is printed
 * first and the counts after it: the counts are those of the very walk that printed
 * the list, so they always agree with it.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>

#include "vmpulse_proc.h"

struct vmpulse_procesos_counts {
	u32 corriendo;
	u32 durmiendo;
	u32 zombie;
	u32 parados;
	u32 total;
};

/*
 * The size of the last complete output. seq_file starts with one page and, when
 * show() overflows it, doubles the buffer and calls show() again: at 1,000
 * processes (~60 KiB) that is five walks per read. Opening with last size + 1/8
 * makes it one walk in the usual case; it is only a hint.
 */
static atomic_t vmpulse_procesos_last_size = ATOMIC_INIT(0);

static void vmpulse_procesos_tally(struct vmpulse_procesos_counts *c, char state)
{
	switch (state) {
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

/*
 * CPU time of the whole thread group in ns: what thread_group_cputime() sums (it
 * is not exported to modules). utime + stime in /proc/<pid>/stat are scaled so
 * that they add up to exactly this runtime. The seqlock retry (then the lock)
 * keeps a thread that exits meanwhile from being counted twice or not at all.
 */
static u64 vmpulse_procesos_runtime_ns(struct task_struct *leader)
{
	struct signal_struct *sig = leader->signal;
	struct task_struct *t;
	unsigned long flags;
	unsigned int seq, nextseq = 0;
	u64 sum;

	do {
		seq = nextseq;
		flags = read_seqbegin_or_lock_irqsave(&sig->stats_lock, &seq);
		sum = sig->sum_sched_runtime;
		for_each_thread(leader, t)
			sum += READ_ONCE(t->se.sum_exec_runtime);
		nextseq = 1;
	} while (need_seqretry(&sig->stats_lock, seq));
	done_seqretry_irqrestore(&sig->stats_lock, seq, flags);
	return sum;
}

/* The command name as JSON string content: at most TASK_COMM_LEN - 1 bytes, each
 * at most 6 characters escaped. */
#define VMPULSE_COMM_JSON_LEN ((TASK_COMM_LEN - 1) * 6 + 1)

static void vmpulse_procesos_comm_json(const char *comm, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < TASK_COMM_LEN - 1 && comm[i]; i++) {
		unsigned char c = (unsigned char)comm[i];

		if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = (char)c;
		} else if (c < 0x20 || c > 0x7e) {
			*out++ = '\\';
			*out++ = 'u';
			*out++ = '0';
			*out++ = '0';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 0xf];
		} else {
			*out++ = (char)c;
		}
	}
	*out = '\0';
}

static void vmpulse_procesos_print_task(struct seq_file *m, struct task_struct *task,
					char state, bool first)
{
	char comm[TASK_COMM_LEN];
	char comm_json[VMPULSE_COMM_JSON_LEN];
	unsigned long rss_pages = 0;

	/* task_lock keeps ->mm from being released under us (exit_mm clears it under
	 * the same lock) and the name from changing half-way through the copy. A
	 * kernel thread borrowing an mm has no RSS of its own, as in /proc. */
	task_lock(task);
	memcpy(comm, task->comm, sizeof(comm));
	if (task->mm && !(task->flags & PF_KTHREAD))
		rss_pages = get_mm_rss(task->mm);
	task_unlock(task);
	comm[TASK_COMM_LEN - 1] = '\0';
	vmpulse_procesos_comm_json(comm, comm_json);

	/* [pid,"S",cpu_time_us,rss_kib,start_time,"comm"], with seq_put_decimal_*
	 * rather than seq_printf: no format string to parse once per process. */
	seq_puts(m, first ? "[" : ",[");
	seq_put_decimal_ll(m, "", task_tgid_nr(task));
	seq_puts(m, ",\"");
	seq_putc(m, state);
	seq_puts(m, "\"");
	seq_put_decimal_ull(m, ",", div_u64(vmpulse_procesos_runtime_ns(task), NSEC_PER_USEC));
	seq_put_decimal_ull(m, ",", (u64)rss_pages << (PAGE_SHIFT - 10));
	seq_put_decimal_ull(m, ",", task->start_boottime);
	seq_puts(m, ",\"");
	seq_puts(m, comm_json);
	seq_puts(m, "\"]");
}

static int vmpulse_procesos_show(struct seq_file *m, void *v)
{
	struct vmpulse_procesos_counts c = {0};
	struct task_struct *task;
	bool overflowed = false;

	seq_puts(m, "{\"tareas\":[");
	/* The task list may be walked under RCU; a process that exits meanwhile is
	 * listed or not, as a /proc scan would see it or not. */
	rcu_read_lock();
	for_each_process(task) {
		char state = task_index_to_char(task_state_index(task));

		vmpulse_procesos_tally(&c, state);
		vmpulse_procesos_print_task(m, task, state, c.total == 1);
		/* seq_file will call show() again with a buffer twice as large: the
		 * rest of this walk would be thrown away. */
		if (seq_has_overflowed(m)) {
			overflowed = true;
			break;
		}
	}
	rcu_read_unlock();
	if (overflowed)
		return 0;
	seq_printf(m,
		   "],\"procesos_corriendo\":%u,\"total_procesos\":%u,"
		   "\"procesos_durmiendo\":%u,\"procesos_zombie\":%u,"
		   "\"procesos_parados\":%u}\n",
		   c.corriendo, c.total, c.durmiendo, c.zombie, c.parados);
	if (!seq_has_overflowed(m))
		atomic_set(&vmpulse_procesos_last_size, (int)min_t(size_t, m->count, INT_MAX));
	return 0;
}

static int vmpulse_procesos_open(struct inode *inode, struct file *file)
{
	size_t last = (size_t)atomic_read(&vmpulse_procesos_last_size);

	/* Capped so that a hint can never ask for more than seq_file would grow to
	 * for a few thousand processes; past it, seq_file doubles as usual. */
	return single_open_size(file, vmpulse_procesos_show, NULL,
				clamp_t(size_t, last + last / 8, PAGE_SIZE, SZ_4M));
}

static const struct proc_ops vmpulse_procesos_ops = {
	.proc_open = vmpulse_procesos_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init vmpulse_procesos_init(void)
{
	if (!proc_create(VMPULSE_PROC_NAME("procesos"), 0444, NULL, &vmpulse_procesos_ops))
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
MODULE_DESCRIPTION("vmpulse: processes and their counts by state as JSON in /proc/procesos_<id>");
