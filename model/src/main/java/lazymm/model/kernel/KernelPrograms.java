package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.kernel.KernelVariant.Workload;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;

/**
 * The operation vocabulary of kernel-model programs. A program is a list of tasks; each row is
 * one task: its kind, then its operations. Every operation is robust: one that does not apply
 * when it comes up (unuse without a use, down of a CPU that is already offline) does nothing, so
 * that every program is valid whatever the schedule, and a generated one always runs.
 *
 * <pre>
 *   user:G    run | sched | clone | exec | exit     a user task of process G (mm group G)
 *             zap | munmap                          madvise(MADV_DONTNEED) of page 0; munmap of the
 *                                                   whole VMA (its page table is freed too)
 *             mbreg | mbfast | mbslow               membarrier REGISTER_PRIVATE_EXPEDITED; the fast path
 *                                                   (store, barrier(), loads of the process's flags) and the
 *                                                   slow path (store, membarrier(PRIVATE_EXPEDITED), loads)
 *             mbregg | mbgfast | mbgslow            REGISTER_GLOBAL_EXPEDITED; the fast and slow paths over
 *                                                   memory all processes share (every task's flag), the slow
 *                                                   one with membarrier(GLOBAL_EXPEDITED)
 *             mbregsc | mbsc                        REGISTER_PRIVATE_EXPEDITED_SYNC_CORE; a JIT: store, modify
 *                                                   the code, membarrier(PRIVATE_EXPEDITED_SYNC_CORE), loads
 *             mbregrseq | mbcpu:C                   REGISTER_PRIVATE_EXPEDITED_RSEQ; the slow path with
 *                                                   membarrier(PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, C)
 *             mprotect | lazynest                   lazy MMU sections (LazyMmuUsers): change_pte_range under the
 *                                                   PTE lock; zap_pte_range with a nested DEBUG_PAGEALLOC section
 *             vmap | pause | lazyirq                apply_to_page_range on init_mm (preemptible); the same with
 *                                                   the mode paused around a sleep; IPIs whose handlers use the
 *                                                   lazy MMU API in interrupt context (nothing when the variant
 *                                                   has no lazy MMU backend)
 *             mkclean:G                             x86 only: folio_mkclean() of page 0 of process G's mm from
 *                                                   this task (msync() of a shared file page both map, the one
 *                                                   VMA standing for it): page_mkclean_one()'s ptep_clear_flush(),
 *                                                   a one-page flush of G's mm from a CPU running another mm
 *             map2 | unmap2 | retract               s390 only ({@link SecondTable}): fault in the mm's second PTE
 *                                                   table (a second region of the VMA); munmap it
 *                                                   (page_table_free_rcu, __tlb_remove_table by RCU); khugepaged's
 *                                                   retract of the first region's table (pte_free_defer, or
 *                                                   pte_free before v6.6)
 *   kthread   use:G | unuse | run | sched           a kernel thread; use:G is mmget_not_zero() + kthread_use_mm()
 *             mbfast | mbgfast                      the fast paths on the mm it uses (nothing without one)
 *             vmap | pause | lazyirq                as for user tasks
 *   umh       exec, then any user operation            a task without an mm that is not a kthread
 *                                                   (user_mode_thread(): call_usermodehelper's worker,
 *                                                   init before its execve): it runs lazily on the mm it
 *                                                   borrows until its exec, kernel_execve(), where
 *                                                   exec_mmap() has no old mm and drops the lazy one; then
 *                                                   it is the one thread of its new process
 *   cpuhp     down:C | up:C | sched                 the CPU-hotplug controller (cpu_down / cpu_up)
 * </pre>
 *
 * {@code run} is user code touching every page of its VMA through the MMU, faulting pages in
 * (in a kthread: copy_to_user on the used mm, or with no mm a speculative page walk of whatever
 * user page tables the CPU still has loaded);
 * {@code sched} is a voluntary schedule(); a task exits after its last operation. Tasks may also
 * be preempted between operations and at the kernel's preemption points. A membarrier command
 * that does not apply (not registered) fails as the kernel's does, with -EPERM.
 */
