package lazymm.model.sim;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A model the harness can run: the kernel model, or one of the documented examples. It names its
 * variants, builds a fresh {@link Instance} for each execution, and writes programs in its own
 * operation vocabulary.
 */
public interface Target {

    /** A short id, e.g. {@code example} or {@code kernel}. */
    String id();

    /**
     * The model version: bump it when a change makes old reproducers meaningless (a renamed
     * operation, a moved yield point). Replay refuses a reproducer of another version.
     */
    int modelVersion();

    /** The variants it offers on the command line (none for test fixtures). */
    default List<Variant> variants() { return List.of(); }

    /**
     * The variant with this id, listed or not (the kernel's plants and test fixtures are declared
     * but not listed: the commands run them by id), or null.
     */
    default Variant variant(String id) {
        for (Variant v : variants()) if (v.id().equals(id)) return v;
        return null;
    }

    /** The program explore runs when the user gives none. */
    default Program defaultProgram(Config cfg) { return null; }

    /**
     * A random program for this configuration, drawing every decision from {@code rnd} so that
     * the same seed gives the same program.
     */
    default Program randomProgram(Config cfg, RandomGenerator rnd) { return defaultProgram(cfg); }

    /**
     * Checks a program against the vocabulary; returns null if it is fine, or a one-line error
     * naming the CPU, the operation and what was expected.
     */
    default String validate(Config cfg, Program program) { return null; }

    /**
     * Checks a configuration read from a file (a reproducer) against what the target models:
     * null if it can run, else one line naming the field and the values expected. The generic
     * fields (memory, cpus, an arch among {@link #arches()}) are the caller's to check.
     */
    default String validate(Config cfg) { return null; }

    /** The architectures its variants can be moved to ({@code --arch}); empty if they have none. */
    default List<String> arches() { return List.of(); }

    /**
     * {@code cfg} on architecture {@code arch}: what that architecture's kernel selects for it
     * (its memory model, its Kconfig choices). Called only with one of {@link #arches()}.
     */
    default Config onArch(Config cfg, String arch) { return cfg.withArch(arch); }

    Instance create(Machine machine, Config cfg, Program program);
}
