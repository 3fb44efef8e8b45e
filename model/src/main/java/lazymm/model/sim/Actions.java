package lazymm.model.sim;

/**
 * Action codes at a scheduling choice. Codes 0..63 mean "run CPU i"; 64..127 mean "CPU i takes
 * its pending interrupt now" ({@link #FIRST_IRQ} + i); an instance's own actions (store-buffer
 * drains) use codes from {@link #FIRST_EXTRA} on.
 */
public final class Actions {

    /** {@code FIRST_IRQ + i}: CPU i takes its pending interrupt (label {@code i<cpu>}). */
    public static final int FIRST_IRQ = 64;

    /** The first code an instance may use for its own actions. */
    public static final int FIRST_EXTRA = 256;

    private Actions() {}

    /**
     * Codes from here are the alternatives of a choice inside an access ({@link Machine#choose}):
     * {@code FIRST_VALUE + k} is alternative k, labelled {@code rk}.
     */
    public static final int FIRST_VALUE = 1 << 24;

    public static boolean isRun(int action) { return action >= 0 && action < FIRST_IRQ; }

    public static boolean isIrq(int action) { return action >= FIRST_IRQ && action < FIRST_IRQ + 64; }

    /** The CPU that a run or interrupt action makes go on. */
    public static int cpuOf(int action) { return isIrq(action) ? action - FIRST_IRQ : action; }

    public static boolean isValue(int action) { return action >= FIRST_VALUE; }

    /** A preemption at a preemption point ({@link Machine#preempt}): label {@code p}. */
    public static final int PREEMPT = FIRST_VALUE - 1;
}
