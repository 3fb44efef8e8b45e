package lazymm.model.mem;

/**
 * Where the code of one access is compiled, as KCSAN sees it: the kernel file (a header's
 * accesses are the including file's) and, when KCSAN does not instrument that file, why (the
 * Makefile line that says {@code KCSAN_SANITIZE := n}, or that the access is the hardware's or
 * user space's). A model that says nothing has every access instrumented.
 *
 * @param file             the kernel file, e.g. {@code kernel/sched/build_utility.c}
 * @param notInstrumented  why KCSAN does not see accesses there, or null when it does
 */
public record AccessOrigin(String file, String notInstrumented) {

    /** No origin known: treated as instrumented. */
    public static final AccessOrigin UNKNOWN = new AccessOrigin(null, null);

    public boolean instrumented() { return notInstrumented == null; }

    /** The origin of the access at {@code site} (the shared access being performed). */
    @FunctionalInterface
    public interface Resolver {
        AccessOrigin of(String site);
    }
}
