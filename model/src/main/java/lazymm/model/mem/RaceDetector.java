package lazymm.model.mem;

import java.util.Arrays;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * A data-race detector in the style of KCSAN, on happens-before (vector clocks, with FastTrack's
 * epochs): two accesses to one location from different CPUs, at least one a write and at least
 * one plain, that happens-before does not order. Marked accesses (READ_ONCE, WRITE_ONCE, atomics,
 * acquire/release) never race with each other.
 *
 * <p>Happens-before: program order; a store publishes its CPU's clock when it is a release
 * (smp_store_release, an RMW with release or full ordering, spin_unlock), and otherwise the clock
 * of the CPU's last smp_wmb or smp_mb; a load that reads it takes that clock when it is an acquire
 * (smp_load_acquire, an acquiring RMW, spin_lock) or at the CPU's next smp_rmb or smp_mb. The
 * detector is the same in every memory mode: a race is a bug on any architecture, since the
 * compiler may tear, fuse or invent plain accesses.
 *
 * <p>What KCSAN would print of a race depends on where the two accesses are compiled
 * ({@link AccessOrigin}): KCSAN sees only accesses in files it instruments (a Makefile's
 * {@code KCSAN_SANITIZE := n} or {@code KCSAN_SANITIZE_file.o := n} turns it off, kernel/sched
 * among them). It finds a race with a watchpoint: a plain access in an instrumented file stalls
 * and watches its location (marked accesses set none; with the default
 * CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=y aligned plain writes up to word size set none either),
 * and an instrumented access of another CPU that hits it is reported with both stacks; an access
 * that is not instrumented is seen only if it is a write that changes the value under the
 * watchpoint ("race at unknown origin"). So a race is {@code DataRace} (what KCSAN can report)
 * when both accesses are instrumented, or when one is a plain instrumented access and the other a
 * write, and otherwise {@code LkmmDataRace}: a data race by the LKMM that KCSAN cannot report
 * whatever its configuration.
 */
final class RaceDetector {

    private final int ncpu;
    private final int[][] vc;
    private final int[][] pending;
    private final int[][] fenceSnap;
    private AccessOrigin.Resolver origins;

    RaceDetector(int ncpu) {
        this.ncpu = ncpu;
        vc = new int[ncpu][ncpu];
        pending = new int[ncpu][ncpu];
        fenceSnap = new int[ncpu][];
        for (int c = 0; c < ncpu; c++) vc[c][c] = 1;
    }

    /** Attributes every access to the file its code is compiled in (what KCSAN instruments). */
    void origins(AccessOrigin.Resolver r) { this.origins = r; }

    private static void joinInto(int[] into, int[] other) {
        for (int i = 0; i < into.length; i++) {
            if (into[i] < other[i]) into[i] = other[i];
        }
    }

    /** The sync a store by {@code cpu} carries; a release store starts a new epoch. */
    Object storeSync(int cpu, boolean release) {
        if (!release) return fenceSnap[cpu];
        int[] snap = vc[cpu].clone();
        vc[cpu][cpu]++;
        return snap;
    }

    /** A load by {@code cpu} read a store that carried {@code sync}. */
    void loaded(int cpu, Object sync, boolean acquire) {
        if (!(sync instanceof int[] s)) return;
        if (acquire) joinInto(vc[cpu], s); else joinInto(pending[cpu], s);
    }

    void rmb(int cpu) { joinInto(vc[cpu], pending[cpu]); }

    void wmb(int cpu) {
        fenceSnap[cpu] = vc[cpu].clone();
        vc[cpu][cpu]++;
    }

    void mb(int cpu) {
        rmb(cpu);
        wmb(cpu);
    }

