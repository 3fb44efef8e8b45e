package lazymm.model.mem;

import lazymm.model.sim.Machine;

/**
 * Sequential consistency: one copy of memory, every access performed at once, barriers do
 * nothing. What the model looks like to a reader who ignores memory ordering.
 */
final class ScBackend extends Backend {

    ScBackend(Machine machine) { super(machine); }

    @Override
    long load(Loc l, int cpu, boolean acquire, boolean dep) {
        lastSync = l.memSync;
        return l.val;
    }

    @Override
    void store(Loc l, int cpu, long v, boolean release, Object sync) {
        l.val = v;
        l.memSync = sync;
    }

    @Override
    long rmw(Loc l, int cpu, Rmw op, long a, long b, Order order, Object sync) {
        return rmwInMemory(l, op, a, b, sync);
    }

    @Override void mb(int cpu) {}

    @Override void wmb(int cpu) {}

    @Override void rmb(int cpu) {}

    @Override boolean lockFree(SpinLock l, int cpu) { return l.val == 0; }

    @Override
    long stateHash(Loc[] locs, int nlocs) {
        long h = 17;
        for (int i = 0; i < nlocs; i++) h = h * 31 + locs[i].val;
        return h;
    }
}
