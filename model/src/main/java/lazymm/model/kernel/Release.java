package lazymm.model.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux release, as its tag names it: {@code v6.15}, {@code v7.1.5}. A merged {@link Patch}
 * names the first release that has it; a variant's base is the release whose code it runs.
 *
 * @param major the major number (7 of v7.1.5)
 * @param minor the minor number (1 of v7.1.5)
 * @param stable the stable update (5 of v7.1.5), 0 for a mainline release
 */
public record Release(int major, int minor, int stable) implements Comparable<Release> {

    private static final Pattern TAG = Pattern.compile("v(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /**
     * The release the model follows: every class of the kernel model says where it departs from
     * it. A variant based on an older release reverts every modelled patch merged after it.
     */
    public static final Release PIN = of("v7.1.5");

    /** The release a tag names ({@code v6.15}, {@code v7.1.5}). */
    public static Release of(String tag) {
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a release tag: '" + tag + "' (expected vMAJOR.MINOR or vMAJOR.MINOR.STABLE, e.g. v6.15)");
        }
        return new Release(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(Release o) {
        if (major != o.major) return Integer.compare(major, o.major);
        if (minor != o.minor) return Integer.compare(minor, o.minor);
        return Integer.compare(stable, o.stable);
    }

    /** Whether this release has the code of {@code r} (r is this release or an older one). */
    public boolean includes(Release r) { return compareTo(r) >= 0; }

    @Override
    public String toString() { return "v" + major + "." + minor + (stable == 0 ? "" : "." + stable); }
}
