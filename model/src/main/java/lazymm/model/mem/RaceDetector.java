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
 */
final class RaceDetector {

    private final int ncpu;
    private final int[][] vc;
    private final int[][] pending;
    private final int[][] fenceSnap;

    RaceDetector(int ncpu) {
        this.ncpu = ncpu;
        vc = new int[ncpu][ncpu];
        pending = new int[ncpu][ncpu];
        fenceSnap = new int[ncpu][];
        for (int c = 0; c < ncpu; c++) vc[c][c] = 1;
    }

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
        if (l.wCpu >= 0 && l.wCpu != cpu && l.wEpoch > mine[l.wCpu] && (plain || l.wPlain)) {
            throw race(l, l.wCpu, true, l.wPlain, l.wSite, cpu, write, plain, site);
        }
        if (l.rEpochPlain == null) {
            l.rEpochPlain = new int[ncpu];
            l.rEpochMarked = new int[ncpu];
            l.rSite = new String[ncpu];
        }
        if (write) {
            for (int d = 0; d < ncpu; d++) {
                if (d == cpu) continue;
                if (l.rEpochPlain[d] > mine[d]) {
                    throw race(l, d, false, true, l.rSite[d], cpu, true, plain, site);
                }
                if (plain && l.rEpochMarked[d] > mine[d]) {
                    throw race(l, d, false, false, l.rSite[d], cpu, true, true, site);
                }
            }
            l.wCpu = cpu;
            l.wEpoch = mine[cpu];
            l.wPlain = plain;
            l.wSite = site;
            Arrays.fill(l.rEpochPlain, 0);
            Arrays.fill(l.rEpochMarked, 0);
        } else {
            if (plain) l.rEpochPlain[cpu] = mine[cpu]; else l.rEpochMarked[cpu] = mine[cpu];
            l.rSite[cpu] = site;
        }
    }

    private static Violation race(Loc l, int cpuA, boolean writeA, boolean plainA, String siteA,
                                  int cpuB, boolean writeB, boolean plainB, String siteB) {
        String fa = KernelNames.function(siteA);
        String fb = KernelNames.function(siteB);
        String where = fa.compareTo(fb) <= 0 ? fa + "|" + fb : fb + "|" + fa;
        return new Violation("DataRace", where, "data race on " + l.name + ":\n"
                + "    cpu" + cpuA + " " + describe(writeA, plainA) + " in " + fa + " (" + KernelNames.where(siteA) + ")\n"
                + "    cpu" + cpuB + " " + describe(writeB, plainB) + " in " + fb + " (" + KernelNames.where(siteB) + ")\n"
                + "  not ordered by happens-before, and at least one is a plain access (what KCSAN reports)");
    }

    private static String describe(boolean write, boolean plain) {
        return (plain ? "plain " : "marked ") + (write ? "write" : "read");
    }
}