@KernelFile("mm/madvise.c")
final class KernelPrograms {

    private KernelPrograms() {}

    static final List<String> USER_OPS = List.of("run", "sched", "clone", "exec", "exit", "zap", "munmap",
            "mbreg", "mbfast", "mbslow", "mbregg", "mbgfast", "mbgslow", "mbregsc", "mbsc", "mbregrseq", "mbcpu:C",
            "mprotect", "lazynest", "vmap", "pause", "lazyirq", "map2", "unmap2", "retract", "mkclean:G");
    /** The operations of the second PTE table: programs for s390 only. */
    static final List<String> TABLE2_OPS = List.of("map2", "unmap2", "retract");
    static final List<String> KTHREAD_OPS = List.of("use:G", "unuse", "run", "sched", "mbfast", "mbgfast",
            "vmap", "pause", "lazyirq");
    static final List<String> CPUHP_OPS = List.of("down:C", "up:C", "sched");
    /** A user-mode thread's: a user task's (before its exec, with no mm, those that need one do nothing). */
    static final List<String> UMH_OPS = USER_OPS;

    /** The highest mm group the program names (user:G and use:G). */
    static int groups(Program p) {
        int max = 0;
        for (List<String> row : p.perCpu()) {
            for (String tok : row) {
                if (tok.startsWith("user:") || tok.startsWith("use:")) {
                    max = Math.max(max, number(tok));
                }
            }
        }
        return max;
    }

