package lazymm.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of /proc/interrupts: a header of {@code CPUn} columns (online CPUs only, so the numbers
 * can have gaps), then one row per source: {@code LABEL:}, a count per CPU column, and a
 * description (an irq chip and name, or a sentence such as "Function call interrupts"). Some
 * rows (x86's ERR and MIS) have a single count; they parse too.
 */
public record Interrupts(List<Integer> cpus, Map<String, Row> rows) {

    /** One row: its label without the colon, the counts in the header's column order, the rest. */
    public record Row(String label, List<Long> counts, String description) {}

    /** Parses the header line and any rows after it; a malformed text says which line and why. */
    public static Interrupts parse(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException("/proc/interrupts: empty text");
        List<Integer> cpus = new ArrayList<>();
        for (String col : lines.get(0).trim().split("\\s+")) {
            if (!col.matches("CPU\\d+")) {
                throw new IllegalArgumentException("/proc/interrupts: the header has '" + col
                        + "' where a CPUn column was expected: " + lines.get(0).trim());
            }
            cpus.add(Integer.parseInt(col.substring(3)));
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            Row r = parseRow(line, cpus.size());
            rows.put(r.label(), r);
        }
        return new Interrupts(List.copyOf(cpus), rows);
    }

    static Row parseRow(String line, int columns) {
        int colon = line.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("/proc/interrupts: a row without a 'LABEL:': " + line.trim());
        String label = line.substring(0, colon).trim();
        String[] tok = line.substring(colon + 1).trim().split("\\s+");
        List<Long> counts = new ArrayList<>();
        int i = 0;
        while (i < tok.length && counts.size() < columns && tok[i].matches("\\d+")) {
            counts.add(Long.parseLong(tok[i++]));
        }
        if (counts.isEmpty()) throw new IllegalArgumentException("/proc/interrupts: row " + label + " has no counts: " + line.trim());
        String desc = String.join(" ", List.of(tok).subList(i, tok.length));
        return new Row(label, List.copyOf(counts), desc);
    }

    /**
     * The row that counts function-call IPIs (smp_call_function*): x86's {@code CAL}, arm64's
     * {@code IPI1}; both say "Function call interrupts".
     */
    public Row functionCalls() {
        for (Row r : rows.values()) {
            if (r.label().equals("CAL") || r.description().contains("Function call interrupts")) return r;
        }
        throw new IllegalArgumentException("/proc/interrupts: no \"Function call interrupts\" row (rows: "
                + String.join(", ", rows.keySet()) + ")");
    }

    /** The count of a row on one CPU (by its number, not its column). */
    public long count(Row row, int cpu) {
        int col = cpus.indexOf(cpu);
        if (col < 0) throw new IllegalArgumentException("/proc/interrupts: no column CPU" + cpu + " (columns: CPU"
                + String.join(" CPU", cpus.stream().map(String::valueOf).toList()) + ")");
        if (col >= row.counts().size()) {
            throw new IllegalArgumentException("/proc/interrupts: row " + row.label() + " has no count for CPU" + cpu);
        }
        return row.counts().get(col);
    }
}
