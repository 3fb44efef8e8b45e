package lazymm.engine.fuzz;

import java.util.function.IntConsumer;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * The schedule half of a fuzz input, in one of two forms that the input's header selects.
 *
 * <p><b>Choice form</b>: one byte per choice with two or more options (which CPU
 * performs the next shared access, which store buffer drains, which CPU takes its pending
 * interrupt, whether a task is preempted at a preemption point, which store a weak load reads),
 * the option being the byte modulo the number of options. When the bytes run out the schedule
 * goes on as a swarm schedule ({@link lazymm.engine.strategy.Swarm}) drawn from a SplitMix64
 * seeded with a hash of the whole input: per input one shape (a random walk, PCT with 1 to 3
 * change points, or a random walk in which one CPU, or only its store buffer, is held for a window
 * of N steps, N log-uniform) and one visibility weight (a drain, or a weak load's reading of the
 * newest store, weighs 1, 1/4, 1/16, 1/64 or 1/256 of a run action), the window of the change
 * points and of the stall starting where the bytes ran out. So a short input, which Jazzer's early
 * inputs are, is a random program under a schedule that may hold a CPU still across another CPU's
 * whole kernel call. (The old fallback, a rotation to the next actor at every choice, is kept for
 * measurement under {@code -Dlazymm.fuzz.fallback=rotate}.) The execution's step bound still
 * applies. In its other variant the choices past the bytes are a uniform random walk (the
 * {@code random} strategy) drawn from a SplitMix64 seeded with a hash of the whole input.
 *
 * <p><b>Priority form</b> (PCT read from the bytes; half the inputs, the empty one among them): a
 * header byte (bits 0-2: the number of change points C, {@link #CHANGES}, bits 3-4: the span
 * S = 256 &lt;&lt; s they fall in), a table of {@value #TABLE}
 * priorities (8 CPUs, 8 CPUs' interrupts, 8 instance actions such as one CPU's store-buffer
 * drain), {@value #CHANGE_SLOTS} change points of two bytes each (the first C count, each at step
 * {@code v * S >> 16}), then one byte per value or preemption choice. The enabled actor with the
 * highest priority always runs; at the i-th change point the CPU that is running drops below every
 * initial priority (as in PCT, Burckhardt et al. 2010). So "keep CPU 1 and its store buffer waiting
 * while the others run a whole window" is a few bytes, where the choice form needs one byte per
 * access of the window. Bytes missing in this form come from a SplitMix64 seeded with a hash of
 * the whole input (deterministic): a short input is a random PCT execution, and the fuzzer's
 * mutations of a long one are local.
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
    /** The old fallback of the choice form (the rotation), for measurement: -Dlazymm.fuzz.fallback=rotate. */
    static final boolean ROTATE = "rotate".equals(System.getProperty("lazymm.fuzz.fallback"));
    /** Priority form: the priority table's length, and the number of change-point slots. */
    static final int TABLE = 24;
    static final int CHANGE_SLOTS = 3;
    /**
     * Priority form: the number of change points for the header's bits 0-2: two (PCT's depth 3)
     * in three inputs of eight, one and three in two each, none in one. On random programs of
     * MUT-ce29ddc47b91, 100,000 executions each, no change point found it never, one, two or
     * three 5 or 6 times; the uniform 0..3 of before gave a quarter of the inputs none.
     */
    static final int[] CHANGES = {2, 1, 2, 3, 2, 1, 3, 0};
    /** Priority form: the bytes before the value / preemption bytes. */
    static final int PRIORITY_HEADER = 1 + TABLE + 2 * CHANGE_SLOTS;

    private final byte[] data;
    private int pos;
    private final IntConsumer features;
    private final Features kinds;
    private final boolean priorityForm;
    /** Priority form: where missing bytes come from. */
    private final lazymm.engine.SplitMix64 rest;
    private final int[] priority = new int[TABLE];
    private final long[] changePoints;
    private int nextChange;
    private final String[] sites = new String[64];
    /** The CPU that reached the last yield point. */
    private int cur;
    /** The last scheduling action chosen: the rotation goes on from it. */
    private int last = -1;
    private boolean fellBack;
    /** The choice form's fallback (null: the rotation, the old fallback kept for measurement). */
    private final lazymm.engine.strategy.Swarm swarm;
    private boolean swarmBegun;
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
        this(data, from, Form.CHOICE_SWARM, features);
    }

    /** The schedule's forms. */
    public enum Form {
        /** A byte per choice, then a swarm schedule seeded by the input (the rotation, for measurement). */
        CHOICE_SWARM,
        /** A byte per choice, then a random walk seeded by the input. */
        CHOICE_RANDOM,
        /** PCT from the bytes, the missing ones from a generator seeded by the input. */
        PRIORITY
    }

    /**
     * @param data         the input
     * @param from         where the schedule starts in it
     * @param form         the schedule's form
     * @param features     where features go, or null
     */
    public FuzzStrategy(byte[] data, int from, Form form, IntConsumer features) {
        this(data, from, form, features, Features.DEFAULT);
    }

    /** Which interleaving features an execution reports. */
    public enum Features {
        /** Ordered pairs of accesses that a switch of CPU makes adjacent, whatever they touch. */
        SWITCHES,
        /** Ordered pairs of conflicting accesses to one location by two CPUs. */
        CONFLICTS,
        /** Both. */
        ALL;

        public static final Features DEFAULT = CONFLICTS;
    }

    public FuzzStrategy(byte[] data, int from, Form form, IntConsumer features, Features kinds) {
        this.kinds = kinds;
        this.data = data;
        this.pos = Math.min(Math.max(from, 0), data.length);
        this.features = features;
        this.priorityForm = form == Form.PRIORITY;
        rest = form == Form.CHOICE_SWARM ? null : new lazymm.engine.SplitMix64(seedOf(data));
        if (form == Form.CHOICE_SWARM && !ROTATE) {
            lazymm.engine.SplitMix64 g = new lazymm.engine.SplitMix64(seedOf(data) ^ 0x5377617266L);
            swarm = new lazymm.engine.strategy.Swarm(g, 256L << g.nextInt(4), false);
        } else {
            swarm = null;
        }
        if (!priorityForm) {
            changePoints = new long[0];
            return;
        }
        int header = next();  // bits 0-2: the number of change points (CHANGES), bits 3-4: their span
        for (int i = 0; i < TABLE; i++) {
            // distinct: the byte, then the smaller slot first
            priority[i] = CHANGE_SLOTS + 1 + (next() << 5) + (TABLE - 1 - i);
        }
        long span = 256L << ((header >> 3) & 3);
        long[] cps = new long[CHANGE_SLOTS];
        for (int i = 0; i < CHANGE_SLOTS; i++) {
            int v = next() << 8 | next();
            cps[i] = v * span >> 16;
        }
        changePoints = java.util.Arrays.copyOf(cps, CHANGES[header & 7]);
        java.util.Arrays.sort(changePoints);
    }

    /** The next byte; once they ran out (which counts as falling back), the seeded generator's. */
    private int next() {
        if (pos < data.length) return data[pos++] & 0xff;
        fellBack = true;
        return (int) (rest.nextLong() >>> 56);
    }

    /** The seed of the priority form's missing bytes: a hash of the whole input. */
    static long seedOf(byte[] data) {
        long h = 0x6C617A796D6DL ^ data.length;
        for (byte b : data) h = (h ^ (b & 0xff)) * 0x100000001B3L;
        return h;
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
        if (priorityForm) {
            idx = preempt || value ? next() % n : byPriority(opts, n, running, step);
        } else if (pos < data.length) {
            idx = (data[pos++] & 0xff) % n;
        } else {
            fellBack = true;
            if (swarm != null) {
                if (!swarmBegun) {
                    swarmBegun = true;
                    swarm.begin(step);
                }
                idx = swarm.choose(opts, n, running, step);
            } else {
                idx = rest != null ? rest.nextInt(n) : preempt || value ? 0 : rotate(opts, n);
            }
        }
        if (!preempt && !value) last = opts[idx];
        if (features != null) feature(opts[idx], idx, preempt, value, running);
        return idx;
    }

    /** The priority table's slot of an action. */
    private static int slot(int action) {
        if (Actions.isRun(action)) return action & 7;
        if (Actions.isIrq(action)) return 8 + (Actions.cpuOf(action) & 7);
        return 16 + ((action - Actions.FIRST_EXTRA) & 7);
    }

    private int byPriority(int[] opts, int n, int running, long step) {
        while (nextChange < changePoints.length && changePoints[nextChange] <= step) {
            nextChange++;
            if (running >= 0) priority[slot(running)] = nextChange;  // below every initial priority
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (priority[slot(opts[i])] > priority[slot(opts[best])]) best = i;
        }
        return best;
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
            if (action == from || kinds == Features.CONFLICTS) return;
            h = mix(1, site(from).hashCode(), site(action).hashCode());
        } else if (Actions.isIrq(action)) {
            h = mix(3, site(Actions.cpuOf(action)).hashCode(), 0);
        } else {
            h = mix(4, site(cur).hashCode(), action);
        }
        if (add(h)) features.accept(h);
    }

    @Override
    public boolean observesConflicts() { return features != null && kinds != Features.SWITCHES; }

    @Override
    public void conflict(String earlierSite, boolean earlierWrite, String site, boolean write) {
        int a = earlierSite == null ? 0 : earlierSite.hashCode();
        int b = site == null ? 0 : site.hashCode();
        int h = mix(2, a * 2 + (earlierWrite ? 1 : 0), b * 2 + (write ? 1 : 0));
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