    /** The number after the ':' of a token, -1 if it is not one (checked, not thrown: it runs at each boot). */
    private static int number(String tok) {
        int from = tok.indexOf(':') + 1;
        int n = tok.length() - from;
        if (n < 1 || n > 9) return -1;
        int v = 0;
        for (int i = from; i < tok.length(); i++) {
            char c = tok.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Null if the program is in the vocabulary, else one line naming the row, the token and what was expected. */
    static String validate(Config cfg, Program p) {
        if (p.cpus() == 0) return "the program has no tasks";
        for (int i = 0; i < p.cpus(); i++) {
            List<String> row = p.ops(i);
            if (row.isEmpty()) return "task " + i + ": empty row (expected user:G, kthread, umh or cpuhp, then operations)";
            String kind = row.get(0);
            List<String> vocab;
            if (kind.startsWith("user:")) {
                if (number(kind) < 1 || number(kind) > 9) return "task " + i + ": '" + kind + "': the group must be 1..9";
                vocab = USER_OPS;
            } else if (kind.equals("kthread")) {
                vocab = KTHREAD_OPS;
            } else if (kind.equals("cpuhp")) {
                vocab = CPUHP_OPS;
            } else if (kind.equals("umh")) {
                vocab = UMH_OPS;
            } else {
                return "task " + i + ": unknown kind '" + kind + "' (expected user:G, kthread, umh or cpuhp)";
            }
            for (String op : row.subList(1, row.size())) {
                boolean group = op.startsWith("use:") || op.startsWith("mkclean:");
                String shape = op.contains(":") ? op.substring(0, op.indexOf(':') + 1) + (group ? "G" : "C") : op;
                if (!vocab.contains(shape)) {
                    return "task " + i + " (" + kind + "): unknown operation '" + op + "' (expected one of " + vocab + ")";
                }
                if (TABLE2_OPS.contains(op) && !cfg.arch().equals("s390")) {
                    return "task " + i + ": '" + op + "' needs the s390 page-table model (arch s390), not " + cfg.arch();
                }
                if (op.startsWith("mkclean:") && !cfg.arch().equals("x86")) {
                    return "task " + i + ": '" + op + "' is x86's (the generic ptep_clear_flush()), not " + cfg.arch() + "'s";
                }
                int n = op.contains(":") ? number(op) : 0;
                if (group && (n < 1 || n > 9)) return "task " + i + ": '" + op + "': the group must be 1..9";
                if ((op.startsWith("down:") || op.startsWith("up:") || op.startsWith("mbcpu:")) && (n < 0 || n >= cfg.cpus())) {
                    return "task " + i + ": '" + op + "': the CPU must be 0.." + (cfg.cpus() - 1);
                }
            }
        }
        return null;
    }

    /** Makes the program's mms and tasks and queues the tasks. */
    static void boot(Kernel k, Program p) {
        int groups = groups(p);
        k.groupMm.add(null);
        for (int g = 1; g <= groups; g++) {
            int users = 0;
            boolean kthreads = false;
            for (List<String> row : p.perCpu()) {
                if (row.get(0).equals("user:" + g)) users++;
                if (row.get(0).equals("kthread") && row.contains("use:" + g)) kthreads = true;
                if (row.contains("mkclean:" + g)) kthreads = true;  // the struct outlives its users until the walk is done
            }
            MmStruct mm = null;
            if (users > 0) {
                mm = new MmStruct(k.mem, "mm#" + k.nextMm++, false, g, users, kthreads ? 2 : 1, ++k.lastMmCtxId);
                k.mms.add(mm);
            }
            k.groupMm.add(mm);
        }
        for (List<String> row : p.perCpu()) {
            String kind = row.get(0);
            List<String> ops = row.subList(1, row.size());
            TaskStruct t;
            if (kind.startsWith("user:")) {
                int g = number(kind);
                MmStruct mm = k.groupMm.get(g);
                t = k.newTask("task#" + k.nextPid, false, false, mm, mm, ops);
                t.group = g;
                grabForMkclean(k, ops);
            } else if (kind.equals("umh")) {
                t = k.newTask("umh#" + k.nextPid, false, false, null, null, ops);  // user_mode_thread()
                t.umh = true;
                grabForMkclean(k, ops);
            } else {
                t = k.newTask((kind.equals("cpuhp") ? "cpuhp#" : "kthread#") + k.nextPid, true, false, null, null, ops);
                t.hotplugControl = kind.equals("cpuhp");
                if (t.hotplugControl) k.hotplug.addController();
                List<Integer> seen = new ArrayList<>();
                for (String op : ops) {
                    int g = number(op);
                    if (op.startsWith("use:") && k.groupMm.get(g) != null && !seen.contains(g)) {
                        seen.add(g);
                        k.groupKthreads[g]++;
                    }
                }
            }
            k.start(t);
        }
    }

    /**
     * A task's mkclean:G walks process G's mm without a reference to it (the rmap finds the VMA
     * under the file's i_mmap lock, which exit_mmap() also takes): the program holds a grab on
     * each mm a task will walk, as for a kthread's use:G, until the task ends.
     */
    private static void grabForMkclean(Kernel k, List<String> ops) {
        for (int g : mkcleanGroups(k, ops)) k.groupKthreads[g]++;
    }

    /** The groups with an mm that a task's mkclean:G operations name, each once. */
    private static List<Integer> mkcleanGroups(Kernel k, List<String> ops) {
        List<Integer> out = new ArrayList<>();
        for (String op : ops) {
            if (!op.startsWith("mkclean:")) continue;
            int g = number(op);
            if (g < k.groupMm.size() && k.groupMm.get(g) != null && !out.contains(g)) out.add(g);
        }
        return out;
    }

    /** The end of a user task: the program drops its grabs for the task's mkclean:G walks. */
    static void userExit(Kernel k, TaskStruct t) {
        for (int g : mkcleanGroups(k, t.ops)) {
            if (--k.groupKthreads[g] == 0) k.smm.mmdrop(k.groupMm.get(g));
        }
    }

    /**
     * Runs the task's operations (its thread has done schedule_tail). A user task runs user code
     * before each operation (the call) and after it (the return): the membarrier SYNC_CORE
     * oracle looks at the CPU then. A user task preempted between two operations was preempted in
     * user mode, by an interrupt: it goes back to user space through the interrupt's return (an
     * exception return: IRET on x86, which serializes the core); a system call returns with
     * SYSRET, which does not.
     */
    static void run(Kernel k, TaskStruct t) {
        boolean first = true;
        for (String op : t.ops) {
            if (!first) irqentryExitToUserMode(k, t);
            first = false;
            k.membarrierUser.userCode(t);
            if (op.equals("exit")) return;
            apply(k, t, op);
            k.membarrierUser.userCode(t);
        }
    }

    private static void apply(Kernel k, TaskStruct t, String op) {
        switch (op) {
            case "run" -> userAccess(k, t);
            case "sched" -> k.core.schedule();
            case "clone" -> {
                if (t.umh && k.mem.peekLatest(t.mm) == null) return;  // no mm to share yet
                k.enter();
                TaskStruct child = k.fork.copyProcessVm(t, List.of("run"));
                k.start(child);  // wake_up_new_task()
                k.leave();
            }
            case "exec" -> {
                k.enter();
                MmStruct mm = k.newMm(0);  // mm_alloc(); bprm_mm_init
                k.exec.execMmap(mm);
                k.leave();
            }
            case "unuse" -> unuse(k, t);
            case "zap" -> mmOp(k, t, false);
            case "munmap" -> mmOp(k, t, true);
            case "map2", "unmap2", "retract" -> table2Op(k, t, op);
            case "mbreg" -> k.membarrierUser.userRegister(t, Membarrier.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
            case "mbregg" -> k.membarrierUser.userRegister(t, Membarrier.MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED);
            case "mbregsc" -> k.membarrierUser.userRegister(t, Membarrier.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
            case "mbregrseq" -> k.membarrierUser.userRegister(t, Membarrier.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ);
            case "mbfast" -> k.membarrierUser.userFast(t, false);
            case "mbgfast" -> k.membarrierUser.userFast(t, true);
            case "mbslow" -> k.membarrierUser.userSlowPrivate(t);
            case "mbgslow" -> k.membarrierUser.userSlowGlobal(t);
            case "mbsc" -> k.membarrierUser.userSyncCore(t);
            case "mprotect" -> k.lazyMmuUsers.changePteRange(t);
            case "lazynest" -> k.lazyMmuUsers.zapPteRangeNested(t);
            case "vmap" -> k.lazyMmuUsers.applyToPageRange(t);
            case "pause" -> k.lazyMmuUsers.applyWithPause(t);
            case "lazyirq" -> k.lazyMmuUsers.interruptMapping(t);
            default -> {
                int n = number(op);
                if (op.startsWith("use:")) use(k, t, n);
                else if (op.startsWith("down:")) k.hotplug.cpuDown(n);
                else if (op.startsWith("up:")) k.hotplug.cpuUp(n);
                else if (op.startsWith("mbcpu:")) k.membarrierUser.userSlowCpu(t, n);
                else if (op.startsWith("mkclean:")) mkclean(k, n);
            }
        }
    }

    /** User code (or a kthread's copy_to_user on its used mm) touching the mm it runs on. */
    private static void userAccess(Kernel k, TaskStruct t) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) {
            // a kthread without an mm runs kernel code; in lazy TLB mode the CPU may still walk
            // the lazily loaded user page tables speculatively
            if (t.kthread || t.umh) k.arch.speculativeWalk(0);
            return;
        }
        Rq rq = k.thisRq();
        if (rq.hwMm != mm) {
            throw new Violation("RefcountInvariant", "active_mm",
                    t + " touches user memory of " + mm + " on cpu" + rq.cpu + " but " + rq.hwMm + " is loaded");
        }
        k.userMm.userAccess(mm);
    }

    /** madvise(MADV_DONTNEED) or munmap() on the task's own mm. */
    private static void mmOp(Kernel k, TaskStruct t, boolean munmap) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) return;
        k.enter();
        if (munmap) k.userMm.munmap(mm); else k.userMm.madviseDontneed(mm);
        k.leave();
    }

