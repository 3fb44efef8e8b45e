package lazymm.engine.trace;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * A traced execution in the kernel's terms, one column per CPU, time going down: each line is
 * one event (a marked access with its location and value, a context switch, an IPI sent or
 * taken, a store-buffer drain, a lock taken or released, a preemption), in its CPU's column.
 *
 * <p>The short view keeps the events that lead to the violation: the accesses that touch an
 * object its report names (mm#2, task#7, page#1: a field of it, or a value that points to it),
 * every context switch, interrupt, IPI and preemption, the last event of each CPU, and the
 * writes that decided the finding (see {@link #keepDecisiveWrites}); a line
 * says how many events were left out in between. The full view keeps everything. An object
 * named with its owner, ptpage#1(mm#2), is the sub-object alone: of the owner's fields only the
 * ones used with it (the list head it goes on, in the same call) and the owner's lock held
 * innermost around those are kept (see {@link #keepOwnerFields}).
 */
public final class TraceView {

    /** The width of a CPU's column. */
    public static final int WIDTH = 46;

    private static final Pattern OBJECT = Pattern.compile("\\b[a-z][a-z_]*#\\d+\\b|\\bidle/\\d+\\b");

    private TraceView() {}

    /**
     * The objects a violation's report names, e.g. {@code mm#2}, {@code kthread#8}; a sub-object
     * named with its owner, {@code ptpage#1(mm#2)}, is one object (the owner is not named by it).
     */
    public static Set<String> objectsOf(Violation v) {
        Set<String> out = new LinkedHashSet<>();
        if (v == null || v.getMessage() == null) return out;
        String msg = v.getMessage();
        Matcher m = OBJECT.matcher(msg);
        int from = 0;
        while (m.find(from)) {
            int end = owned(msg, m.end());
            out.add(msg.substring(m.start(), end));
            from = end;
        }
        return out;
    }

    /** The end of a name at {@code end}: past its owner's parentheses if they follow it directly. */
    private static int owned(String s, int end) {
        if (end >= s.length() || s.charAt(end) != '(') return end;
        int depth = 0;
        for (int i = end; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') depth++;
            else if (ch == ')' && --depth == 0) return i + 1;
        }
        return end;
    }

    /** The owners named inside the sub-objects of {@code objs} ({@code mm#2} of {@code ptpage#1(mm#2)}), if not named themselves. */
    static Set<String> ownersOf(Set<String> objs) {
        Set<String> out = new LinkedHashSet<>();
        for (String o : objs) {
            int p = o.indexOf('(');
            if (p < 0) continue;
            Matcher m = OBJECT.matcher(o);
            m.region(p, o.length());
            while (m.find()) {
                if (!objs.contains(m.group())) out.add(m.group());
            }
        }
        return out;
    }

    /** Which events the short view keeps (all of them when {@code full}). */
    public static boolean[] select(List<TraceEvent> events, int cpus, Violation v, boolean full) {
        boolean[] keep = new boolean[events.size()];
        if (full) {
            java.util.Arrays.fill(keep, true);
            return keep;
        }
        Set<String> objs = objectsOf(v);
        boolean[] lastSeen = new boolean[Math.max(cpus, 1) + 1];
        for (int i = events.size() - 1; i >= 0; i--) {
            TraceEvent e = events.get(i);
            int c = e.cpu;
            if (c >= 0 && c < cpus && !lastSeen[c] && e.kind == TraceEvent.Kind.ACCESS) {
                lastSeen[c] = true;
                keep[i] = true;
            }
            switch (e.kind) {
                case SWITCH, IRQ, IPI, PREEMPT, CHOICE, FINDING -> keep[i] = true;
                case ACCESS, DRAIN, ACTION, NOTE -> keep[i] |= touches(e, objs);
            }
        }
        Set<String> owners = ownersOf(objs);
        if (!owners.isEmpty()) keepOwnerFields(events, cpus, objs, owners, keep);
        if (v != null) keepDecisiveWrites(events, cpus, keep);
        return keep;
    }

    /**
     * The writes that decided the finding, even when they do not touch an object the report
     * names: the failing CPU is the one of the last event; for each location it read since it
     * last switched to its task (its current kernel path), the last write to that location
     * issued before the read by another CPU: the store the read saw, or the buffered one it
     * missed (a flag, a cpumask, cpu_online_mask that made it skip another CPU). A CPU's own
     * writes are program order, and read-modify-writes are not taken as reads.
     */
    static void keepDecisiveWrites(List<TraceEvent> events, int cpus, boolean[] keep) {
        if (events.isEmpty()) return;
        int last = events.size() - 1;
        int fc = events.get(last).cpu;
        if (fc < 0 || fc >= cpus) return;
        int start = 0;
        for (int i = last; i >= 0; i--) {
            TraceEvent e = events.get(i);
            if (e.cpu == fc && e.kind == TraceEvent.Kind.SWITCH) {
                start = i + 1;
                break;
            }
        }
        Set<String> done = new java.util.HashSet<>();
        for (int i = start; i <= last; i++) {
            TraceEvent e = events.get(i);
            if (e.cpu != fc || e.kind != TraceEvent.Kind.ACCESS) continue;
            for (String[] lv : e.values) {
                if (!isRead(lv[1]) || !done.add(lv[0])) continue;
                int w = lastWrite(events, lv[0], i);
                if (w >= 0 && events.get(w).cpu != fc) keep[w] = true;
            }
        }
    }

    /** A load's value, not a store's ({@code := v}) nor a read-modify-write's ({@code old -> new}). */
    private static boolean isRead(String value) { return !value.startsWith(":= ") && !value.contains(" -> "); }

    /** The last access event before {@code before} that writes {@code loc}, or -1. */
    private static int lastWrite(List<TraceEvent> events, String loc, int before) {
        for (int j = before - 1; j >= 0; j--) {
            TraceEvent e = events.get(j);
            if (e.kind != TraceEvent.Kind.ACCESS) continue;
            for (String[] lv : e.values) {
                if (lv[0].equals(loc) && !isRead(lv[1])) return j;
            }
        }
        return -1;
    }

    /**
     * A sub-object's owner (the mm of ptpage#1(mm#2)) is not itself what the report is about:
     * of its fields the short view keeps those accessed in the same function call as a field of
     * the sub-object (the list head it is added to or deleted from), and the owner's lock held
     * innermost around those and the sub-object's accesses (what orders them), taken and released;
     * not every access to the owner.
     */
    private static void keepOwnerFields(List<TraceEvent> events, int cpus, Set<String> objs, Set<String> owners, boolean[] keep) {
        // each CPU's events, in order: a call is a run of consecutive accesses of one CPU in one function
        List<List<Integer>> perCpu = new ArrayList<>();
        for (int c = 0; c < cpus; c++) perCpu.add(new ArrayList<>());
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            if (e.cpu >= 0 && e.cpu < cpus && e.kind == TraceEvent.Kind.ACCESS) perCpu.get(e.cpu).add(i);
        }
        for (List<Integer> seq : perCpu) {
            boolean[] core = new boolean[seq.size()];   // an access to a field of the sub-object
            boolean[] mate = new boolean[seq.size()];   // an owner field accessed in the same call
            boolean[] guarding = new boolean[seq.size()];  // an owner lock held innermost around one of them
            for (int k = 0; k < seq.size(); k++) core[k] = fieldOf(events.get(seq.get(k)), objs);
            for (int k = 0; k < seq.size(); ) {
                int end = k;
                String fn = KernelNames.function(events.get(seq.get(k)).site);
                boolean any = false;
                while (end < seq.size() && KernelNames.function(events.get(seq.get(end)).site).equals(fn)) any |= core[end++];
                for (int q = k; q < end && any; q++) {
                    if (!core[q] && fieldOf(events.get(seq.get(q)), owners) && !isLock(events.get(seq.get(q)))) mate[q] = true;
                }
                k = end;
            }
            for (int k = 0; k < seq.size(); k++) if (mate[k]) keep[seq.get(k)] = true;
            // the owner's lock held innermost around each kept access to the sub-object or a list head
            List<Integer> held = new ArrayList<>();  // indexes into seq of the owner locks held, innermost last
            for (int k = 0; k < seq.size(); k++) {
                TraceEvent e = events.get(seq.get(k));
                String rel = released(e);
                if (rel != null) {
                    for (int h = held.size() - 1; h >= 0; h--) {
                        int a = held.get(h);
                        if (!rel.equals(acquired(events.get(seq.get(a))))) continue;
                        if (guarding[a]) keep[seq.get(k)] = true;
                        held.remove(h);
                        break;
                    }
                } else if (acquired(e) != null && fieldOf(e, owners)) {
                    held.add(k);
                } else if ((core[k] || mate[k]) && !held.isEmpty()) {
                    int a = held.get(held.size() - 1);
                    keep[seq.get(a)] = true;
                    guarding[a] = true;
                }
            }
        }
    }

    /** An access to a field of one of {@code objs}. */
    private static boolean fieldOf(TraceEvent e, Set<String> objs) {
        for (String[] lv : e.values) {
            for (String o : objs) {
                if (lv[0].equals(o) || lv[0].startsWith(o + ".") || lv[0].startsWith(o + "[")) return true;
            }
        }
        return false;
    }

    private static boolean isLock(TraceEvent e) { return acquired(e) != null || released(e) != null; }

    /** The lock an access takes (spin_lock*, a successful spin_trylock), or null. */
    private static String acquired(TraceEvent e) {
        if (e.kind != TraceEvent.Kind.ACCESS || e.values.isEmpty()) return null;
        String prim = primitive(e.site);
        String[] lv = e.values.get(e.values.size() - 1);
        return (prim.startsWith("spin_lock") || prim.equals("spin_trylock")) && lv[1].endsWith("-> 1") ? lv[0] : null;
    }

    /** The lock an access releases, or null. */
    private static String released(TraceEvent e) {
        if (e.kind != TraceEvent.Kind.ACCESS || e.values.isEmpty()) return null;
        return primitive(e.site).startsWith("spin_unlock") ? e.values.get(e.values.size() - 1)[0] : null;
    }

    static boolean touches(TraceEvent e, Set<String> objs) {
        if (e.kind == TraceEvent.Kind.NOTE) {
            for (String o : objs) if (mentions(e.detail, o)) return true;
            return false;
        }
        for (String[] lv : e.values) {
            for (String o : objs) {
                if (lv[0].startsWith(o + ".") || lv[0].equals(o) || mentions(lv[1], o)) return true;
            }
        }
        return false;
    }

    private static boolean mentions(String text, String obj) {
        int i = text.indexOf(obj);
        while (i >= 0) {
            int end = i + obj.length();
            boolean before = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
            boolean after = end == text.length() || !Character.isDigit(text.charAt(end));
            if (before && after) return true;
            i = text.indexOf(obj, i + 1);
        }
        return false;
    }

    /**
     * The text view: a header, one line per kept event, and "(N events)" lines for the gaps.
     *
     * @param full  every event, with source lines; otherwise the short view
     */
    public static List<String> render(List<TraceEvent> events, int cpus, Violation v, boolean full) {
        boolean[] keep = select(events, cpus, v, full);
        List<String> out = new ArrayList<>();
        StringBuilder h = new StringBuilder(" step");
        StringBuilder rule = new StringBuilder("-----");
        for (int c = 0; c < cpus; c++) {
            h.append(" | ").append(pad("cpu" + c, c == cpus - 1 ? 0 : WIDTH));
            rule.append("-+-").append("-".repeat(WIDTH));
        }
        out.add(h.toString().stripTrailing());
        out.add(rule.toString());
        String[] task = new String[cpus];
        int prev = -1;
        TraceEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
        for (int idx = 0; idx < keep.length; idx++) {
            if (!keep[idx]) continue;
            TraceEvent e = events.get(idx);
            if (idx > prev + 1) {
                out.add(gapLine(idx - prev - 1, cpus));
            }
            prev = idx;
            int c = e.cpu >= 0 && e.cpu < cpus ? e.cpu : 0;
            // a line naming the task when the CPU's task changes (switches say it themselves)
            if (e.kind != TraceEvent.Kind.SWITCH && !e.task.isEmpty() && !e.task.equals(task[c])
                    && !e.task.equals("cpu" + c)) {
                out.add(line(e.step, c, cpus, "[" + e.task + "]", true));
            }
            if (e.kind == TraceEvent.Kind.SWITCH) {
                task[c] = e.detail.substring(e.detail.indexOf("-> ") + 3);
            } else if (!e.task.isEmpty()) {
                task[c] = e.task;
            }
            String text = text(e, full);
            if (e == last && v != null) text += "   <== " + v.kind();
            out.add(line(e.step, c, cpus, text, false));
        }
        if (!full && prev < events.size() - 1) out.add(gapLine(events.size() - 1 - prev, cpus));
        return out;
    }

    private static String gapLine(int n, int cpus) {
        StringBuilder sb = new StringBuilder("     ");
        for (int c = 0; c < cpus; c++) sb.append(" : ").append(c == 0 ? pad("(" + n + (n == 1 ? " event)" : " events)"), WIDTH) : pad("", c == cpus - 1 ? 0 : WIDTH));
        return sb.toString().stripTrailing();
    }

    private static String line(long step, int cpu, int cpus, String text, boolean noStep) {
        StringBuilder sb = new StringBuilder(noStep ? "     " : String.format("%5d", step));
        for (int c = 0; c < cpus; c++) {
            sb.append(" | ");
            if (c == cpu) {
                sb.append(text);
                if (text.length() > WIDTH) break;  // a long event runs over the columns to its right
                if (c < cpus - 1) sb.append(" ".repeat(WIDTH - text.length()));
            } else if (c < cpus - 1) {
                sb.append(" ".repeat(WIDTH));
            }
        }
        return sb.toString().stripTrailing();
    }

    private static String pad(String s, int w) { return s.length() >= w ? s : s + " ".repeat(w - s.length()); }

    /** One event in the kernel's terms. */
    public static String text(TraceEvent e, boolean withSource) {
        String fn = KernelNames.function(e.site);
        String src = withSource && !e.site.isEmpty() && e.kind != TraceEvent.Kind.DRAIN && e.kind != TraceEvent.Kind.ACTION

                && e.kind != TraceEvent.Kind.NOTE && e.kind != TraceEvent.Kind.FINDING
                ? "  (" + KernelNames.where(e.site) + ")" : "";
        return switch (e.kind) {
            case ACCESS -> fn + ": " + access(e) + src;
            case SWITCH -> "context switch " + e.detail;
            case IRQ -> "takes the " + interrupt(e) + " (interrupted in " + fn + ")";
            case IPI -> interrupt(e) + " pending (interrupts on)";
            case DRAIN -> "store buffer drains " + values(e, "");
            case ACTION -> e.detail + " " + values(e, "");
            case PREEMPT -> "preempted in " + fn + src;
            case CHOICE -> fn + ": takes alternative " + e.detail + src;
            case NOTE -> e.detail;
            case FINDING -> "FINDING " + e.detail;
        };
    }

    /** Which interrupt an IRQ or IPI event is (an IPI when the instance does not say). */
    private static String interrupt(TraceEvent e) { return e.detail.isEmpty() ? "IPI" : e.detail; }

    /** The marked-access vocabulary: the public methods of Memory. */
    private static final Set<String> PRIMITIVES = java.util.Arrays.stream(lazymm.model.mem.Memory.class.getMethods())
            .map(java.lang.reflect.Method::getName).collect(java.util.stream.Collectors.toSet());

    private static String access(TraceEvent e) {
        int sp = e.site.lastIndexOf(' ');
        String name = sp < 0 ? e.site : e.site.substring(sp + 1);
        if (!PRIMITIVES.contains(name)) return "access to field " + name;  // a model field the agent found
        String prim = primitive(e.site);
        if (e.values.isEmpty()) {  // a barrier, or an access that has not completed (waiting, or the violation)
            return prim + (prim.contains("mb") || prim.equals("barrier") ? "()" : "(...)");
        }
        String[] lv = e.values.get(e.values.size() - 1);
        String loc = lv[0];
        String val = lv[1];
        if (prim.startsWith("spin_lock") || prim.equals("spin_trylock")) {
            return prim + "(" + loc + ")" + (val.endsWith("-> 1") ? " acquired" : " = " + val);
        }
        if (prim.startsWith("spin_unlock")) return prim + "(" + loc + ") released";
        if (val.startsWith(":= ")) return prim + "(" + loc + ", " + val.substring(3) + ")";
        if (val.contains(" -> ")) return prim + "(" + loc + "): " + val;
        return prim + "(" + loc + ") = " + val;
    }

    private static String values(TraceEvent e, String none) {
        if (e.values.isEmpty()) return none;
        String[] lv = e.values.get(0);
        return lv[0] + " " + lv[1];
    }

    /** The C name of the primitive of a site "Class.method:line primitive". */
    static String primitive(String site) {
        int sp = site.lastIndexOf(' ');
        String m = sp < 0 ? site : site.substring(sp + 1);
        return switch (m) {
            case "readOnce" -> "READ_ONCE";
            case "writeOnce" -> "WRITE_ONCE";
            case "read" -> "plain read";
            case "write" -> "plain write";
            default -> KernelNames.toC(m);
        };
    }
}
