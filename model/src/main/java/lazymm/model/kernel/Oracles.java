package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * The kernel model's oracles, besides the ones in the paths themselves (the kernel's own BUG_ON
 * and WARN_ON, KASAN on freed mms in Memory, the refcount underflow in mmdrop / mmput, the race
 * detector, membarrier(2)'s guarantees with the user-space operations in {@link Membarrier}):
 * <ul>
 *   <li>after every step: no freed mm is still loaded in a CPU's MMU, and no freed object is
 *       still named by a pointer location of the memory (rq->prev_mm, rq->lazy_mm, task->active_mm, whatever
 *       field), except a dead task's and a freed object's own: FreedWhileNamed, a finding that
 *       does not end the execution, since naming is no access (KASAN reports only an access); the
 *       execution goes on, and if something then accesses the freed object, KASAN's report of
 *       that access (UseAfterFree, in Memory) ends it and says who still named the object (see
 *       {@link #stillUsed});
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
    /** The freed objects already reported as still named: each is reported once. */
    private final java.util.Set<Object> named = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

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
        stillUsed();
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

    /**
     * Freed while named, by reachability: a freed mm loaded in a CPU's MMU (hardware, not
     * memory), or any pointer location of the memory whose newest value names an object freed
     * with kfree, whatever field it is (rq->prev_mm, rq->lazy_mm, task->active_mm, a field a
     * patch adds); the memory keeps the index ({@link lazymm.model.mem.Memory#referencesToFreed}).
     * Exempt, see {@link #exempt}: the fields of a freed object, and of a dead task. Reported
     * once per object, with everything that names it, as a finding that does not end the
     * execution: naming is no access.
     */
    private void stillUsed() {
        if (!anyNewlyNamed()) return;  // the common case, every step: nothing to allocate
        // per freed object, who names it: the MMUs that have it loaded, then the pointer
        // locations, a CPU's own state (rq, per-CPU) before tasks' fields, creation order in each
        java.util.Map<Object, List<String>> names = new java.util.IdentityHashMap<>();
        List<Object> order = new ArrayList<>();
        for (MmStruct mm : k.mms) {
            if (!mm.freed || named.contains(mm)) continue;
            for (Rq rq : k.rqs) {
                if (rq.hwMm == mm) namedBy(names, order, mm).add("cpu" + rq.cpu + "'s MMU (its page tables are loaded)");
            }
        }
        List<RefVar<?>> held = k.mem.referencesToFreed();
        List<RefVar<?>> cpuFirst = new ArrayList<>(held);
        cpuFirst.sort(java.util.Comparator.comparing(x -> x.owner() instanceof TaskStruct));  // stable
        for (RefVar<?> r : cpuFirst) {
            if (exempt(r)) continue;
            Object o = k.mem.peekLatest(r);
            if (named.contains(o)) continue;
            namedBy(names, order, o).add(kernelName(r));
        }
        for (Object o : order) {
            named.add(o);
            List<String> l = names.get(o);
            String who = l.get(0);
            for (int i = 1; i < l.size(); i++) who += (i == l.size() - 1 ? " and " : ", ") + l.get(i);
            String freedIn = o instanceof MmStruct mm ? mm.freedIn : k.mem.freedIn(o);
            String freedBy = o instanceof MmStruct mm ? mm.freedBy : k.mem.freedBy(o);
            k.mem.noteNamedWhenFreed(o, who);
            k.m.report(new Violation("FreedWhileNamed", freedIn, o + " was freed by " + freedBy + " while " + who
                    + (l.size() > 1 ? " still name it" : " still names it")
                    + "; KASAN would report only an access to it (the execution goes on to see if one comes)"));
        }
    }

    /** True if a freed object not yet reported is loaded in an MMU or named by a location that is not exempt. */
    private boolean anyNewlyNamed() {
        for (MmStruct mm : k.mms) {
            if (!mm.freed || named.contains(mm)) continue;
            for (Rq rq : k.rqs) {
                if (rq.hwMm == mm) return true;
            }
        }
        for (RefVar<?> r : k.mem.referencesToFreed()) {
            if (!exempt(r) && !named.contains(k.mem.peekLatest(r))) return true;
        }
        return false;
    }

    private static List<String> namedBy(java.util.Map<Object, List<String>> names, List<Object> order, Object o) {
        return names.computeIfAbsent(o, x -> {
            order.add(x);
            return new ArrayList<>();
        });
    }

    /**
     * The locations the kernel legitimately leaves naming a freed object, as nothing reads
     * them again: the fields of an object that is freed itself (any access to them is KASAN's
     * use-after-free in Memory), and the fields of a dead task (its task_struct is only waiting
     * for the last put_task_struct(): exit_mm() cleared ->mm, and ->active_mm is dropped by the
     * finish_task_switch() after its last switch; the model does not kfree task_structs).
     */
    private static boolean exempt(RefVar<?> r) {
        if (r.ownerFreed()) return true;
        return r.owner() instanceof TaskStruct t && t.dead;
    }

    /** A location's name in the kernel's spelling: rq2.lazy_mm -> rq2->lazy_mm, cpu1.cpu_tlbstate.x -> cpu1's cpu_tlbstate.x. */
    static String kernelName(RefVar<?> r) {
        String n = r.name();
        int dot = n.indexOf('.');
        if (dot < 0) return n;
        String obj = n.substring(0, dot);
        return obj.matches("cpu\\d+") ? obj + "'s " + n.substring(dot + 1) : obj + "->" + n.substring(dot + 1);
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
                who.add("the program's grab for its kthreads and mkclean walks");
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
