package lazymm.model.sim;

import java.util.List;

/**
 * A selectable variant of a target, like a Kconfig choice: today's code ({@code upstream}), or a
 * historical patch / reverted fix that the harness must catch.
 *
 * @param id          the id used on the command line
 * @param summary     one line: what this variant is
 * @param defaults    the configuration it runs in unless overridden
 * @param expect      the outcome it must have: clean (a false alarm on it is as bad as a missed
 *                    bug), a violation kind, or under test
 * @param patches     what the variant's kernel is, one line each: its base release, the patches
 *                    applied and reverted (empty for the example models)
 */
public record Variant(String id, String summary, Config defaults, Expect expect, List<String> patches) {

    public Variant(String id, String summary, Config defaults, Expect expect) { this(id, summary, defaults, expect, List.of()); }

    public Variant { patches = List.copyOf(patches); }

    /** The violation kind it must produce, or null when it is clean or under test. */
    public String expects() { return expect.violation(); }

    /** A positive control: it must produce a violation. */
    public boolean isBroken() { return expect.kind() == Expect.Kind.VIOLATION; }

    /** A variant that must stay quiet. */
    public boolean isClean() { return expect.kind() == Expect.Kind.CLEAN; }
}
