package lazymm.model;

import java.util.List;
import lazymm.example.ExampleTarget;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/** Every target the harness can run, and lookup of variants by id. */
public final class Catalog {

    private Catalog() {}

    /** The targets, in the order {@code lazymm list} shows them. */
    public static List<Target> targets() {
        return List.of(new KernelTarget(), new ExampleTarget());
    }

    /** The target that has variant {@code id}, or null. */
    public static Target targetOf(String variantId) {
        for (Target t : targets()) {
            if (t.variant(variantId) != null) return t;
        }
        return null;
    }

    /** The variant with this id, or null. */
    public static Variant variant(String id) {
        for (Target t : targets()) {
            Variant v = t.variant(id);
            if (v != null) return v;
        }
        return null;
    }
}
