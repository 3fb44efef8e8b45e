package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * The lock checks of the kernel model, what CONFIG_PROVE_LOCKING's irq-state tracking
 * (kernel/locking/lockdep.c, v7.1.5) and the hang itself would report:
 * <ul>
 *   <li><b>Deadlock</b>: a CPU starts to spin on a spinlock that it holds itself, taken by the
 *       context an interrupt (or the softirq run at its exit, or at local_bh_enable) interrupted.
 *       Reported at once, naming both acquisitions: the kernel would hang there (Gerald
 *       Schaefer's RCU stall in seed 002).
 *   <li><b>IrqUnsafeLock</b>: a lock class is taken in softirq context (serving a softirq) and
 *       elsewhere with softirqs enabled ({SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W}: "inconsistent lock
 *       state"), or in hardirq context and elsewhere with interrupts on. Reported when the
 *       second of the two marks is made, even if the deadlock never happened.
 * </ul>
 * A lock class is the lock's name without the instance that owns it: {@code mm#2.context.lock}
 * and {@code mm#3.context.lock} are both {@code mm->context.lock} (lockdep keys a class by the
 * spin_lock_init() site, which is one per field). Left out: lock ordering (ABBA) chains, read
 * locks, trylock exemptions (a trylock is marked like a lock), the ENABLED marks lockdep adds when
 * interrupts or softirqs are re-enabled while a lock is held (the model's locks are taken in the
 * state they are held in).
 */
@KernelFile("kernel/locking/lockdep.c")
final class Lockdep {

    private final Kernel k;

    /** The usage marks of one lock class: the first site of each, or null (lockdep's state: no shared memory). */
    private static final class LockClass {
        final String name;
        @Ghost String usedInSoftirq;
        @Ghost String enabledSoftirq;
        @Ghost String usedInHardirq;
        @Ghost String enabledHardirq;

        LockClass(String name) { this.name = name; }
    }

    @Ghost private final List<LockClass> classes = new ArrayList<>();
    /** Each lock's class, looked up once (lockdep keeps it in the lock's lockdep_map). */
    @Ghost private final java.util.Map<SpinLock, LockClass> classOfLock = new java.util.IdentityHashMap<>();
    private static final java.util.regex.Pattern ORDINAL = java.util.regex.Pattern.compile("[#/]?\\d+$");

    Lockdep(Kernel k) { this.k = k; }

    /** The class of a lock: {@code mm#2.context.lock} -> {@code mm->context.lock}, {@code rq1.lock} -> {@code rq->lock}. */
    static String lockClass(String lockName) {
        int dot = lockName.indexOf('.');
        if (dot < 0) return lockName;
        String owner = lockName.substring(0, dot);
        String kind = owner.equals("init_mm") ? "mm" : ORDINAL.matcher(owner).replaceAll("");
        return kind + "->" + lockName.substring(dot + 1);
    }

    private static String at(String site) {
        return KernelNames.function(site) + " (" + KernelNames.where(site) + ")";
    }

    /** Before this CPU starts to spin for {@code l}: spinning on a lock it holds itself never ends. */
    void lockAcquiring(int cpu, SpinLock l, String site) {
        if (k.mem.owner(l) != cpu) return;
        String held = k.mem.ownerSite(l);
        throw new Violation("Deadlock", KernelNames.function(site) + "<-" + KernelNames.function(held),
                "cpu" + cpu + " spins on " + l.name() + " in " + at(site) + context(cpu)
                        + ", but holds it itself: taken in " + at(held) + " by the context this one interrupted");
    }

    private String context(int cpu) {
        if (k.softirq.inHardirq(cpu)) return " (hardirq)";
        if (k.softirq.inServingSoftirq(cpu)) return " (softirq)";
        return "";
    }

    /** After this CPU took {@code l}: mark the class's usage and check the irq-safety rules. */
    void lockAcquired(int cpu, SpinLock l, String site) {
        LockClass c = classOfLock.get(l);
        if (c == null) {
            c = classOf(lockClass(l.name()));
            classOfLock.put(l, c);
        }
        boolean irqsOn = !k.rqs[cpu].irqsDisabled;
        if (k.softirq.inHardirq(cpu)) {
            if (c.usedInHardirq == null) c.usedInHardirq = site;
        } else if (irqsOn && c.enabledHardirq == null) {
            c.enabledHardirq = site;
        }
        if (k.softirq.inServingSoftirq(cpu)) {
            if (c.usedInSoftirq == null) c.usedInSoftirq = site;
        } else if (irqsOn && !k.softirq.inInterrupt(cpu) && c.enabledSoftirq == null) {
            c.enabledSoftirq = site;
        }
        if (c.usedInHardirq != null && c.enabledHardirq != null) unsafe(c, "HARDIRQ", c.usedInHardirq, c.enabledHardirq, cpu, l);
        if (c.usedInSoftirq != null && c.enabledSoftirq != null) unsafe(c, "SOFTIRQ", c.usedInSoftirq, c.enabledSoftirq, cpu, l);
    }

    private void unsafe(LockClass c, String irq, String in, String on, int cpu, SpinLock l) {
        throw new Violation("IrqUnsafeLock", c.name + ":" + KernelNames.function(in) + "+" + KernelNames.function(on),
                "inconsistent lock state: {" + irq + "-ON-W} -> {IN-" + irq + "-W} usage of " + c.name
                        + " (now " + l.name() + " on cpu" + cpu + "): taken in " + irq.toLowerCase() + " context in "
                        + at(in) + ", and with " + (irq.equals("SOFTIRQ") ? "softirqs" : "interrupts")
                        + " enabled in " + at(on) + "; an interrupt there that runs the first would deadlock");
    }

    private LockClass classOf(String name) {
        for (LockClass c : classes) {
            if (c.name.equals(name)) return c;
        }
        LockClass c = new LockClass(name);
        classes.add(c);
        return c;
    }

    /**
     * lockdep_sys_exit(), on the way back to user space: a task leaving the kernel holds no lock.
     * The model's spinlocks are taken and released inside one path; what a path can leave held is
     * an RCU read-side critical section (rcu_read_lock() acquires lockdep's rcu_lock_map).
     * Kthreads do not return to user space.
     */
    void sysExit(TaskStruct t) {
        if (t.kthread || t.rcuReadLockNesting == 0) return;
        k.lockdepReport(new Violation("Warn", "lockdep_sys_exit", "WARNING: lock held when returning to user space! " + t
                + " is leaving the kernel with locks still held: rcu_read_lock (rcu_lock_map), nesting "
                + t.rcuReadLockNesting));
    }
}
