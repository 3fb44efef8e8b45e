package lazymm.probe;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Builds a probe's C program with the system compiler ({@code cc -O2 -pthread}) in a temporary
 * directory and runs it. A machine that cannot run it (not Linux, no cc, a program that does not
 * build, or the program's own "cannot-run" line, exit status 3) gives {@link Outcome#cannotRun}.
 */
public final class ProbeRunner {

    /** The program's exit status that says "this machine cannot run me" (its last line says why). */
    public static final int PROGRAM_CANNOT_RUN = 3;

    private ProbeRunner() {}

    /** The program's stdout lines, or the one-line reason it could not run here. */
    public record Outcome(List<String> lines, String cannotRun) {}

    public static Outcome run(Probe p, List<String> args) throws IOException, InterruptedException {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Outcome(List.of(), "probes run on Linux only (this is " + os + ")");
        }
        Path cc = findOnPath("cc", System.getenv("PATH"));
        if (cc == null) {
            return new Outcome(List.of(), "no C compiler: cc is not on PATH (probes are C programs built with cc -O2 -pthread)");
        }
        Path dir = Files.createTempDirectory("lazymm-probe-");
        try {
            Path src = dir.resolve(p.source());
            try (InputStream in = Probe.class.getResourceAsStream(p.source())) {
                if (in == null) throw new IllegalStateException("the probe's source " + p.source() + " is not in lazymm's jar");
                Files.copy(in, src);
            }
            Path bin = dir.resolve(p.id().toLowerCase(Locale.ROOT));
            Exec build = exec(List.of(cc.toString(), "-O2", "-pthread", "-o", bin.toString(), src.toString()), dir);
            if (build.status() != 0) {
                String first = build.stderr().lines().filter(l -> l.contains("error")).findFirst()
                        .orElse(build.stderr().lines().findFirst().orElse("exit status " + build.status()));
                return new Outcome(List.of(), "cc could not build the probe: " + first.trim());
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(bin.toString());
            cmd.addAll(args);
            Exec run = exec(cmd, dir);
            List<String> lines = run.stdout().lines().toList();
            if (run.status() == PROGRAM_CANNOT_RUN) {
                String why = lines.stream().filter(l -> l.startsWith("cannot-run ")).reduce((a, b) -> b)
                        .map(l -> l.substring("cannot-run ".length())).orElse("the probe program gave no reason");
                return new Outcome(lines, why);
            }
            if (run.status() != 0) {
                throw new IllegalStateException("the probe program " + p.source() + " failed with exit status " + run.status()
                        + ": " + run.stderr().strip());
            }
            return new Outcome(lines, null);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The first executable named {@code name} in a PATH value, or null. */
    static Path findOnPath(String name, String path) {
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path f = Path.of(d, name);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) return f;
        }
        return null;
    }

    private record Exec(int status, String stdout, String stderr) {}

    private static Exec exec(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        pr.getOutputStream().close();
        var err = new StringBuilder();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try {
                err.append(new String(pr.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process is gone; what it wrote is what we have
            }
        });
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = pr.waitFor();  // its stdout is closed: it has ended (the program bounds each wait itself)
        drain.join();
        return new Exec(status, out, err.toString());
    }
}
