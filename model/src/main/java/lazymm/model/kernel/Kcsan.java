package lazymm.model.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lazymm.model.mem.AccessOrigin;

/**
 * Which kernel files KCSAN instruments, from the Makefiles of the files the model follows
 * (v7.1.5): every file is instrumented under CONFIG_KCSAN unless its Makefile says
 * {@code KCSAN_SANITIZE := n} (the whole directory) or {@code KCSAN_SANITIZE_file.o := n}. The
 * lines that concern the model:
 * <ul>
 *   <li>kernel/sched/Makefile: {@code KCSAN_SANITIZE := n} ("Disable KCSAN to avoid excessive
 *       noise and performance degradation"), so core.c and build_utility.c, which includes
 *       membarrier.c, are not instrumented;
 *   <li>arch/x86/mm/Makefile: {@code KCSAN_SANITIZE := n} (tlb.c among them);
 *   <li>kernel/Makefile: {@code KCSAN_SANITIZE_softirq.o = n};
 *   <li>kernel/locking/Makefile: {@code KCSAN_SANITIZE_lockdep.o := n}.
 * </ul>
 * kernel/Makefile (fork.c, exit.c, cpu.c, kthread.c, smp.c), kernel/rcu/Makefile, mm/Makefile
 * (memory.c, mprotect.c, madvise.c; only slab and page_alloc are off), fs/Makefile (exec.c),
 * arch/arm64/mm/Makefile (context.c), arch/powerpc/mm/ (radix_tlb.c, mmu_context.c, hash_tlb.c)
 * and arch/s390/mm/Makefile (pgalloc.c, pgtable.c) turn nothing off that the model follows. The
 * hardware's page walks and user space are no kernel code at all.
 *
 * <p>An access is attributed to the {@link KernelFile} of the model class whose method makes it;
 * a header's inline code is compiled into its caller, so a header class's access takes the file
 * of the nearest caller on the stack that is not a header.
 */
final class Kcsan implements AccessOrigin.Resolver {

    /** Directory or file prefix -> the Makefile line that turns KCSAN off there. */
    static final Map<String, String> OFF = new LinkedHashMap<>();
    static {
        OFF.put("kernel/sched/", "kernel/sched/Makefile: KCSAN_SANITIZE := n");
        OFF.put("arch/x86/mm/", "arch/x86/mm/Makefile: KCSAN_SANITIZE := n");
        OFF.put("kernel/softirq.c", "kernel/Makefile: KCSAN_SANITIZE_softirq.o = n");
        OFF.put("kernel/locking/lockdep.c", "kernel/locking/Makefile: KCSAN_SANITIZE_lockdep.o := n");
        OFF.put(KernelFile.HARDWARE, "the MMU's page walks are no code");
        OFF.put(KernelFile.USER, "user space is not the kernel");
    }

    /**
     * Per site, what decides its origin: the origin itself (a class compiled in one file), or
     * the header's {@link Header} (its caller decides). Shared by every execution: a site's class
     * and its file never change.
     */
    private static final Map<String, Object> BY_SITE = new ConcurrentHashMap<>();

    /** A header: its file, and its origin per including unit (made once per unit, not per access). */
    private record Header(String file, Map<String, AccessOrigin> byUnit) {}

    /** A class's compilation unit ("" for a header, null for a class without @KernelFile): the annotation read once. */
    private static final ClassValue<String> UNITS = new ClassValue<>() {
        @Override protected String computeValue(Class<?> c) {
            Class<?> outer = c;
            while (outer.getEnclosingClass() != null) outer = outer.getEnclosingClass();
            KernelFile f = outer.getAnnotation(KernelFile.class);
            if (f == null) return null;
            String u = unit(f);
            return u == null ? "" : u;
        }
    };
    /**
     * How deep the walk for a header's caller looks: the memory's frames, the header's own
     * method, and a few of its callers (a header calling a header). A header whose first non-header
     * caller is deeper counts as instrumented, as an unknown origin does.
     */
    private static final int DEPTH = 24;
    private static final StackWalker WALKER = StackWalker.getInstance(
            java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), DEPTH);

    /** The origin of a compilation unit: instrumented unless a Makefile line turns KCSAN off for it. */
    static AccessOrigin origin(String unit) {
        for (Map.Entry<String, String> e : OFF.entrySet()) {
            if (unit.startsWith(e.getKey())) return new AccessOrigin(unit, e.getValue());
        }
        return new AccessOrigin(unit, null);
    }

    /** The compilation unit of a class's code, or null for a header (its caller's). */
    static String unit(KernelFile f) {
        if (!f.unit().isEmpty()) return f.unit();
        return f.value().endsWith(".h") ? null : f.value();
    }

    @Override
    public AccessOrigin of(String site) {
        if (site == null || site.isEmpty()) return AccessOrigin.UNKNOWN;  // outside the engine (Lincheck): no site
        Object d = BY_SITE.computeIfAbsent(site, Kcsan::decide);
        return d instanceof AccessOrigin o ? o : callerOrigin((Header) d);
    }

    private static Object decide(String site) {
        int dot = site.indexOf('.');
        KernelFile f = KernelFiles.annotation(dot < 0 ? site : site.substring(0, dot));
        if (f == null) {
            throw new IllegalStateException("a shared access at " + site + " by a class without @KernelFile");
        }
        String unit = unit(f);
        return unit == null ? new Header(f.value(), new ConcurrentHashMap<>()) : origin(unit);
    }

    /** A header's access: the file of the nearest caller that is not a header (a stack walk). */
    private static AccessOrigin callerOrigin(Header header) {
        String unit = WALKER.walk(s -> s.limit(DEPTH)
                .map(fr -> UNITS.get(fr.getDeclaringClass()))
                .filter(u -> u != null && !u.isEmpty())
                .findFirst().orElse(""));
        return header.byUnit().computeIfAbsent(unit, u -> u.isEmpty()
                ? new AccessOrigin(header.file(), null)
                : new AccessOrigin(header.file() + " in " + u, origin(u).notInstrumented()));
    }
}
