package lazymm.engine.strategy;

import java.util.ArrayList;
import java.util.List;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * A schedule written by hand, in kernel terms: which CPU runs, until it is about to run a given
 * function (or until it cannot run: it blocks or halts), then the next; and the values of the
 * choices inside the model (which ready task a CPU picks, whether a preemption point preempts),
 * in the order they come up, 0 when the list is over. Steps:
 * <pre>
 *   1:Exit.exitMm   run CPU 1 until its next shared access is in Exit.exitMm
 *   0               run CPU 0 until it cannot run
 *   i2              CPU 2 takes its pending interrupt
 * </pre>
 * After the last step, the running CPU goes on while it can, else the lowest-numbered one. Store
 * buffers drain only when nothing else can run (scripts use sequential consistency).
 */
public final class Scripted implements Strategy {

    private record Step(boolean irq, int cpu, String until) {}

    private final List<Step> steps = new ArrayList<>();
    private final int[] values;
    private final String[] pending = new String[64];
    private int si;
    private int vi;
    private boolean started;

    /**
     * @param script the steps, separated by spaces
     * @param values the choices inside the model, in order
     */
    public Scripted(String script, int... values) {
        for (String tok : script.trim().split("\\s+")) {
            if (tok.isEmpty()) continue;
            if (tok.startsWith("i")) {
                steps.add(new Step(true, Integer.parseInt(tok.substring(1)), null));
            } else {
                int colon = tok.indexOf(':');
                int cpu = Integer.parseInt(colon < 0 ? tok : tok.substring(0, colon));
                steps.add(new Step(false, cpu, colon < 0 ? null : tok.substring(colon + 1)));
            }
        }
        this.values = values.clone();
    }

    @Override public String name() { return "scripted"; }

    @Override
    public boolean startExecution() {
        if (started) return false;
        started = true;
        return true;
    }

    @Override public void observe(int cpu, String site) { pending[cpu] = site; }

    private static int indexOf(int[] opts, int n, int action) {
        for (int i = 0; i < n; i++) {
            if (opts[i] == action) return i;
        }
        return -1;
    }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        if (Actions.isValue(opts[0]) || (n == 2 && opts[1] == Actions.PREEMPT)) {
            int v = vi < values.length ? values[vi++] : 0;
            if (v >= n) throw new IllegalStateException("scripted value " + v + " at choice " + vi + ", but only " + n + " options");
            return v;
        }
        while (si < steps.size()) {
            Step s = steps.get(si);
            if (s.irq()) {
                si++;
                int i = indexOf(opts, n, Actions.FIRST_IRQ + s.cpu());
                if (i >= 0) return i;
                continue;
            }
            int i = indexOf(opts, n, s.cpu());
            boolean arrived = s.until() != null && pending[s.cpu()] != null && pending[s.cpu()].contains(s.until());
            if (i >= 0 && !arrived) return i;
            si++;
        }
        int i = running >= 0 ? indexOf(opts, n, running) : -1;
        if (i >= 0) return i;
        for (int k = 0; k < n; k++) {
            if (Actions.isRun(opts[k])) return k;
        }
        return 0;
    }
}