    /** The second PTE table of the task's own mm (s390). */
    private static void table2Op(Kernel k, TaskStruct t, String op) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null) return;
        k.enter();
        switch (op) {
            case "map2" -> k.table2.fault(mm);
            case "unmap2" -> k.table2.munmap(mm);
            default -> k.table2.retract(mm);
        }
        k.leave();
    }

    /** msync() of a shared file page process G maps too: writeback's folio_mkclean() walks G's mapping. */
    private static void mkclean(Kernel k, int g) {
        if (g >= k.groupMm.size() || k.groupMm.get(g) == null) return;
        k.enter();
        k.userMm.pageMkcleanOne(k.groupMm.get(g));
        k.leave();
    }

    private static void use(Kernel k, TaskStruct t, int g) {
        if (t.usingGroup != 0 || g >= k.groupMm.size() || k.groupMm.get(g) == null) return;
        MmStruct mm = k.groupMm.get(g);
        k.enter();
        if (k.smm.mmgetNotZero(mm)) {
            k.membarrierUser.kthreadUsed(mm);  // the oracle's ghost state
            k.kthread.kthreadUseMm(mm);
            t.usingGroup = g;
        }
        k.leave();
    }

    private static void unuse(Kernel k, TaskStruct t) {
        if (t.usingGroup == 0) return;
        MmStruct mm = k.groupMm.get(t.usingGroup);
        k.enter();
        k.kthread.kthreadUnuseMm(mm);
        k.fork.mmput(mm);
        if (k.kc.has(Patch.PLANT_EXTRA_MMPUT)) k.fork.mmput(mm);  // PATCH: plant-extra-mmput: a second mmput
        t.usingGroup = 0;
        k.leave();
    }

    /** A kthread's exit: it stops using its mm, and the last one of a group drops the program's grab. */
    static void kthreadExit(Kernel k, TaskStruct t) {
        unuse(k, t);
        List<Integer> seen = new ArrayList<>();
        for (String op : t.ops) {
            if (!op.startsWith("use:")) continue;
            int g = number(op);
            if (seen.contains(g) || g >= k.groupMm.size() || k.groupMm.get(g) == null) continue;
            seen.add(g);
            if (--k.groupKthreads[g] == 0) k.smm.mmdrop(k.groupMm.get(g));
        }
    }

    // ---- programs ----

    static Program defaultProgram(Config cfg) {
        List<List<String>> rows = new ArrayList<>();
        if (KConfig.of(cfg).runs(Workload.LAZY_MMU)) {
            // the lazy MMU variants: preemptible sections, a nested one, a pause, an interrupt; four
            // tasks on three CPUs, so that a preempted task's CPU has another to run
            rows.add(List.of("user:1", "vmap", "mprotect"));
            rows.add(List.of("user:1", "lazynest", "pause"));
            rows.add(List.of("user:2", "vmap", "sched"));
            rows.add(List.of("kthread", "vmap", "lazyirq"));
            return Program.of(rows);
        }
        rows.add(List.of("user:1", "run", "sched", "run"));
        rows.add(List.of("user:1", "run", "clone", "run"));
        rows.add(List.of("kthread", "use:1", "run", "unuse"));
        if (cfg.cpus() >= 2) rows.add(List.of("cpuhp", "down:1", "up:1"));
        return Program.of(rows);
    }

    /** A user task's operations in random programs, as often as they appear here. */
    private static final List<String> USER_MIX = List.of("run", "run", "run", "run", "sched", "sched", "sched",
            "clone", "clone", "exec", "zap", "zap", "munmap");
    /** The extra threads' operations at more than three CPUs: the ones that meet other CPUs. */
    private static final List<String> INTERACT_MIX = List.of("run", "sched", "sched", "zap", "munmap", "exec", "clone");
    /** ... and on s390, the second PTE table's operations besides (two more per row). */
    private static final List<String> TABLE2_MIX = List.of("map2", "map2", "map2", "unmap2", "unmap2", "retract", "retract");
    /** ... and with membarrier users, these besides (after the registrations that open the first row of a process): */
    private static final List<String> PRIVATE_MIX = List.of("mbfast", "mbfast", "mbslow", "mbslow");
    /** ... and with users of every command. */
    private static final List<String> MEMBARRIER_MIX = List.of("mbfast", "mbfast", "mbslow", "mbslow", "mbgfast",
            "mbgslow", "mbsc", "mbcpu:C");

    /** A user task's operations in the arm64 ASID variants' programs: mostly switches. */
    private static final List<String> ASID_MIX = List.of("run", "run", "sched", "sched", "sched", "sched", "exec",
            "clone", "zap", "munmap");

    /**
     * The arm64 ASID variants' programs: more processes than the model has ASIDs (four or five,
     * mostly one thread each) switching often, so that the allocator rolls over again and again;
     * sometimes a kthread (a lazy CPU keeps its ASID active) and CPU hotplug.
     */
    private static Program asidProgram(Config cfg, RandomGenerator rnd) {
        List<List<String>> rows = new ArrayList<>();
        int groups = 4 + rnd.nextInt(2);
        for (int g = 1; g <= groups; g++) {
            int users = rnd.nextInt(4) == 0 ? 2 : 1;
            for (int u = 0; u < users; u++) {
                List<String> row = new ArrayList<>(List.of("user:" + g));
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) row.add(ASID_MIX.get(rnd.nextInt(ASID_MIX.size())));
                rows.add(row);
            }
        }
        if (rnd.nextBoolean()) {
            int g = 1 + rnd.nextInt(groups);
            rows.add(new ArrayList<>(List.of("kthread", "use:" + g, "run", "unuse", "run")));
        }
        if (cfg.cpus() >= 2 && rnd.nextInt(4) == 0) {
            int c = 1 + rnd.nextInt(cfg.cpus() - 1);
            rows.add(List.of("cpuhp", "down:" + c, "up:" + c));
        }
        return Program.of(rows);
    }

    /** A user task's operations in the lazy MMU variants' random programs. */
    private static final List<String> LAZY_MMU_USER_MIX = List.of("run", "sched", "clone", "mprotect", "mprotect",
            "vmap", "vmap", "vmap", "lazynest", "pause", "lazyirq");
    /** ... a kthread's. */
    private static final List<String> LAZY_MMU_KTHREAD_MIX = List.of("vmap", "vmap", "pause", "lazyirq", "sched");

    /**
     * The membarrier command a random program is about: a slow path is checked only against the
     * fast paths its command covers, after the registration it needs, so a program whose
     * membarrier operations are drawn from the whole mix rarely holds a pair the oracle can judge
     * (a GLOBAL_EXPEDITED slow path beside a fast path of a process registered for it, each one
     * draw in twenty). With a focus, the first row of each process also registers for the
     * command (three times in four), and half of the user operations, the kthreads' fast paths
     * and the extra rows' membarrier operations are the command's fast and slow paths. One
     * program in five (one in four with PRIVATE_EXPEDITED alone) has no focus (null) and draws from the whole mix as before.
     */
    private record Focus(String reg, String fast, String slow) {
        static Focus draw(boolean all, RandomGenerator rnd) {
            if (!all) return rnd.nextInt(4) == 0 ? null : new Focus("mbreg", "mbfast", "mbslow");
            return switch (rnd.nextInt(5)) {
                case 1 -> new Focus("mbreg", "mbfast", "mbslow");
                case 2 -> new Focus("mbregg", "mbgfast", "mbgslow");
                case 3 -> new Focus("mbregsc", "mbfast", "mbsc");
                case 4 -> new Focus("mbregrseq", "mbfast", "mbcpu:C");
                default -> null;
            };
        }

        /** The command's fast or slow path, one as likely as the other (a cpu_id drawn for mbcpu:C). */
        String op(RandomGenerator rnd, Config cfg) {
            String op = rnd.nextBoolean() ? fast : slow;
            return op.equals("mbcpu:C") ? "mbcpu:" + rnd.nextInt(cfg.cpus()) : op;
        }
    }

    static Program randomProgram(Config cfg, RandomGenerator rnd) {
        KConfig kc = KConfig.of(cfg);
        if (kc.runs(Workload.LAZY_MMU)) return lazyMmuProgram(cfg, rnd);
        boolean membarrier = kc.runs(Workload.MEMBARRIER_PRIVATE) || kc.runs(Workload.MEMBARRIER_ALL);
        boolean s390 = cfg.arch().equals("s390");
        List<String> mbMix = kc.runs(Workload.MEMBARRIER_ALL) ? MEMBARRIER_MIX : PRIVATE_MIX;
        List<List<String>> rows = new ArrayList<>();
        if (kc.runs(Workload.ASID_ROLLOVER)) return asidProgram(cfg, rnd);
        Focus focus = membarrier ? Focus.draw(kc.runs(Workload.MEMBARRIER_ALL), rnd) : null;
        boolean x86Flushes = cfg.arch().equals("x86") && !kc.runs(Workload.NO_TLB_OPS);
        int groups = 1 + rnd.nextInt(2);
        for (int g = 1; g <= groups; g++) {
            int users = 1 + rnd.nextInt(2) + (membarrier || s390 ? 1 : 0);  // s390: two tasks of one mm free tables the ways that race
            for (int u = 0; u < users; u++) {
                List<String> row = new ArrayList<>(List.of("user:" + g));
                if (membarrier && u == 0) {
                    if (rnd.nextInt(4) != 0) row.add("mbreg");
                    for (String reg : kc.runs(Workload.MEMBARRIER_ALL) ? List.of("mbregg", "mbregsc", "mbregrseq") : List.<String>of()) {
                        if (rnd.nextBoolean()) row.add(reg);
                    }
                    if (focus != null && !row.contains(focus.reg) && rnd.nextInt(4) != 0) row.add(focus.reg);
                }
                int n = 1 + rnd.nextInt(4) + (s390 ? 2 : 0);
                for (int i = 0; i < n; i++) {
                    if (x86Flushes && rnd.nextInt(24) == 23) {  // not 0: a zero byte is the smallest choice
                        // writeback of a page another process may map (folio_mkclean): a flush of
                        // that process's mm from this one's context, which rmap walks do
                        row.add("mkclean:" + (1 + rnd.nextInt(groups)));
                        continue;
                    }
                    if (focus != null && rnd.nextBoolean()) {
                        row.add(focus.op(rnd, cfg));
                        continue;
                    }
                    int r = rnd.nextInt(USER_MIX.size() + (membarrier ? mbMix.size() : 0) + (s390 ? TABLE2_MIX.size() : 0));
                    String op = r < USER_MIX.size() ? USER_MIX.get(r)
                            : r - USER_MIX.size() < (membarrier ? mbMix.size() : 0) ? mbMix.get(r - USER_MIX.size())
                            : TABLE2_MIX.get(r - USER_MIX.size() - (membarrier ? mbMix.size() : 0));
                    if (kc.runs(Workload.NO_TLB_OPS) && (op.equals("zap") || op.equals("munmap"))) op = "run";
                    row.add(op.equals("mbcpu:C") ? "mbcpu:" + rnd.nextInt(cfg.cpus()) : op);
                }
                rows.add(row);
            }
        }
        int kthreads = rnd.nextInt(3);
        for (int i = 0; i < kthreads; i++) {
            List<String> row = new ArrayList<>(List.of("kthread"));
            int n = 1 + rnd.nextInt(2);
            for (int j = 0; j < n; j++) {
                row.add("use:" + (1 + rnd.nextInt(groups)));
                if (membarrier && rnd.nextBoolean()) {
                    row.add(focus != null ? focus.fast : kc.runs(Workload.MEMBARRIER_ALL) && rnd.nextBoolean() ? "mbgfast" : "mbfast");
                }
                if (rnd.nextBoolean()) row.add("run");
                if (rnd.nextBoolean()) row.add("sched");
                row.add("unuse");
                if (rnd.nextBoolean()) row.add("run");  // lazy on the mm it used: a speculative walk
            }
            rows.add(row);
        }
        // More CPUs than three: more tasks than CPUs. The idle task waits and every task runs on
        // the first CPU free, so with a CPU each every task would run alone from start to end, and
        // no CPU would switch user -> kthread -> user on one mm, nor queue a thread behind an
        // exiting one. The extra rows are short: threads of process 1 (its membarrier, switches,
        // flushes, exits) and kthreads, lazy or inside kthread_use_mm() of process 1.
        for (int extra = cfg.cpus() > 3 ? cfg.cpus() + 2 + cfg.cpus() / 2 - rows.size() : 0; extra > 0; extra--) {
            if (rnd.nextInt(3) == 0) {
                List<String> row = new ArrayList<>(List.of("kthread"));
                if (rnd.nextBoolean()) {
                    row.add("use:1");
                    if (membarrier && rnd.nextBoolean()) row.add(focus != null ? focus.fast : "mbfast");
                    row.add("unuse");
                }
                row.add(rnd.nextBoolean() ? "run" : "sched");
                rows.add(row);
                continue;
            }
            List<String> row = new ArrayList<>(List.of("user:1"));
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                String op;
                if (membarrier && rnd.nextBoolean()) {
                    op = focus != null ? focus.op(rnd, cfg) : PRIVATE_MIX.get(rnd.nextInt(PRIVATE_MIX.size()));
                } else {
                    op = INTERACT_MIX.get(rnd.nextInt(INTERACT_MIX.size()));
                }
                if (kc.runs(Workload.NO_TLB_OPS) && (op.equals("zap") || op.equals("munmap"))) op = "run";
                row.add(op);
            }
            rows.add(row);
        }
        if (rnd.nextInt(4) == 3) {
            // a task without an mm that execs (kernel_execve from the usermode helper): it borrows
            // the mm of the CPU it starts on lazily, and exec_mmap() drops that
            List<String> row = new ArrayList<>(List.of("umh"));
            if (rnd.nextBoolean()) row.add("run");
            row.add("exec");
            if (rnd.nextBoolean()) row.add(rnd.nextBoolean() ? "run" : "sched");
            rows.add(row);
        }
        if (cfg.cpus() >= 2 && rnd.nextBoolean()) {
            List<String> row = new ArrayList<>(List.of("cpuhp"));
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                int c = 1 + rnd.nextInt(cfg.cpus() - 1);
                row.add("down:" + c);
                if (rnd.nextBoolean()) row.add("up:" + c);
            }
            rows.add(row);
        }
        return Program.of(rows);
    }

    /**
     * The lazy MMU variants' random programs: one or two processes of one to three tasks and up
     * to one kthread, each of one to four operations, mostly lazy MMU sections; no membarrier
     * users, no hotplug.
     */
    private static Program lazyMmuProgram(Config cfg, RandomGenerator rnd) {
        List<List<String>> rows = new ArrayList<>();
        int groups = 1 + rnd.nextInt(2);
        for (int g = 1; g <= groups; g++) {
            int users = 1 + rnd.nextInt(groups == 1 ? 3 : 2);
            for (int u = 0; u < users; u++) {
                List<String> row = new ArrayList<>(List.of("user:" + g));
                int n = 1 + rnd.nextInt(4);
                for (int i = 0; i < n; i++) row.add(LAZY_MMU_USER_MIX.get(rnd.nextInt(LAZY_MMU_USER_MIX.size())));
                rows.add(row);
            }
        }
        if (rnd.nextBoolean()) {
            List<String> row = new ArrayList<>(List.of("kthread"));
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) row.add(LAZY_MMU_KTHREAD_MIX.get(rnd.nextInt(LAZY_MMU_KTHREAD_MIX.size())));
            rows.add(row);
        }
        return Program.of(rows);
    }

    /**
     * Between two operations a user task is in user mode: an interrupt's return to it,
     * irqentry_exit_to_user_mode(), is a preemption point (exit_to_user_mode_loop's schedule());
     * back to user space through IRET. A kthread is preempted here as at cond_resched().
     */
    private static void irqentryExitToUserMode(Kernel k, TaskStruct t) {
        if (k.preemptPoint() && !t.kthread && !(t.umh && k.mem.peekLatest(t.mm) == null)) k.arch.exceptionReturn();
    }
}
