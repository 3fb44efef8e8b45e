package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * The kernel model's oracles, besides the ones in the paths themselves (the kernel's own BUG_ON
 * and WARN_ON, KASAN on freed mms in Memory, the refcount underflow in mmdrop / mmput, the race
 * detector, membarrier(2)'s guarantees with the user-space operations in {@link Membarrier}):
 * <ul>
 *   <li>after every step: no freed mm is still in use: loaded in a CPU's MMU, a task's mm or
 *       active_mm, an rq's prev_mm or lazy_mm (use-after-free);
 *   <li>after every step in which no CPU is inside a kernel path, under REFCOUNT: the invariants
 *       of the mm refcounts (kernel-digest 1.5): I1 mm_count is exactly its holders (1 for all
 *       users together, the lazy active_mm of tasks without an mm, rq->prev_mm, kthread_use_mm's
 *       grab, the program's own grab for its kthreads), I2 a task that is not running and has no
 *       mm has no active_mm, I3 a running task with an mm has it as active_mm and loaded (I4 is
 *       the use-after-free check above; I5, that mm and active_mm change only with IRQs off, is
 *       not checked);
 *   <li>at the end, with every task gone, every CPU idle on init_mm and every IPI taken: every
 *       mm but init_mm has been freed (leak).
 * </ul>
 */
final class Oracles {

    private final Kernel k;

    Oracles(Kernel k) { this.k = k; }

    /** The kernel functions on the Java stack, innermost first, C names, without the oracles'. */
    static String callers(int max) {
        List<String> out = new ArrayList<>();
        for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
            if (!e.getClassName().startsWith("lazymm.model.kernel.")) continue;
            String m = e.getMethodName();
            if (m.startsWith("lambda$") || m.equals("underflow") || m.equals("callers") || m.equals("warnOn")
                    || m.equals("bugOn") || e.getClassName().endsWith("Oracles")) continue;
            String c = KernelNames.toC(m);
            if (out.isEmpty() || !out.get(out.size() - 1).equals(c)) out.add(c);
            if (out.size() == max) break;
        }
        return String.join("<-", out);
    }

    void checkStep() {
        for (MmStruct mm : k.mms) {
            if (mm.freed) stillUsed(mm);
        }
        if (k.kc.lazyTlb().refcount() && quiet()) refcounts();
        k.arch.checkStep();
    }

    /** No CPU is in a context switch and no task is inside a path that moves mm references. */
    private boolean quiet() {
        for (Rq rq : k.rqs) {
            if (rq.inSwitch) return false;
        }
        for (TaskStruct t : k.tasks) {
            if ((!t.dead || t.running) && t.depth != 0) return false;
        }
        return true;
    }

    private void stillUsed(MmStruct mm) {
        for (Rq rq : k.rqs) {
            String who = null;
            if (rq.hwMm == mm) who = "is still loaded in cpu" + rq.cpu + "'s MMU";
            else if (k.mem.peekLatest(rq.prevMm) == mm) who = "is still rq" + rq.cpu + "->prev_mm";
            else if (k.mem.peekLatest(rq.lazyMm) == mm) who = "is still rq" + rq.cpu + "->lazy_mm (a hazard pointer)";
            if (who != null) throw uaf(mm, who);
        }
        for (TaskStruct t : k.tasks) {
            if (t.dead) continue;
            if (k.mem.peekLatest(t.mm) == mm) throw uaf(mm, "is still " + t + "->mm");
            if (k.mem.peekLatest(t.activeMm) == mm) throw uaf(mm, "is still " + t + "->active_mm");
        }
    }

    private Violation uaf(MmStruct mm, String who) {
        return new Violation("UseAfterFree", mm.freedIn,
                mm + " was freed by " + mm.freedBy + " but " + who);
    }

    /** I1 and I3, at a moment when no CPU is inside a kernel path. */
    private void refcounts() {
        for (MmStruct mm : k.mms) {
            if (mm.freed) continue;
            long users = k.mem.peekLatest(mm.mmUsers);
            int holders = users > 0 ? 1 : 0;
            List<String> who = new ArrayList<>();
            if (users > 0) who.add("its users");
            for (TaskStruct t : k.tasks) {
                if (t.dead) continue;
                MmStruct tm = k.mem.peekLatest(t.mm);
                if (tm == null && k.mem.peekLatest(t.activeMm) == mm) {
                    holders++;
                    who.add(t + "->active_mm");
                }
                if (t.kthread && tm == mm) {
                    holders++;
                    who.add(t + "'s kthread_use_mm");
                }
            }
            for (Rq rq : k.rqs) {
                if (k.mem.peekLatest(rq.prevMm) == mm) {
                    holders++;
                    who.add("rq" + rq.cpu + "->prev_mm");
                }
            }
            if (mm.group > 0 && k.groupKthreads[mm.group] > 0 && k.groupMm.get(mm.group) == mm) {
                holders++;
                who.add("the program's grab for its kthreads");
            }
            long count = k.mem.peekLatest(mm.mmCount);
            if (count != holders) {
                throw new Violation("RefcountInvariant", "mm_count",
                        "I1: " + mm + ".mm_count is " + count + " but it has " + holders + " holders " + who);
            }
        }
        for (TaskStruct t : k.tasks) {
            if (t.dead || t.running || t.idle) continue;
            if (k.mem.peekLatest(t.mm) == null && k.mem.peekLatest(t.activeMm) != null) {
                throw new Violation("RefcountInvariant", "active_mm",
                        "I2: " + t + " is not running and has no mm but active_mm " + k.mem.peekLatest(t.activeMm));
            }
        }
        for (Rq rq : k.rqs) {
            TaskStruct t = rq.current;
            MmStruct tm = k.mem.peekLatest(t.mm);
            if (tm != null && (k.mem.peekLatest(t.activeMm) != tm || rq.hwMm != tm)) {
                throw new Violation("RefcountInvariant", "active_mm",
                        "I3: " + t + " runs on cpu" + rq.cpu + " with mm " + tm + " but active_mm "
                                + k.mem.peekLatest(t.activeMm) + " and " + rq.hwMm + " loaded");
            }
        }
    }

    void checkFinal() {
        List<String> leaked = new ArrayList<>();
        for (MmStruct mm : k.mms) {
            if (!mm.freed) leaked.add(mm + " (mm_users " + k.mem.peekLatest(mm.mmUsers) + ", mm_count " + k.mem.peekLatest(mm.mmCount) + ")");
        }
        if (!leaked.isEmpty()) {
            throw new Violation("Leak", "mm_count",
                    "every task has exited and every CPU is idle on init_mm, but " + String.join(", ", leaked)
                            + " was never freed");
        }
    }
}
