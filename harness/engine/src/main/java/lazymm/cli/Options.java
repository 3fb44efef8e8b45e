package lazymm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lazymm.engine.BadInput;
import lazymm.engine.Explorer;
import lazymm.engine.io.Json;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;

/** Option checks and report helpers shared by the commands (the options themselves: {@link Mixins}). */
final class Options {

    /**
     * Seconds from this JVM's start to {@code nanos} (a {@link System#nanoTime()}): the reports'
     * first_execution_seconds, which the bench reads.
     */
    static double sinceJvmStart(long nanos) {
        long ms = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000L;
        return (ms - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
    }

    private Options() {}

    /** {@code --arch}: checked against the target's architectures. */
    static Config onArch(Target target, Config cfg, String arch) {
        List<String> arches = target.arches();
        if (!arches.contains(arch)) {
            throw new BadInput("unknown arch '" + arch + "' for target " + target.id() + " (expected "
                    + (arches.isEmpty() ? "none: its variants have no architecture" : "one of " + String.join(", ", arches)) + ")");
        }
        try {
            return target.onArch(cfg, arch);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--arch " + arch + ": " + e.getMessage());
        }
    }

    static Explorer.Programs programs(String program, Mixins.StrategyName strategy) {
        if (inlineProgram(program) != null) return Explorer.Programs.DEFAULT;
        if (program == null) {
            return strategy == Mixins.StrategyName.EXHAUSTIVE ? Explorer.Programs.DEFAULT : Explorer.Programs.RANDOM;
        }
        return switch (program) {
            case "default" -> Explorer.Programs.DEFAULT;
            case "random" -> {
                if (strategy == Mixins.StrategyName.EXHAUSTIVE) {
                    throw new BadInput("--program random does not go with --strategy exhaustive, "
                            + "which searches the schedules of one fixed program");
                }
                yield Explorer.Programs.RANDOM;
            }
            default -> throw new BadInput("unknown --program '" + program
                    + "' (expected default, random, or a program such as \"user:1 run sched | kthread use:1 unuse\")");
        };
    }

    /**
     * A program written on the command line: rows separated by '|', tokens by spaces or ';'
     * (e.g. {@code "user:1 run sched | kthread use:1 unuse"}); null if {@code text} is a kind
     * (default, random) rather than a program.
     */
    static lazymm.model.sim.Program inlineProgram(String text) {
        if (text == null || !(text.contains(" ") || text.contains("|") || text.contains(";") || text.contains(":"))) {
            return null;
        }
        try {
            return lazymm.model.sim.Program.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--program: " + e.getMessage());
        }
    }

    /** A violation as reports carry it. */
    /**
     * The findings of an execution besides its verdict, in order (a WARN, a freed object still
     * named, and what followed), as reports print them under the verdict.
     */
    static void printFindings(java.io.PrintWriter o, java.util.List<lazymm.model.sim.Violation> findings,
                              lazymm.model.sim.Violation verdict) {
        if (findings.size() <= 1) return;
        o.printf("  findings, in order (%d):%n", findings.size());
        int i = 1;
        for (lazymm.model.sim.Violation f : findings) {
            o.printf("  %d. %s%s%n", i++, f.signature(), f == verdict ? "  (the verdict)" : "");
            o.printf("     %s%n", String.valueOf(f.getMessage()).replace("\n", "\n     "));
        }
    }

    /** Every finding as the JSON reports list them. */
    static java.util.List<Object> findingsJson(java.util.List<lazymm.model.sim.Violation> findings) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (lazymm.model.sim.Violation f : findings) out.add(violationJson(f));
        return out;
    }

    static Map<String, Object> violationJson(lazymm.model.sim.Violation v) {
        Map<String, Object> vj = new java.util.LinkedHashMap<>();
        vj.put("kind", v.kind());
        vj.put("signature", v.signature());
        vj.put("message", v.getMessage());
        return vj;
    }

    /**
     * Checks, before any work, that {@code path} can be written: an existing file or folder
     * ({@code directory}) that can be written, or one that can be created (its nearest existing
     * parent is a folder that takes a new file: probed with one, then deleted). Otherwise a
     * one-line BadInput that names the option, the path and what to do.
     */
    static void checkWritable(String option, Path path, boolean directory) {
        Path abs = path.toAbsolutePath().normalize();
        String what = option + " " + path + ": ";
        if (Files.exists(abs)) {
            if (directory && !Files.isDirectory(abs)) {
                throw new BadInput(what + "is a file, not a folder: give a folder for it");
            }
            if (!directory && Files.isDirectory(abs)) throw new BadInput(what + "is a folder: give a file name");
            if (directory) {
                probe(what, abs);
            } else {
                try (var c = Files.newOutputStream(abs, java.nio.file.StandardOpenOption.APPEND)) {
                    // opened for writing, nothing written
                } catch (IOException e) {
                    throw new BadInput(what + "cannot be written (" + reason(e) + "): give another path");
                }
            }
            return;
        }
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null) throw new BadInput(what + "cannot be created: no part of it exists: give another path");
        if (!Files.isDirectory(dir)) throw new BadInput(what + "cannot be created: " + dir + " is a file, not a folder");
        probe(what, dir);
    }

    /** A new file can be created in {@code dir}: one is, then deleted. */
    private static void probe(String what, Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".lazymm-", ".probe"));
        } catch (IOException e) {
            throw new BadInput(what + "cannot be written in " + dir + " (" + reason(e) + "): give another path");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static void writeReport(Path report, Map<String, Object> rep) throws IOException {
        if (report == null) return;
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // write then rename: a reader (or an interrupted run) never sees half a report
        Path tmp = report.resolveSibling(report.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.writeString(tmp, Json.write(rep), StandardCharsets.UTF_8);
            Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
