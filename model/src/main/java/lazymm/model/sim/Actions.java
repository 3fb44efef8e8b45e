package lazymm.model.sim;

/**
 * Action codes at a scheduling choice. Codes 0..63 mean "run CPU i"; an instance's own actions
 * (drains, interrupt deliveries) use codes from {@link #FIRST_EXTRA} on.
 */
public final class Actions {

    /** The first code an instance may use for its own actions. */
    public static final int FIRST_EXTRA = 256;

    private Actions() {}

    /**
     * Codes from here are the alternatives of a choice inside an access ({@link Machine#choose}):
     * {@code FIRST_VALUE + k} is alternative k, labelled {@code rk}.
     */
    public static final int FIRST_VALUE = 1 << 24;

    public static boolean isRun(int action) { return action >= 0 && action < FIRST_EXTRA; }

    public static boolean isValue(int action) { return action >= FIRST_VALUE; }
}