    /**
     * Checks an access against the last write and the reads since, then records it.
     *
     * @throws Violation a DataRace naming both sites
     */
    void access(Loc l, int cpu, boolean write, boolean plain, String site) {
        if (l.raceKnown) return;
        int[] mine = vc[cpu];
        AccessOrigin origin = origins == null ? AccessOrigin.UNKNOWN : origins.of(site);
        if (l.wCpu >= 0 && l.wCpu != cpu && l.wEpoch > mine[l.wCpu] && (plain || l.wPlain)) {
            throw race(l, new Access(l.wCpu, true, l.wPlain, l.wSite, l.wOrigin), new Access(cpu, write, plain, site, origin));
        }
        if (l.rEpochPlain == null) {
            l.rEpochPlain = new int[ncpu];
            l.rEpochMarked = new int[ncpu];
            l.rSite = new String[ncpu];
            l.rOrigin = new AccessOrigin[ncpu];
        }
        if (write) {
            for (int d = 0; d < ncpu; d++) {
                if (d == cpu) continue;
                if (l.rEpochPlain[d] > mine[d]) {
                    throw race(l, new Access(d, false, true, l.rSite[d], l.rOrigin[d]), new Access(cpu, true, plain, site, origin));
                }
                if (plain && l.rEpochMarked[d] > mine[d]) {
                    throw race(l, new Access(d, false, false, l.rSite[d], l.rOrigin[d]), new Access(cpu, true, true, site, origin));
                }
            }
            l.wCpu = cpu;
            l.wEpoch = mine[cpu];
            l.wPlain = plain;
            l.wSite = site;
            l.wOrigin = origin;
            Arrays.fill(l.rEpochPlain, 0);
            Arrays.fill(l.rEpochMarked, 0);
        } else {
            if (plain) l.rEpochPlain[cpu] = mine[cpu]; else l.rEpochMarked[cpu] = mine[cpu];
            l.rSite[cpu] = site;
            l.rOrigin[cpu] = origin;
        }
    }

    /** One side of a race: the earlier access, or the one being performed. */
    private record Access(int cpu, boolean write, boolean plain, String site, AccessOrigin origin) {
        String function() { return KernelNames.function(site); }

        boolean seen() { return origin == null || origin.instrumented(); }

        String line() {
            return "cpu" + cpu + " " + describe(write, plain) + " in " + function() + " (" + KernelNames.where(site) + ")"
                    + (origin == null || origin.file() == null ? "" : ", " + origin.file()
                    + (origin.instrumented() ? "" : ", not instrumented: " + origin.notInstrumented()));
        }
    }

    private static Violation race(Loc l, Access a, Access b) {
        String fa = a.function();
        String fb = b.function();
        String where = fa.compareTo(fb) <= 0 ? fa + "|" + fb : fb + "|" + fa;
        String head = "data race on " + l.name + ":\n    " + a.line() + "\n    " + b.line() + "\n"
                + "  not ordered by happens-before, and at least one is a plain access (an LKMM data race)";
        if (a.seen() && b.seen()) {
            String plainRead = a.plain && !a.write || b.plain && !b.write ? ""
                    : "; the only plain accesses are writes, which the default CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=y"
                    + " treats as atomic: it needs that option off";
            return new Violation("DataRace", where, head + "\n  KCSAN would report it (both files are instrumented):"
                    + " \"BUG: KCSAN: data-race in " + fa + " / " + fb + "\"" + plainRead);
        }
        if (a.seen() != b.seen()) {
            Access w = a.seen() ? a : b;
            Access o = a.seen() ? b : a;
            if (w.plain && o.write) {
                String cfg = w.write ? "; a plain write watches only with CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=n" : "";
                return new Violation("DataRace", where, head + "\n  KCSAN would see only the " + (w.write ? "write" : "read")
                        + " in " + w.function() + ": its watchpoint sees the value change the uninstrumented write in "
                        + o.function() + " makes: \"BUG: KCSAN: data-race in " + w.function() + "\", \"race at unknown origin, with "
                        + (w.write ? "write" : "read") + " to ... by task ... on cpu " + w.cpu + "\" (the other stack is not printed)" + cfg);
            }
            return new Violation("LkmmDataRace", where, head + "\n  KCSAN would not report it, whatever its configuration: only the "
                    + (w.plain ? "plain " : "marked ") + (w.write ? "write" : "read") + " in " + w.function() + " is instrumented, and "
                    + (w.plain ? "the other access is a read, which changes no value under its watchpoint"
                    : "a marked access sets no watchpoint"));
        }
        return new Violation("LkmmDataRace", where, head + "\n  KCSAN would not report it, whatever its configuration: neither access"
                + " is in a file it instruments");
    }
    private static String describe(boolean write, boolean plain) {
        return (plain ? "plain " : "marked ") + (write ? "write" : "read");
    }
}
