package lazymm.cli;

import lazymm.engine.NeedsAgent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lazymm.engine.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line in-process: exit codes, reproducers, reports, and one-line errors. */
@NeedsAgent
class MainTest {

    record Out(int code, String out, String err) {}

    static Out run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Out(code, o.toString(), e.toString());
    }

    @TempDir
    Path tmp;

    @Test
    void listShowsVariantsAndWhatTheyExpect() {
        Out r = run("list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("example-refcount-drop"), r.out());
        assertTrue(r.out().contains("DoubleFree"), r.out());
        assertTrue(r.out().contains("clean"), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void exploreWritesAReproducerThatReplaysToTheSameSignature() throws Exception {
        Path out = tmp.resolve("out");
        Path report = tmp.resolve("explore.json");
        Out r = run("explore", "--variant", "example-lost-update", "--seed", "3", "--out", out.toString(),
                "--report", report.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        Map<String, Object> rep = (Map<String, Object>) Json.parse(Files.readString(report));
        assertEquals("violation", rep.get("verdict"));
        Map<String, Object> v = (Map<String, Object>) rep.get("violation");
        assertEquals("LostUpdate", v.get("kind"));
        assertEquals("LostUpdate:counter_inc", v.get("signature"));
        assertTrue((Long) rep.get("executions") >= 1);
        assertTrue(rep.get("seconds") instanceof Double);
        Path repro = Path.of((String) rep.get("reproducer"));
        assertTrue(Files.exists(repro));

        Path rr = tmp.resolve("replay.json");
        Out replay = run("replay", repro.toString(), "--report", rr.toString());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("VIOLATION LostUpdate:counter_inc"), replay.out());
        assertTrue(replay.out().contains("(the recorded signature)"), replay.out());
        Map<String, Object> rrep = (Map<String, Object>) Json.parse(Files.readString(rr));
        assertEquals(Boolean.TRUE, ((Map<String, Object>) rrep.get("violation")).get("same_as_recorded"));
    }

    @Test
    void cleanVariantExitsZero() {
        Out r = run("explore", "--variant", "example-refcount-drop-fixed", "--executions", "500",
                "--out", tmp.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no violation in 500 executions"), r.out());
    }

    @Test
    void archBringsItsMemoryModelAndUpstreamItsLazyTlbScheme() {
        Out r = run("explore", "--variant", "upstream", "--arch", "powerpc", "--executions", "20", "--out", tmp.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("upstream (arch=powerpc, lazy_tlb=shootdown, memory=weak, cpus=3)"), r.out());
        r = run("explore", "--variant", "hazard", "--arch", "arm64", "--memory", "sc", "--executions", "20", "--out", tmp.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("hazard (arch=arm64, lazy_tlb=hazard, memory=sc, cpus=3)"), r.out());
    }

    @Test
    void exhaustiveSaysTheSearchIsComplete() {
        Out r = run("explore", "--variant", "example-lost-update-fixed", "--strategy", "exhaustive",
                "--preemptions", "3");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the search is complete"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "explore --variant nope;                 unknown variant 'nope'",
            "explore --strategy dfs;                 unknown strategy 'dfs'",
            "explore --bogus;                        Unknown option: '--bogus'",
            "explore --memory pso;                   unknown memory mode 'pso'",
            "explore --cpus 0;                       --cpus must be 1..32 (the model's cpumasks are 32-bit words), got 0",
            "explore --cpus 64;                      --cpus must be 1..32 (the model's cpumasks are 32-bit words), got 64",
            "explore --cpus 128;                     --cpus must be 1..32 (the model's cpumasks are 32-bit words), got 128",
            "explore --arch mips;                    unknown arch 'mips' for target kernel (expected one of x86, arm64, powerpc",
            "explore --variant example-lost-update --arch x86; unknown arch 'x86' for target example (expected none",
            "explore --variant shootdown --arch arm64; arm64 does not maintain one",
            "explore --variant shootdown --arch x86; variant shootdown cannot run on x86: no kernel has MMU_LAZY_TLB_SHOOTDOWN on x86, which does not select it (only powerpc 64s does)",
            "fuzz --variant shootdown --arch s390;   variant shootdown cannot run on s390: no kernel has MMU_LAZY_TLB_SHOOTDOWN on s390",
            "explore --variant v6.11 --arch powerpc;  variant v6.11 cannot run on powerpc: no kernel has MMU_LAZY_TLB_REFCOUNT on powerpc 64s",
            "explore --variant upstream --arch s390 --memory weak; --memory weak: memory: weak is weaker than s390's tso, and no s390 reorders so",
            "explore --memory weak;                  --memory weak: memory: weak is weaker than x86's tso",
            "explore --seed abc;                     Invalid value for option '--seed'",
            "explore --strategy exhaustive --program random; does not go with --strategy exhaustive",
            "replay /nonexistent/r.json;             no such file",
            "replay /dev/zero;                       /dev/zero: larger than 64 MiB, not a reproducer lazymm wrote",
            "frobnicate;                             Unmatched argument",
            "explore --time 1e10;                    --time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got 10000000000",
            "explore --time NaN;                     --time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got NaN",
            "explore --time -0.5;                    --time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got -0.5",
            "explore --minimize-time NaN;            --minimize-time must be 0 (no limit) or more seconds",
            "explore --minimize-time 1e300;          --minimize-time must be 0 (no limit) or more seconds",
            "minimize --time NaN /nonexistent/r.json; --time must be 0 (no limit) or more seconds",
            "bench --seconds NaN;                    --seconds must be more than 0 seconds, at most 2592000 (30 days), got NaN",
            "bench --seconds 0;                      --seconds must be more than 0 seconds",
            "bench --time-to-bug --time 1e10;        --time must be 0 (no limit) or more seconds"})
    void badUsageIsOneLineAndExitTwo(String args, String expected) {
        Out r = run(args.trim().split("\\s+"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected.trim()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "not one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "a stack trace: " + r.err());
    }

    @Test
    void exploreMinimizesByDefaultAndKeepsTheOriginalBeside() throws Exception {
        Path out = tmp.resolve("m");
        Out r = run("explore", "--variant", "HP-HOTPLUG", "--seed", "1", "--out", out.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        Path min = out.resolve("HP-HOTPLUG.UseAfterFree.json");
        Path orig = out.resolve("HP-HOTPLUG.UseAfterFree.orig.json");
        assertTrue(Files.exists(min) && Files.exists(orig), r.out());
        assertTrue(r.out().contains("minimized:"), r.out());
        var a = lazymm.engine.io.Reproducer.read(min);
        var b = lazymm.engine.io.Reproducer.read(orig);
        assertEquals(a.signature(), b.signature());
        assertTrue(a.schedule().size() <= b.schedule().size(), a.schedule().size() + " > " + b.schedule().size());
        for (Path f : new Path[] {min, orig}) {
            Out rp = run("replay", f.toString(), "--no-trace");
            assertEquals(1, rp.code(), rp.out() + rp.err());
            assertTrue(rp.out().contains("(the recorded signature)"), rp.out());
        }
        // ./lazymm minimize on the original gives the same, beside it by default
        Out m = run("minimize", orig.toString());
        assertEquals(1, m.code(), m.out() + m.err());
        Path beside = out.resolve("HP-HOTPLUG.UseAfterFree.orig.min.json");
        assertEquals(Files.readString(min).replace(min.toString(), ""),
                Files.readString(beside).replace(beside.toString(), ""));

        Path raw = tmp.resolve("raw");
        Out n = run("explore", "--variant", "HP-HOTPLUG", "--seed", "1", "--out", raw.toString(), "--no-minimize");
        assertEquals(1, n.code(), n.out() + n.err());
        assertFalse(Files.exists(raw.resolve("HP-HOTPLUG.UseAfterFree.orig.json")));
        assertEquals(b.schedule(), lazymm.engine.io.Reproducer.read(raw.resolve("HP-HOTPLUG.UseAfterFree.json")).schedule());
    }

    private Path reproducer() {
        Out r = run("explore", "--variant", "example-refcount-drop", "--program", "default", "--no-minimize",
                "--out", tmp.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        return tmp.resolve("example-refcount-drop.DoubleFree.json");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "\"model_version\": 1;     \"model_version\": 999;   model version 999",
            "\"version\": 1;           \"version\": 7;           format version 7 is not supported; this lazymm reads versions [1]",
            "\"cpus\": 2;              \"cpus\": \"two\";        field 'config.cpus' must be a whole number, found a string",
            "\"schedule\";             \"skedule\";              missing field 'schedule'",
            "\"use\";                  \"fly\";                  field 'program': cpu0: unknown operation 'fly'",
            "\"c1\";                   \"c7\";                   diverged at step",
            "{;                        {{;                       :1:2: Unexpected character ('{' (code 123)): was expecting double-quote to start field name (not a JSON reproducer)",
            "\"max_steps\": 200000;   \"max_steps\": 0;       field 'max_steps' must be at least 1, got 0",
            "\"max_steps\": 200000;   \"max_steps\": -3;      field 'max_steps' must be at least 1, got -3",
            "\"memory\": \"sc\";        \"memory\": \"pso\";     field 'config.memory': unknown memory mode 'pso' (expected one of sc, tso, weak)",
            "\"arch\": \"none\";        \"arch\": \"x86\";       field 'config.arch': unknown arch 'x86' for target example (expected none)",
            "\"cpus\": 2;              \"cpus\": 4294967298;   field 'config.cpus' is out of range, got 4294967298",
            "\"cpus\": 2;              \"cpus\": 64;           field 'config': cpus must be 1..32 (the model's cpumasks are 32-bit words), got 64",
            "\"version\": 1;           \"version\": 4294967297; format version 4294967297 is not supported"})
    void badReproducersNameTheField(String from, String to, String expected) throws Exception {
        Path f = reproducer();
        String text = Files.readString(f);
        assertTrue(text.contains(from.trim()), "fixture lacks " + from + ":\n" + text);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, text.replaceFirst(java.util.regex.Pattern.quote(from.trim()),
                java.util.regex.Matcher.quoteReplacement(to.trim())));
        Out r = run("replay", bad.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected.trim()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "not one line: " + r.err());
    }

    /** A kernel reproducer's arch and lazy-TLB scheme are checked before it runs: one line, exit 2. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "\"arch\": \"arm64\";        \"arch\": \"mips\";        field 'config.arch': unknown arch 'mips' for target kernel (expected one of x86, arm64, powerpc, s390)",
            "\"lazy_tlb\": \"refcount\"; \"lazy_tlb\": \"bogus\";   field 'config': lazy_tlb: unknown lazy-TLB scheme 'bogus'",
            "\"lazy_tlb\": \"refcount\"; \"lazy_tlb\": \"shootdown\"; field 'config': lazy_tlb: shootdown needs an mm_cpumask, and arm64 does not maintain one",
            "\"arch\": \"arm64\";        \"arch\": \"powerpc\";     field 'config': lazy_tlb: no kernel has MMU_LAZY_TLB_REFCOUNT on powerpc 64s, which selects MMU_LAZY_TLB_SHOOTDOWN since v6.4 (the series of aa464ba9a1e4: a kernel before it refcounts)",
            "\"arch\": \"arm64\";        \"arch\": \"x86\";         field 'config': memory: weak is weaker than x86's tso, and no x86 reorders so (tso or a stronger mode: sc, tso, weak from strongest)"})
    void badKernelConfigurationsNameTheField(String from, String to, String expected) throws Exception {
        String text = Files.readString(Path.of("../../fuzz-corpus/reproducers/ARM64-ASID-ZERO.AsidClash.json"));
        assertTrue(text.contains(from.trim()), "fixture lacks " + from);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, text.replace(from.trim(), to.trim()));
        Out r = run("replay", "--no-trace", bad.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: " + expected.trim(), r.err().strip().replaceFirst("\\(expected refcount.*", "").strip());
    }

    @Test
    void deeplyNestedJsonIsBadInputNotAStackOverflow() throws Exception {
        Path deep = tmp.resolve("deep.json");
        Files.writeString(deep, "[".repeat(200_000));
        Out r = run("replay", deep.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: " + deep + ": nested deeper than 100 arrays and objects (not a JSON reproducer)",
                r.err().strip());
    }

    @Test
    void replaySaysWhenTheSignatureIsNotTheRecordedOne() throws Exception {
        // a step bound too small for the schedule: a Livelock, not the recorded AsidClash
        String text = Files.readString(Path.of("../../fuzz-corpus/reproducers/ARM64-ASID-ZERO.AsidClash.json"));
        Path cut = tmp.resolve("cut.json");
        Files.writeString(cut, text.replace("\"max_steps\": 200000", "\"max_steps\": 10"));
        Path rep = tmp.resolve("rep.json");
        Out r = run("replay", "--no-trace", cut.toString(), "--report", rep.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("VIOLATION Livelock:step-bound after 11 steps (NOT the recorded signature, which is "
                + "AsidClash:context.id)"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(rep));
        assertEquals("AsidClash:context.id", j.get("recorded_signature"));
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) j.get("violation");
        assertEquals(Boolean.FALSE, v.get("same_as_recorded"));
    }

    /** A command that fails inside: what lazymm does with its own bugs and the JVM's errors. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Parameters String what;

        @Override
        public Integer call() {
            switch (what) {
                case "stack" -> { throw new StackOverflowError(); }
                case "memory" -> { throw new OutOfMemoryError("Java heap space"); }
                default -> throw new IllegalStateException("a bug");
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "stack;  lazymm: internal error: the JVM ran out of stack (java.lang.StackOverflowError)",
            "memory; lazymm: internal error: the JVM ran out of memory (java.lang.OutOfMemoryError: Java heap space)",
            "bug;    lazymm: internal error (a bug in lazymm, please report it with the command line):"})
    void internalErrorsExitThreeNeverOneOrTwo(String what, String line) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new Boom());
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(cl, new String[] {"boom", what.trim()}, new PrintWriter(o, true), new PrintWriter(e, true));
        assertEquals(Main.INTERNAL, code, e.toString());
        assertEquals(3, code);
        assertTrue(e.toString().startsWith(line.trim()), e.toString());
        if (!what.trim().equals("bug")) assertEquals(1, e.toString().strip().lines().count(), e.toString());
    }

    @Test
    void everyCommandsHelpGivesTheInternalErrorsExitCode() {
        CommandLine main = new CommandLine(new Main());
        for (var c : main.getSubcommands().entrySet()) {
            if (c.getKey().equals("help")) continue;
            String help = c.getValue().getUsageMessage();
            assertTrue(help.replaceAll("\\s+", " ").contains("3 internal error (a bug in lazymm"), c.getKey() + ":\n" + help);
        }
        assertTrue(main.getUsageMessage().replaceAll("\\s+", " ").contains("3 internal error (a bug in lazymm"));
    }

    /**
     * An output path that cannot be written is one line and exit 2 before any work (nothing on the
     * output): not a stack trace after the search, with the finding lost.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "explore --variant example-lost-update --out F;             --out F: is a file, not a folder: give a folder for it",
            "explore --variant example-lost-update --out F/sub;         --out F/sub: cannot be created: F is a file, not a folder",
            "explore --variant example-lost-update --report F/r.json;   --report F/r.json: cannot be created: F is a file, not a folder",
            "explore --variant example-lost-update --report D;          --report D: is a folder: give a file name",
            "replay R --html F/t.html;                                  --html F/t.html: cannot be created: F is a file, not a folder",
            "replay R --report F/r.json;                                --report F/r.json: cannot be created: F is a file, not a folder",
            "minimize R --out F/m.json;                                 --out F/m.json: cannot be created: F is a file, not a folder",
            "minimize R --report F/r.json;                              --report F/r.json: cannot be created: F is a file, not a folder",
            "litmus --report F/r.json L;                                --report F/r.json: cannot be created: F is a file, not a folder",
            "fuzz --variant example-lost-update --out F;                --out F: is a file, not a folder: give a folder for it",
            "fuzz --variant example-lost-update --report F/r.json;      --report F/r.json: cannot be created: F is a file, not a folder",
            "bench --report F/r.json;                                   --report F/r.json: cannot be created: F is a file, not a folder"})
    void anUnwritablePathIsOneLineBeforeTheWork(String args, String expected) throws Exception {
        Path f = tmp.resolve("a-file");
        Files.writeString(f, "x");
        Path d = Files.createDirectories(tmp.resolve("a-folder"));
        Path r = tmp.resolve("r.json");
        Files.copy(Path.of("../../fuzz-corpus/reproducers/HP-HOTPLUG.UseAfterFree.json"), r);
        Path l = tmp.resolve("t.litmus");
        Files.writeString(l, "C t\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (x=1)\n");
        java.util.function.UnaryOperator<String> fill = s -> s.replace("F", f.toString()).replace("D", d.toString())
                .replace("R", r.toString()).replace("L", l.toString());
        Out res = run(java.util.Arrays.stream(args.trim().split("\\s+")).map(fill).toArray(String[]::new));
        assertEquals(2, res.code(), res.out() + res.err());
        assertEquals("lazymm: error: " + fill.apply(expected.trim()), res.err().strip());
        assertEquals("", res.out(), "work started: " + res.out());
    }

    /**
     * A reproducer that cannot be written after the search (here its path is taken by a folder)
     * is not lost: the finding and its exit code stay, and the reproducer is on the output, whole:
     * saved to a file it replays.
     */
    @Test
    void aFindingWhoseReproducerCannotBeWrittenIsPrintedAndStillExitsOne() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("example-refcount-drop.DoubleFree.json").resolve("in-the-way"));
        Out r = run("explore", "--variant", "example-refcount-drop", "--program", "default", "--no-minimize",
                "--out", out.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("VIOLATION DoubleFree"), r.out());
        assertTrue(r.err().startsWith("lazymm: error: cannot write the reproducer "), r.err());
        String marker = "  reproducer (not written):" + System.lineSeparator();
        assertTrue(r.out().contains(marker), r.out());
        String json = r.out().substring(r.out().indexOf(marker) + marker.length());
        Path saved = tmp.resolve("saved.json");
        Files.writeString(saved, json);
        Out replay = run("replay", "--no-trace", saved.toString());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("(the recorded signature)"), replay.out());
    }

    /**
     * The finding comes first, as found: printed, written and reported before the minimization,
     * so that an interrupt (Ctrl-C) or a crash while minimizing cannot hide it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void exploreReportsTheFindingAsFoundBeforeItMinimizes() throws Exception {
        Path out = tmp.resolve("o");
        Out r = run("explore", "--variant", "example-refcount-drop", "--program", "default", "--out", out.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String o = r.out();
        int violation = o.indexOf("VIOLATION"), reproducer = o.indexOf("  reproducer: "), replay = o.indexOf("  replay: ");
        int minimized = o.indexOf("  minimized: ");
        assertTrue(violation >= 0 && violation < reproducer && reproducer < replay && replay < minimized, o);
    }
}
