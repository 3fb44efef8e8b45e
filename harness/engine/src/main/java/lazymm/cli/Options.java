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
import lazymm.model.sim.Variant;

/** Option checks shared by the commands. */
final class Options {

    static final List<String> MEMORY_MODES = lazymm.model.mem.Memory.MODES;

    private Options() {}

    static Config configure(Variant v, Integer cpus, String memory) {
        return configure(null, v, null, cpus, memory);
    }

    /**
     * The variant's configuration with the command line's overrides: {@code --arch} first (which
     * brings that architecture's memory model and Kconfig choices, {@link Target#onArch}), then
     * {@code --cpus} and {@code --memory}.
     */
    static Config configure(Target target, Variant v, String arch, Integer cpus, String memory) {
        Config cfg = v.defaults();
        if (arch != null) cfg = onArch(target, cfg, arch);
        if (cpus != null) {
            if (cpus < 1 || cpus > 64) throw new BadInput("--cpus must be 1..64, got " + cpus);
            cfg = cfg.withCpus(cpus);
        }
        if (memory != null) {
            if (!MEMORY_MODES.contains(memory)) {
                throw new BadInput("unknown memory mode '" + memory + "' (expected one of " + MEMORY_MODES + ")");
            }
            cfg = cfg.withMemory(memory);
        }
        return cfg;
    }

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

    static Explorer.Programs programs(String program, String strategy) {
        if (inlineProgram(program) != null) return Explorer.Programs.DEFAULT;
        if (program == null) {
            return "exhaustive".equals(strategy) ? Explorer.Programs.DEFAULT : Explorer.Programs.RANDOM;
        }
        return switch (program) {
            case "default" -> Explorer.Programs.DEFAULT;
            case "random" -> {
                if ("exhaustive".equals(strategy)) {
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
    static Map<String, Object> violationJson(lazymm.model.sim.Violation v) {
        Map<String, Object> vj = new java.util.LinkedHashMap<>();
        vj.put("kind", v.kind());
        vj.put("signature", v.signature());
        vj.put("message", v.getMessage());
        return vj;
    }

    static void writeReport(Path report, Map<String, Object> rep) throws IOException {
        if (report == null) return;
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(report, Json.write(rep), StandardCharsets.UTF_8);
    }
}
