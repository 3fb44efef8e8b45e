package lazymm.other;

import lazymm.model.agenttest.Fixture;
import lazymm.rt.Yield;

/**
 * Main class of the child JVM in ShadedJarIT (outside the include prefixes, so not instrumented):
 * runs fixture methods under the real agent and prints what the hook counted.
 */
public final class ItMain {
    public static void main(String[] args) {
        boolean byteBuddyVisible;
        try {
            Class.forName("net.bytebuddy.ByteBuddy");
            byteBuddyVisible = true;
        } catch (ClassNotFoundException e) {
            byteBuddyVisible = false;
        }
        Fixture f = new Fixture();
        System.out.println("after-init " + Yield.total());
        f.incPlain();
        f.memoryCalls();
        f.apiCalls();
        System.out.println("total " + Yield.total());
        System.out.println("counts " + Yield.counts());
        System.out.println("unshaded-bytebuddy-visible " + byteBuddyVisible);
    }
}
