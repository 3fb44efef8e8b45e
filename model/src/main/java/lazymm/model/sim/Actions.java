package lazymm.model.sim;

/**
 * Action codes at a scheduling choice. Codes 0..63 mean "run CPU i"; an instance's own actions
 * (drains, interrupt deliveries) use codes from {@link #FIRST_EXTRA} on.
 */
public final class Actions {

    /** The first code an instance may use for its own actions. */
    public static final int FIRST_EXTRA = 256;

    private Actions() {}

    public static boolean isRun(int action) { return action >= 0 && action < FIRST_EXTRA; }
}
