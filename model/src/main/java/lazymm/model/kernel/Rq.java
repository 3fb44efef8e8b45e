package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;

/**
 * struct rq (kernel/sched/sched.h, v7.1.5) and the per-CPU state beside it: curr, idle, prev_mm,
 * the hazard-pointer RFC's lazy_mm and drop_mm (seed 003), membarrier_state, the rq lock; and
 * the CPU's interrupt state (preempt_count is the task's, see TaskStruct). Left out: the runqueues proper (tasks wait on one
 * run list, see {@link Kernel}), clocks, load balancing.
 */
@KernelFile("kernel/sched/sched.h")
final class Rq {

    final int cpu;
    final SpinLock lock;
    /** rq->curr: RCU_INIT_POINTER, read remotely by membarrier. */
    final RefVar<TaskStruct> curr;
    /** rq->prev_mm: a lazy mm to drop in finish_task_switch (REFCOUNT, SHOOTDOWN). */
    final RefVar<MmStruct> prevMm;
    /** rq->lazy_mm: the hazard pointer (HAZARD schemes). */
    final RefVar<MmStruct> lazyMm;
    /** rq->drop_mm: an mm this CPU owes one mmdrop (HAZARD schemes). */
    final RefVar<MmStruct> dropMm;
    /** rq->membarrier_state. */
    final IntVar membarrierState;
    final TaskStruct idle;
    /** This CPU's MMU (hardware): TLB and paging-structure caches. */
    final Mmu mmu;

    /** current on this CPU (the per-CPU current_task, set by switch_to). */
    @Ghost TaskStruct current;
    /** switch_to's third argument: the task this CPU ran before the one it switched to. */
    @Ghost TaskStruct last;
    /** The mm whose page tables this CPU's MMU uses (CR3, TTBR0, the PID register). */
    @Ghost MmStruct hwMm;
    /** local_irq_disable nesting is not kernel semantics: IRQs are simply on or off. */
    @Ghost boolean irqsDisabled;
    /** Context switches on this CPU: RCU quiescent states, for synchronize_rcu(). */
    @Ghost long switchCount;
    /** Its task sleeps in synchronize_rcu() (spinning here, where the kernel would schedule). */
    @Ghost boolean sleepingInRcu;
    /** The code generation this CPU last serialized its core at (the membarrier SYNC_CORE oracle). */
    @Ghost long coreSerializedGen;
    /** Between __schedule's start and the end of the finish_task_switch that completes it. */
    @Ghost boolean inSwitch;

    Rq(Memory mem, int cpu, TaskStruct idle) {
        this.cpu = cpu;
        this.idle = idle;
        this.mmu = new Mmu(cpu);
        this.lock = mem.spinLock(this, "rq" + cpu + ".lock");
        this.curr = mem.refVar(this, "rq" + cpu + ".curr", idle);
        this.prevMm = mem.refVar(this, "rq" + cpu + ".prev_mm", null);
        this.lazyMm = mem.refVar(this, "rq" + cpu + ".lazy_mm", null);
        this.dropMm = mem.refVar(this, "rq" + cpu + ".drop_mm", null);
        this.membarrierState = mem.intVar(this, "rq" + cpu + ".membarrier_state", 0);
    }
}
