package lazymm.model.kernel;

import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.Ghost;

/**
 * struct task_struct (include/linux/sched.h, v7.1.5), the fields these paths touch: mm,
 * active_mm, on_cpu, __state and PF_KTHREAD. Each task runs as its own model thread, so a
 * context switch is a real change of stack, as in the kernel. Left out: everything else.
 */
@KernelFile("include/linux/sched.h")
public final class TaskStruct {

    static final int TASK_RUNNING = 0;
    static final int TASK_DEAD = 0x80;

    /** {@code task#1}, {@code kthread#2}, {@code idle/0}, ... */
    final String name;
    final int pid;
    /** PF_KTHREAD. */
    final boolean kthread;
    final boolean idle;
    /** The program's CPU-hotplug controller (the task that runs cpu_down / cpu_up). */
    @Ghost boolean hotplugControl;
    /** Asleep in mutex_lock() (TASK_UNINTERRUPTIBLE) until the unlock wakes it: not picked to run. */
    @Ghost boolean sleeping;

    /** task->mm: plain accesses, as in the kernel (exit_mm, kthread_use_mm, exec_mmap). */
    final RefVar<MmStruct> mm;
    /** task->active_mm. */
    final RefVar<MmStruct> activeMm;
    /** task->on_cpu. */
    final IntVar onCpu;
    /** task->__state. */
    final IntVar state;
    /** A word of this thread's user memory: the flag its membarrier fast or slow path stores. */
    final IntVar userFlag;

    /** What the task does (the program's row), and where it is in it. */
    @Ghost final List<String> ops;
    /** The model thread that runs this task. */
    @Ghost Object thread;
    /** On a CPU now (from pick until it has switched away): not pickable elsewhere. */
    @Ghost boolean running;
    /** Queued on the run list, ready to run. */
    @Ghost boolean queued;
    @Ghost boolean dead;
    /** The mm group this task belongs to (user tasks), and the group a kthread uses. */
    @Ghost int group;
    @Ghost int usingGroup;
    /**
     * Started by user_mode_thread() (call_usermodehelper's worker, or init before its execve): no
     * mm and not PF_KTHREAD; it runs kernel code lazily on a borrowed mm until kernel_execve().
     */
    @Ghost boolean umh;
    /** preempt_count(): what this task holds disabled (saved and restored with the task). */
    @Ghost int preemptCount;
    /** How deep the task is in kernel paths that change mm references (0: between them). */
    @Ghost int depth;
    /** current->rcu_read_lock_nesting (CONFIG_PREEMPT_RCU): the RCU read-side critical sections it is in. */
    @Ghost int rcuReadLockNesting;
    /** task_struct.lazy_mmu_state (and the task's lazy MMU thread flags). */
    final LazyMmuState lazyMmuState = new LazyMmuState();

    TaskStruct(Memory mem, String name, int pid, boolean kthread, boolean idle, MmStruct mm, MmStruct activeMm,
               List<String> ops) {
        this.name = name;
        this.pid = pid;
        this.kthread = kthread;
        this.idle = idle;
        this.ops = ops;
        this.mm = mem.refVar(this, name + ".mm", mm);
        this.activeMm = mem.refVar(this, name + ".active_mm", activeMm);
        this.onCpu = mem.intVar(this, name + ".on_cpu", 0);
        this.state = mem.intVar(this, name + ".__state", TASK_RUNNING);
        this.userFlag = mem.intVar(this, name + ".user_flag", 0);
    }

    @Override public String toString() { return name; }
}
