package lazymm.model.sim;

/**
 * A selectable variant of a target, like a Kconfig choice: today's code ({@code upstream}), or a
 * historical patch / reverted fix that the harness must catch.
 *
 * @param id          the id used on the command line
 * @param summary     one line: what this variant is
 * @param defaults    the configuration it runs in unless overridden
 * @param expects     the violation kind it must produce, or null for a variant that must stay
 *                    quiet (a false alarm on it is as bad as a missed bug)
 */
public record Variant(String id, String summary, Config defaults, String expects) {

    public boolean isBroken() { return expects != null; }
}
