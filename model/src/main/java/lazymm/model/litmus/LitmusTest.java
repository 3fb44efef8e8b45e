package lazymm.model.litmus;

import java.util.List;
import lazymm.model.litmus.Ast.Key;
import lazymm.model.litmus.Ast.Location;
import lazymm.model.litmus.Ast.Process;
import lazymm.model.litmus.Ast.Prop;
import lazymm.model.litmus.Ast.Quantifier;

/**
 * One parsed LKMM C litmus test: what herd7 reads from a {@code .litmus} file.
 *
 * @param file       the file name, for messages
 * @param name       the name after {@code C}
 * @param result     the {@code Result:} stated in a {@code (* ... *)} comment before the first
 *                   process (herd7's verdict under LKMM, in the kernel's tests), or null
 * @param locations  the shared locations, in order of first appearance (init block, then the
 *                   parameters of P0, P1, ...): the order they are created in memory
 * @param processes  P0..Pn
 * @param keys       what a final state records: every register and location named in the
 *                   {@code locations} clause, the filter or the condition (herd7's state lines)
 * @param filter     the {@code filter} proposition, or null
 * @param quantifier exists, ~exists or forall
 * @param condition  the proposition of the final clause
 * @param conditionText the final clause as written (whitespace collapsed), for output
 */
public record LitmusTest(String file, String name, String result, List<Location> locations,
                         List<Process> processes, List<Key> keys, Prop filter, Quantifier quantifier,
                         Prop condition, String conditionText) {

    /** True if some location holds a pointer (the memory then gets the addresses' ids first). */
    public boolean usesPointers() {
        for (Location l : locations) {
            if (l.kind() == Ast.Kind.PTR) return true;
        }
        return false;
    }

    /** A value as herd7 prints it: an integer, or the name of the location it is the address of. */
    public String show(long v) {
        if (Ast.isAddr(v)) {
            int i = (int) (v - Ast.ADDR);
            if (i < locations.size()) return locations.get(i).name();
        }
        return Long.toString(v);
    }

    /** A final state as herd7 prints it, e.g. {@code 0:r0=1; 1:r0=0; x=1;}. */
    public String showState(long[] values) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < keys.size(); k++) {
            if (k > 0) sb.append(' ');
            sb.append(keys.get(k).text()).append('=').append(show(values[k])).append(';');
        }
        return sb.toString();
    }
}
