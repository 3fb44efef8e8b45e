package lazymm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lazymm.engine.Strategies;
import lazymm.engine.fuzz.WorkerProtocol;
import lazymm.model.mem.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The shared options: declared once, so every command that has one describes it alike. */
class MixinsTest {

    /**
     * Options that share a name but not a meaning: minimize --out is one FILE, explore's and fuzz's
     * a DIR; list --mutants lists the mutation benchmark, bench --mutants runs it; litmus --time
     * bounds each test's search (the output says which are incomplete), the others the command.
     */
    private static final Set<String> HOMONYMS = Set.of("--out", "--mutants", "--time");

    @Test
    void anOptionThatTwoCommandsShareIsDescribedAlike() {
        CommandLine main = new CommandLine(new Main());
        Map<String, OptionSpec> first = new HashMap<>();
        Map<String, String> by = new HashMap<>();
        int shared = 0;
        for (var e : main.getSubcommands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || HOMONYMS.contains(o.longestName())) continue;
                OptionSpec seen = first.putIfAbsent(o.longestName(), o);
                if (seen == null) {
                    by.put(o.longestName(), e.getKey());
                    continue;
                }
                shared++;
                String where = o.longestName() + " in " + by.get(o.longestName()) + " and " + e.getKey();
                assertEquals(described(seen), described(o), where);
                assertEquals(seen.paramLabel(), o.paramLabel(), where);
                assertEquals(seen.type(), o.type(), where);
            }
        }
        assertTrue(shared >= 10, "shared options: " + shared);
    }

    /** The description, its default put back as the template (a command may give another default). */
    private static List<String> described(OptionSpec o) {
        String d = o.defaultValueString();
        return Arrays.stream(o.description()).map(s -> d == null ? s : s.replace("(default: " + d + ")", "(default: D)")
                .replace("default: " + d, "default: D")).toList();
    }

    @Test
    void theEnumsListTheValuesTheEngineTakes() {
        assertEquals(Memory.MODES, Arrays.stream(Mixins.MemoryMode.values()).map(Object::toString).toList());
        assertEquals(Strategies.NAMES, Arrays.stream(Mixins.StrategyName.values()).map(Object::toString).toList());
        assertEquals(List.of("conflicts", "switches", "all", "none"),
                Arrays.stream(WorkerProtocol.Feedback.values()).map(Object::toString).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "explore --strategy dfs;      unknown strategy 'dfs' (expected one of random, pct, exhaustive, swarm)",
            "explore --memory pso;        unknown memory mode 'pso' (expected one of [sc, tso, weak])",
            "fuzz --feedback pairs;       --feedback must be one of conflicts, switches, all, none, got 'pairs'",
            "explore --time -2;           --time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got -2",
            "explore --time -0.5;         --time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got -0.5",
            "fuzz --time 1.5;             --time must be whole seconds, got 1.5",
            "explore --cpus 2-4;          --cpus must be 1..32 (the model's cpumasks are 32-bit words), got '2-4' (a range MIN-MAX is for fuzz)",
            "explore --cpus 33;           --cpus must be 1..32 (the model's cpumasks are 32-bit words), got 33",
            "explore --cpus 64;           --cpus must be 1..32 (the model's cpumasks are 32-bit words), got 64",
            "explore --minimize-time -1;  --minimize-time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got -1",
            "explore --max-steps 0;       --max-steps must be at least 1, got 0"})
    void aBadValueIsOneLineThatSaysWhatIsAllowed(String args, String message) {
        MainTest.Out r = MainTest.run(args.trim().split("\\s+"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: " + message.trim(), r.err().strip());
    }

    @Test
    void eachCommandKeepsItsOwnTimeDefault() {
        Map<String, String> dflt = new HashMap<>();
        CommandLine main = new CommandLine(new Main());
        for (String c : List.of("explore", "fuzz", "minimize", "bench")) {
            dflt.put(c, main.getSubcommands().get(c).getCommandSpec().findOption("--time").defaultValueString());
        }
        assertEquals(Map.of("explore", "30.0", "fuzz", "30.0", "minimize", "0.0", "bench", "60.0"), dflt);
    }
}
