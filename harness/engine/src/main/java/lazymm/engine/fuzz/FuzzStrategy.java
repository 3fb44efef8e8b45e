package lazymm.engine.fuzz;

import java.util.function.IntConsumer;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * The schedule half of a fuzz input: one byte per choice with two or more options (which CPU
 * performs the next shared access, which store buffer drains, which CPU takes its pending
 * interrupt, whether a task is preempted at a preemption point, which store a weak load reads),
 * the option being the byte modulo the number of options. When the bytes run out the schedule
 * goes on deterministically: every scheduling choice rotates to the next actor (the enabled
 * action with the next higher code after the last one chosen: the next CPU, then pending
 * interrupts, then drains, then round again), a preemption point does not preempt, and a load
 * reads the newest store. The execution's step bound still applies.
 *
 * <p>It also reports interleaving features, each a 32-bit hash, to a sink (Jazzer's
 * exploreState when fuzzing), once per execution each: a switch from a CPU at one access to
 * another CPU at its pending access (the ordered pair of accesses from different CPUs that the
 * switch makes adjacent, which says which kernel function was interrupted where), an interrupt
 * taken at an access, a store-buffer drain while a CPU stands at an access, a load that read an
 * older store than the newest (and which one), and a preemption at a preemption point.
 */
public final class FuzzStrategy implements Strategy {

    private static final int SET_BITS = 13;

    private final byte[] data;
    private int pos;
    private final IntConsumer features;
    private final String[] sites = new String[64];
    /** The CPU that reached the last yield point. */
    private int cur;
    /** The last scheduling action chosen: the rotation goes on from it. */
    private int last = -1;
    private boolean fellBack;
    private boolean started;
    private int choices;
    // the features reported in this execution (open addressing; 0 is the empty slot)
    private final int[] seen = new int[1 << SET_BITS];
    private int distinct;

    /**
     * @param data     the input
     * @param from     where the schedule starts in it
     * @param features where features go, or null
     */
    public FuzzStrategy(byte[] data, int from, IntConsumer features) {
        this.data = data;
        this.pos = Math.min(Math.max(from, 0), data.length);
        this.features = features;
    }

    @Override public String name() { return "fuzz"; }

    @Override
    public boolean startExecution() {
        if (started) return false;
        started = true;
        return true;
    }

    @Override
    public void observe(int cpu, String site) {
        if (cpu >= 0 && cpu < sites.length) sites[cpu] = site;
        cur = cpu;
    }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        choices++;
        boolean preempt = n == 2 && opts[1] == Actions.PREEMPT;
        boolean value = !preempt && Actions.isValue(opts[0]);
        int idx;
        if (pos < data.length) {
            idx = (data[pos++] & 0xff) % n;
        } else {
            fellBack = true;
            idx = preempt || value ? 0 : rotate(opts, n);
        }
        if (!preempt && !value) last = opts[idx];
        if (features != null) feature(opts[idx], idx, preempt, value, running);
        return idx;
    }

    /** The enabled action with the smallest code above the last one chosen, else the smallest. */
    private int rotate(int[] opts, int n) {
        int best = -1;
        int min = 0;
        for (int i = 0; i < n; i++) {
            if (opts[i] < opts[min]) min = i;
            if (opts[i] > last && (best < 0 || opts[i] < opts[best])) best = i;
        }
        return best >= 0 ? best : min;
    }

    private void feature(int action, int idx, boolean preempt, boolean value, int running) {
        String here = site(running >= 0 ? running : cur);
        int h;
        if (preempt) {
            if (idx == 0) return;
            h = mix(6, here.hashCode(), 0);
        } else if (value) {
            if (idx == 0) return;
            h = mix(5, here.hashCode(), idx);
        } else if (Actions.isRun(action)) {
            int from = running >= 0 ? running : cur;
            if (action == from) return;
            h = mix(1, site(from).hashCode(), site(action).hashCode());
        } else if (Actions.isIrq(action)) {
            h = mix(3, site(Actions.cpuOf(action)).hashCode(), 0);
        } else {
            h = mix(4, site(cur).hashCode(), action);
        }
        if (add(h)) features.accept(h);
    }

    private String site(int cpu) {
        String s = cpu >= 0 && cpu < sites.length ? sites[cpu] : null;
        return s == null ? "" : s;
    }

    private boolean add(int h) {
        if (h == 0) h = 1;
        int mask = seen.length - 1;
        if (distinct >= seen.length / 2) return false;  // saturated: enough for one execution
        for (int i = (h * 0x9E3779B9) >>> (32 - SET_BITS); ; i = (i + 1) & mask) {
            if (seen[i] == h) return false;
            if (seen[i] == 0) {
                seen[i] = h;
                distinct++;
                return true;
            }
        }
    }

    static int mix(int kind, int a, int b) {
        long x = kind * 0x9E3779B97F4A7C15L ^ (a & 0xffffffffL) * 0xBF58476D1CE4E5B9L ^ (long) b * 0x94D049BB133111EBL;
        x ^= x >>> 31;
        x *= 0xD6E8FEB86659FD93L;
        x ^= x >>> 32;
        return (int) x;
    }

    /** True once the bytes ran out and the deterministic fallback took over. */
    public boolean fellBack() { return fellBack; }

    /** Schedule bytes read. */
    public int bytesRead(int from) { return pos - Math.min(Math.max(from, 0), data.length); }

    /** Choices made (with two or more options). */
    public int choices() { return choices; }

    /** Distinct features reported in this execution. */
    public int distinctFeatures() { return distinct; }
}
