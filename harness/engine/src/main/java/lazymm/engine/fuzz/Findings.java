package lazymm.engine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import lazymm.engine.io.Reproducer;
import lazymm.model.sim.Violation;

/**
 * Where a campaign's findings go, as soon as they are found: the reproducer
 * ({@code <variant>.<kind>.<hash>.json}, the format {@code ./lazymm replay} reads) and the raw
 * input ({@code inputs/<same>.bin}), each written to a temporary file and renamed, so that a
 * campaign killed at any moment leaves every finding it reported whole. One file per signature:
 * the hash is the signature's.
 */
public final class Findings {

    private final FuzzTarget.Campaign campaign;
    private final Path out;
    private final Set<String> seen = new HashSet<>();

    public Findings(FuzzTarget.Campaign campaign, Path out) {
        this.campaign = campaign;
        this.out = out;
    }

    /** The reproducer file of a signature. */
    public Path fileFor(Violation v) {
        return out.resolve(stem(v) + ".json");
    }

    public Path inputFor(Violation v) {
        return out.resolve("inputs").resolve(stem(v) + ".bin");
    }

    private String stem(Violation v) {
        return campaign.config().variant() + "." + v.kind() + "." + String.format("%08x", v.signature().hashCode());
    }

    /** True the first time this process sees the signature. */
    public boolean isNew(Violation v) {
        return seen.add(v.signature());
    }

    /** A reproducer that could not be written: it, where it was to go, and why. */
    public static final class Unwritable extends IOException {
        public final transient Reproducer reproducer;
        public final Path file;

        Unwritable(Reproducer reproducer, Path file, IOException cause) {
            super(cause.toString(), cause);
            this.reproducer = reproducer;
            this.file = file;
        }
    }

    /** Writes the reproducer and the input of a failing run; returns the reproducer's path. */
    public Path write(FuzzTarget.Run r, byte[] input, Map<String, Object> foundBy) throws IOException {
        Violation v = r.violation();
        Path file = fileFor(v);
        Reproducer rep = FuzzTarget.reproducer(campaign, r, input, foundBy);
        try {
            rep.write(file);
        } catch (IOException e) {
            throw new Unwritable(rep, file, e);
        }
        Path bin = inputFor(v);
        Files.createDirectories(bin.toAbsolutePath().getParent());
        Path tmp = bin.resolveSibling(bin.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.write(tmp, input);
        Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
