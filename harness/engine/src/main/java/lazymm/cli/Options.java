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
