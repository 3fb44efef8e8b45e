package lazymm.engine.fuzz;

import java.util.Arrays;

/**
 * Shrinks a failing input while it still ends in the same violation signature: first the
 * schedule's tail (the fallback finishes the execution), then chunks of halving size, then bytes
 * lowered to 0 (the smallest choice). Deterministic, and bounded by a number of executions.
 */
public final class Minimizer {

    private final FuzzTarget.Campaign campaign;
    private final String signature;
    private int budget;

    private Minimizer(FuzzTarget.Campaign campaign, String signature, int budget) {
        this.campaign = campaign;
        this.signature = signature;
        this.budget = budget;
    }

    /** The smallest input found within {@code maxRuns} executions that ends in {@code signature}. */
    public static byte[] minimize(FuzzTarget.Campaign c, byte[] input, String signature, int maxRuns) {
        return new Minimizer(c, signature, maxRuns).run(input);
    }

    private boolean fails(byte[] in) {
        if (budget <= 0) return false;
        budget--;
        FuzzTarget.Run r = FuzzTarget.run(campaign, in, null);
        return r.violation() != null && r.violation().signature().equals(signature);
    }

    private byte[] run(byte[] in) {
        byte[] best = in;
        // the shortest prefix that still fails (binary search; the fallback completes the schedule)
        int lo = 0;
        int hi = best.length;
        while (lo < hi && budget > 0) {
            int mid = (lo + hi) >>> 1;
            if (fails(Arrays.copyOf(best, mid))) hi = mid;
            else lo = mid + 1;
        }
        if (hi < best.length && fails(Arrays.copyOf(best, hi))) best = Arrays.copyOf(best, hi);
        // remove chunks, from half the input down to single bytes (keeps the two header bytes)
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && budget > 0; chunk /= 2) {
            for (int at = 2; at + chunk <= best.length && budget > 0; ) {
                byte[] cand = new byte[best.length - chunk];
                System.arraycopy(best, 0, cand, 0, at);
                System.arraycopy(best, at + chunk, cand, at, best.length - at - chunk);
                if (fails(cand)) best = cand;
                else at += chunk;
            }
        }
        // lower bytes to 0
        for (int i = 0; i < best.length && budget > 0; i++) {
            if (best[i] == 0) continue;
            byte[] cand = best.clone();
            cand[i] = 0;
            if (fails(cand)) best = cand;
        }
        return best;
    }
}
