// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/cpu_<id>: CPU use over the last sampling window, as one JSON object.
 *   porcentaje_cpu_uso    busy time / all time in the window, two decimals
 *   porcentaje_cpu_libre  100 - porcentaje_cpu_uso (idle + iowait)
 *   ventana_ms            the window those percentages cover
 *   cpus                  CPUs counted (every possible CPU, as /proc/stat does)
 *   total_ns, libre_ns    cumulative counters since boot, summed over CPUs
 * Built as cpu_<id>.ko (see Makefile).
 *
 * A read never sleeps or waits for a window: a delayed work item takes a sample
 * about once a second and keeps the last window's result; show() only copies it.
 * Time is counted the way /proc/stat counts it, so the two agree: kcpustat for
 * user/nice/system/irq/softirq/steal and, on a tickless kernel, the tick-sched
 * idle and iowait clocks for an online CPU (kcpustat's idle only advances on ticks).
 * Until the first window closes, the percentages cover the time since boot.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kernel_stat.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/tick.h>
#include <linux/workqueue.h>

#include "vmpulse_proc.h"

struct vmpulse_cpu_counters {
	u64 total_ns; /* every kind of time, summed over CPUs */
	u64 libre_ns; /* idle + iowait, summed over CPUs */
};

/* What show() prints; written by the sampler, copied by readers under the lock. */
struct vmpulse_cpu_window {
	struct vmpulse_cpu_counters now;
	u32 uso_hundredths;
	u32 ventana_ms;
	u32 cpus;
};

static DEFINE_SPINLOCK(vmpulse_cpu_lock);
static struct vmpulse_cpu_window vmpulse_cpu_last;
static struct vmpulse_cpu_counters vmpulse_cpu_prev;
static unsigned long vmpulse_cpu_prev_jiffies = INITIAL_JIFFIES; /* the first window: since boot */

static void vmpulse_cpu_sample_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(vmpulse_cpu_work, vmpulse_cpu_sample_work);

/* As fs/proc/stat.c's get_idle_time/get_iowait_time: the tick-sched clocks when the
 * CPU is online and they are running, kcpustat otherwise. */
static u64 vmpulse_cpu_idle_ns(const struct kernel_cpustat *kcs, int cpu)
{
	u64 us = cpu_online(cpu) ? get_cpu_idle_time_us(cpu, NULL) : -1ULL;

	return us == -1ULL ? kcs->cpustat[CPUTIME_IDLE] : us * NSEC_PER_USEC;
}

static u64 vmpulse_cpu_iowait_ns(const struct kernel_cpustat *kcs, int cpu)
{
	u64 us = cpu_online(cpu) ? get_cpu_iowait_time_us(cpu, NULL) : -1ULL;

	return us == -1ULL ? kcs->cpustat[CPUTIME_IOWAIT] : us * NSEC_PER_USEC;
}

static u32 vmpulse_cpu_read(struct vmpulse_cpu_counters *c)
{
	struct kernel_cpustat kcs;
	u32 cpus = 0;
	int cpu;

	c->total_ns = 0;
	c->libre_ns = 0;
	for_each_possible_cpu(cpu) {
		u64 *t = kcs.cpustat;
		u64 libre;

		kcpustat_cpu_fetch(&kcs, cpu);
		libre = vmpulse_cpu_idle_ns(&kcs, cpu) + vmpulse_cpu_iowait_ns(&kcs, cpu);
		/* guest time is already inside user and nice, as in /proc/stat. */
		c->total_ns += t[CPUTIME_USER] + t[CPUTIME_NICE] + t[CPUTIME_SYSTEM] +
			       t[CPUTIME_IRQ] + t[CPUTIME_SOFTIRQ] + t[CPUTIME_STEAL] + libre;
		c->libre_ns += libre;
		cpus++;
	}
	return cpus;
}

/* now - prev, or 0 when the counter stepped back. */
static u64 vmpulse_cpu_delta(u64 now, u64 prev)
{
	return now > prev ? now - prev : 0;
}

/* One window: from the previous sample to now. */
static void vmpulse_cpu_sample(void)
{
	struct vmpulse_cpu_counters now;
	unsigned long now_jiffies = jiffies;
	u64 total, libre;
	u32 cpus = vmpulse_cpu_read(&now);
	unsigned long flags;

	/* The two sources tick separately, so a short window can show a little more
	 * idle than total, or a counter that stepped back: clamp rather than wrap. */
	total = vmpulse_cpu_delta(now.total_ns, vmpulse_cpu_prev.total_ns);
	libre = vmpulse_cpu_delta(now.libre_ns, vmpulse_cpu_prev.libre_ns);
	if (libre > total)
		libre = total;

	spin_lock_irqsave(&vmpulse_cpu_lock, flags);
	vmpulse_cpu_last.now = now;
	vmpulse_cpu_last.uso_hundredths = total ? 10000 - vmpulse_hundredths(libre, total) : 0;
	vmpulse_cpu_last.ventana_ms = jiffies_to_msecs(now_jiffies - vmpulse_cpu_prev_jiffies);
	vmpulse_cpu_last.cpus = cpus;
	spin_unlock_irqrestore(&vmpulse_cpu_lock, flags);

	vmpulse_cpu_prev = now;
	vmpulse_cpu_prev_jiffies = now_jiffies;
}

static void vmpulse_cpu_sample_work(struct work_struct *work)
{
	vmpulse_cpu_sample();
	schedule_delayed_work(&vmpulse_cpu_work, HZ);
}

static int vmpulse_cpu_show(struct seq_file *m, void *v)
{
	struct vmpulse_cpu_window w;
	unsigned long flags;

	spin_lock_irqsave(&vmpulse_cpu_lock, flags);
	w = vmpulse_cpu_last;
	spin_unlock_irqrestore(&vmpulse_cpu_lock, flags);

	seq_printf(m,
		   "{\"porcentaje_cpu_uso\":%u.%02u,\"porcentaje_cpu_libre\":%u.%02u,"
		   "\"ventana_ms\":%u,\"cpus\":%u,\"total_ns\":%llu,\"libre_ns\":%llu}\n",
		   w.uso_hundredths / 100, w.uso_hundredths % 100, (10000 - w.uso_hundredths) / 100,
		   (10000 - w.uso_hundredths) % 100, w.ventana_ms, w.cpus, w.now.total_ns,
		   w.now.libre_ns);
	return 0;
}

static int __init vmpulse_cpu_init(void)
{
	/* The first window covers the time since boot, so a read right after loading
	 * already answers with real numbers. */
	vmpulse_cpu_sample();
	if (!proc_create_single(VMPULSE_PROC_NAME("cpu"), 0444, NULL, vmpulse_cpu_show))
		return -ENOMEM;
	schedule_delayed_work(&vmpulse_cpu_work, HZ);
	pr_info("vmpulse: /proc/%s ready\n", VMPULSE_PROC_NAME("cpu"));
	return 0;
}

static void __exit vmpulse_cpu_exit(void)
{
	/* Readers first (remove_proc_entry waits for them), then the sampler, which
	 * re-arms itself: cancel_delayed_work_sync handles that. */
	remove_proc_entry(VMPULSE_PROC_NAME("cpu"), NULL);
	cancel_delayed_work_sync(&vmpulse_cpu_work);
}

module_init(vmpulse_cpu_init);
module_exit(vmpulse_cpu_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmpulse");
MODULE_DESCRIPTION("vmpulse: CPU use over the last second as JSON in /proc/cpu_<id>");
